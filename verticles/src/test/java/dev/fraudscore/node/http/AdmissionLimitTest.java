package dev.fraudscore.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdmissionLimitTest {

    /** Offers {@code requests} at once, completes the admitted ones after {@code micros} each, and adjusts once. */
    private static int tick(AdmissionLimit l, int requests, long micros) {
        int admitted = 0;
        for (int i = 0; i < requests; i++) {
            if (l.tryAcquire()) {
                admitted++;
            }
        }
        for (int i = 0; i < admitted; i++) {
            l.release(micros);
        }
        return l.adjust();
    }

    @Test
    void refusesPastTheLimitAndAdmitsAgainAfterARelease() {
        AdmissionLimit l = new AdmissionLimit(2, 3, 0);
        assertTrue(l.tryAcquire());
        assertTrue(l.tryAcquire());
        assertTrue(l.tryAcquire());
        assertTrue(l.full());
        assertFalse(l.tryAcquire());
        assertEquals(3, l.inFlight());
        l.release(10);
        assertFalse(l.full());
        assertTrue(l.tryAcquire());
    }

    @Test
    void slowDecisionsShrinkTheLimitToTheFloorAndFastOnesGrowItBackToTheCeiling() {
        AdmissionLimit l = new AdmissionLimit(4, 64, 10_000);
        assertEquals(48, tick(l, 100, 30_000), "mean 30 ms > 10 ms target: a quarter off");
        assertEquals(36, tick(l, 100, 30_000));
        for (int i = 0; i < 20; i++) {
            tick(l, 100, 30_000);
        }
        assertEquals(4, l.limit(), "never below the floor");
        assertEquals(5, tick(l, 100, 2_000), "limit reached and fast: an eighth (at least one) more");
        for (int i = 0; i < 50; i++) {
            tick(l, 100, 2_000);
        }
        assertEquals(64, l.limit(), "never above the ceiling");
    }

    @Test
    void aLimitThatWasNotReachedDoesNotGrowAndAnIdleTickChangesNothing() {
        AdmissionLimit l = new AdmissionLimit(4, 64, 10_000);
        assertEquals(48, tick(l, 100, 50_000));
        assertEquals(48, tick(l, 10, 1_000), "10 in flight never reached the limit of 48");
        assertEquals(48, l.adjust(), "no completions in the tick");
    }

    @Test
    void withoutATargetTheLimitIsTheCeiling() {
        AdmissionLimit l = new AdmissionLimit(1, 8, 0);
        assertEquals(8, tick(l, 100, 1_000_000));
        assertThrows(IllegalArgumentException.class, () -> new AdmissionLimit(5, 4, 0));
    }
}
