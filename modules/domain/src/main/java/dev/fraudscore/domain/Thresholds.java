package dev.fraudscore.domain;

import java.io.Serializable;

/** Score cut-offs: REVIEW at or above {@code review}, DECLINE at or above {@code decline}. */
public record Thresholds(double review, double decline) implements Serializable {
    public Thresholds {
        if (!(review >= 0 && review <= 1)) {
            throw new IllegalArgumentException("review threshold must be in [0, 1], was " + review);
        }
        if (!(decline >= 0 && decline <= 1)) {
            throw new IllegalArgumentException("decline threshold must be in [0, 1], was " + decline);
        }
        if (review > decline) {
            throw new IllegalArgumentException(
                    "review threshold " + review + " must not exceed decline threshold " + decline);
        }
    }

    public Outcome apply(double score) {
        if (score >= decline) {
            return Outcome.DECLINE;
        }
        if (score >= review) {
            return Outcome.REVIEW;
        }
        return Outcome.APPROVE;
    }
}
