package dev.fraudscore.node.bus;

import java.io.Serializable;

/**
 * What a label did: the transaction it applied to (its id and the client whose transaction it is), the verdict
 * now in force and its source, and {@code change}: +1 (now known fraud), -1 (a fraud verdict withdrawn) or 0
 * (no count changed: the same verdict again, a genuine verdict on a transaction never labelled fraud, or a higher
 * source confirming the verdict).
 */
public record LabelResult(String transactionId, String client, boolean fraud, String source, int change)
        implements Serializable {}
