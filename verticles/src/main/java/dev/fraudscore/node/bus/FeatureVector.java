package dev.fraudscore.node.bus;

import java.io.Serializable;

/**
 * The model's input row for one transaction, in {@code Feature.ORDER} (treat the array as read-only).
 * {@code interactive}: a caller is waiting (HTTP); scored before rows from the stream.
 */
public record FeatureVector(float[] values, boolean interactive) implements Serializable {}
