package dev.fraudscore.node.bus;

import java.io.Serializable;

/** The model's input row for one transaction, in {@code Feature.ORDER}. Treat the array as read-only. */
public record FeatureVector(float[] values) implements Serializable {
}
