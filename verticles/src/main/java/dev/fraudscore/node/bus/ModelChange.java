package dev.fraudscore.node.bus;

import java.io.Serializable;

/**
 * A change of the served models that every node applies: {@code kind} is {@code champion},
 * {@code challenger}, {@code challenger-off} or {@code thresholds}; {@code path} names the model metadata
 * (the same path on every node); {@code review}/{@code decline} are the thresholds for {@code thresholds}.
 */
public record ModelChange(String kind, String path, double review, double decline, String originNode)
        implements Serializable {}
