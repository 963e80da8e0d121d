package dev.fraudscore.domain;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ThresholdsTest {
    private final Thresholds t = new Thresholds(0.5, 0.9);

    @Test
    void boundariesAreInclusive() {
        assertEquals(Outcome.APPROVE, t.apply(0.4999));
        assertEquals(Outcome.REVIEW, t.apply(0.5));
        assertEquals(Outcome.REVIEW, t.apply(0.8999));
        assertEquals(Outcome.DECLINE, t.apply(0.9));
        assertEquals(Outcome.DECLINE, t.apply(1.0));
    }

    @Test
    void reviewAboveDeclineIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Thresholds(0.9, 0.5));
        assertTrue(e.getMessage().contains("must not exceed"));
    }

    @Test
    void outOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(-0.1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(0.1, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(Double.NaN, 0.5));
    }
}
