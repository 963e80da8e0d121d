package dev.fraudscore.domain;

import java.io.Serializable;

/** Microseconds spent per stage of one decision at this node. */
public record StageTimings(long idempotencyMicros, long featuresMicros, long scoringMicros, long totalMicros)
        implements Serializable {}
