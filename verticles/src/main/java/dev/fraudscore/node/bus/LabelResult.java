package dev.fraudscore.node.bus;

import java.io.Serializable;

/**
 * What a label did: {@code change} is +1 (now known fraud), -1 (a fraud verdict withdrawn) or 0 (nothing
 * new: the same verdict again, or a genuine verdict on a transaction never labelled fraud).
 */
public record LabelResult(String transactionId, boolean fraud, int change) implements Serializable {}
