package dev.fraudscore.node.kafka;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    @Test
    void commitsOnlyUpToTheLowestOffsetStillInFlight() {
        OffsetTracker<String> t = new OffsetTracker<>();
        for (long o = 10; o < 15; o++) {
            t.started("p0", o);
        }
        t.finished("p0", 11);
        t.finished("p0", 12);
        assertEquals(Map.of("p0", 10L), t.committable());
        t.finished("p0", 10);
        assertEquals(Map.of("p0", 13L), t.committable());
        t.finished("p0", 13);
        t.finished("p0", 14);
        assertEquals(Map.of("p0", 15L), t.committable());
        assertEquals(0, t.inFlight());
    }

    @Test
    void reportsOnlyPositionsThatMoved() {
        OffsetTracker<String> t = new OffsetTracker<>();
        t.started("a", 0);
        t.started("b", 0);
        t.finished("a", 0);
        assertEquals(Map.of("a", 1L, "b", 0L), t.committable());
        assertEquals(Map.of(), t.committable());
    }

    @Test
    void revokedPartitionIsForgotten() {
        OffsetTracker<String> t = new OffsetTracker<>();
        t.started("a", 5);
        t.started("a", 6);
        assertEquals(2, t.inFlight());
        t.revoke("a");
        assertEquals(0, t.inFlight());
        assertEquals(Map.of(), t.committable());
        t.finished("a", 5);
        assertEquals(0, t.inFlight());
    }
}
