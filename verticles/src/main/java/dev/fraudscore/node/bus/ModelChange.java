package dev.fraudscore.node.bus;

import java.io.Serializable;

/**
 * A change of the served models that every node applies: {@code kind} is {@code champion},
 * {@code challenger}, {@code challenger-off}, {@code canary} or {@code thresholds}; {@code path} names the model metadata
 * (the same path, inside {@code scoring.modelsDir}, on every node) and {@code sha256} the model file's checksum the
 * operator expects (null: reload the configured model); {@code review}/{@code decline} are the thresholds for
 * {@code thresholds}; {@code share} the challenger's canary share for {@code canary}.
 */
public record ModelChange(
        String kind, String path, String sha256, double review, double decline, double share, String originNode)
        implements Serializable {
    public ModelChange(String kind, String path, String sha256, double review, double decline, String originNode) {
        this(kind, path, sha256, review, decline, Double.NaN, originNode);
    }
}
