package dev.fraudscore.domain;

import java.io.Serializable;

/**
 * One feature that pushed the score: a stable code, the feature's value for this transaction and its
 * contribution to the score's log-odds.
 */
public record Reason(String code, double value, double contribution) implements Serializable {}
