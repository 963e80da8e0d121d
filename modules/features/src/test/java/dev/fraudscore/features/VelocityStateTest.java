package dev.fraudscore.features;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VelocityStateTest {
    private static final long T0 = Instant.parse("2018-07-25T12:00:00Z").toEpochMilli();
    private static final long MIN = 60_000, HOUR = 60 * MIN, DAY = 24 * HOUR;

    @Test
    void ownTransactionIsIncludedInEveryWindow() {
        VelocityWindows w = new VelocityState().apply("t1", T0, 40.0);
        for (Window win : new Window[] {w.h1(), w.d1(), w.d7(), w.d30()}) {
            assertEquals(1, win.count());
            assertEquals(40.0, win.sum(), 1e-9);
        }
        assertTrue(Double.isNaN(w.secondsSincePrevious()));
    }

    @Test
    void windowsDropTransactionsOlderThanTheirSpan() {
        VelocityState s = new VelocityState();
        s.apply("old30", T0 - 31 * DAY, 1);
        s.apply("d20", T0 - 20 * DAY, 2);
        s.apply("d3", T0 - 3 * DAY, 4);
        s.apply("h5", T0 - 5 * HOUR, 8);
        s.apply("m30", T0 - 30 * MIN, 16);
        VelocityWindows w = s.apply("now", T0, 32);
        assertEquals(new Window(2, 48), w.h1());
        assertEquals(new Window(3, 56), w.d1());
        assertEquals(new Window(4, 60), w.d7());
        assertEquals(new Window(5, 62), w.d30());
        assertEquals(30 * 60.0, w.secondsSincePrevious(), 1e-9);
    }

    @Test
    void mergingTwoCopiesAfterASplitNeverLowersAWindowAndRemembersBothSidesIds() {
        VelocityState majority = new VelocityState();
        VelocityState minority = new VelocityState();
        for (VelocityState s : new VelocityState[] {majority, minority}) {
            s.apply("before-1", T0 - 2 * HOUR, 10);
            s.apply("before-2", T0 - 30 * MIN, 20);
        }
        majority.apply("major-1", T0 - 10 * MIN, 5);
        majority.apply("major-2", T0 - 5 * MIN, 5);
        minority.apply("minor-1", T0 - 3 * DAY, 7); // a bucket the majority did not count in
        majority.mergeMax(minority);
        VelocityWindows w = majority.apply("probe", T0, 1);
        assertEquals(new Window(4, 31), w.h1(), "the majority's hour, not lowered");
        assertEquals(new Window(6, 48), w.d7(), "the minority's day 3 is added");
        assertTrue(majority.apply("minor-1", T0 - 3 * DAY, 7).duplicate(), "the minority's ids are remembered");
        assertTrue(majority.apply("major-1", T0 - 10 * MIN, 5).duplicate());
    }

    @Test
    void sameTransactionIdIsCountedOnce() {
        VelocityState s = new VelocityState();
        s.apply("a", T0, 10);
        VelocityWindows retry = s.apply("a", T0, 10);
        assertTrue(retry.duplicate());
        assertEquals(1, retry.d1().count());
        assertEquals(2, s.apply("b", T0 + MIN, 5).d1().count());
    }

    @Test
    void lateTransactionSeesOnlyWindowsUpToItsOwnTime() {
        VelocityState s = new VelocityState();
        s.apply("later", T0, 100);
        VelocityWindows late = s.apply("earlier", T0 - 2 * HOUR, 1);
        assertEquals(new Window(1, 1), late.h1());
        assertTrue(Double.isNaN(late.secondsSincePrevious()));
        assertEquals(3, s.apply("next", T0 + MIN, 1).d1().count());
    }

    @Test
    void farAdvanceClearsEveryBucket() {
        VelocityState s = new VelocityState();
        for (int i = 0; i < 100; i++) {
            s.apply("x" + i, T0 + i * MIN, 1);
        }
        VelocityWindows w = s.apply("later", T0 + 400 * DAY, 7);
        assertEquals(new Window(1, 7), w.d30());
        assertEquals(new Window(1, 7), w.h1());
    }

    @Test
    void memoryIsBoundedWhateverTheTraffic() {
        VelocityState s = new VelocityState();
        for (int i = 0; i < 10_000; i++) {
            s.apply("tx" + i, T0 + i * 1000L, 1);
        }
        // the 60 one-minute buckets hold the last hour exactly: 3600 transactions at one per second
        VelocityWindows w = s.apply("tx-final", T0 + 10_000 * 1000L, 1);
        // final at 14:46:40; its hour is the minute buckets 13:47..14:46: 59 full minutes, 40 s of its own minute,
        // itself
        assertEquals(59 * 60 + 40 + 1, w.h1().count());
        assertEquals(10_001, w.d30().count());
    }

    @Test
    void recentIdsRingForgetsOnlyAfterSixtyFourNewer() {
        VelocityState s = new VelocityState();
        s.apply("first", T0, 1);
        for (int i = 0; i < VelocityState.RECENT_IDS - 1; i++) {
            s.apply("n" + i, T0 + i, 1);
        }
        assertTrue(s.apply("first", T0, 1).duplicate());
        s.apply("one-more", T0, 1);
        assertFalse(s.apply("first", T0, 1).duplicate());
    }

    @Test
    void delayedWindowsCoverTheDaysEndingAWeekBefore() {
        VelocityState s = new VelocityState();
        s.apply("d8", T0 - 8 * DAY, 1); // in the 7- and 30-day delayed windows
        s.apply("d7", T0 - 7 * DAY, 1); // the 1-day delayed window is exactly this day
        s.apply("d6", T0 - 6 * DAY, 1); // too recent: its label is not known yet
        s.apply("d40", T0 - 40 * DAY, 1); // beyond every window
        VelocityWindows w = s.apply("now", T0, 1);
        assertEquals(1, w.delayed1().count());
        assertEquals(2, w.delayed7().count());
        assertEquals(2, w.delayed30().count());
    }

    @Test
    void fraudLabelsCountInTheWindowsOfTheirTransactionsDay() {
        VelocityState s = new VelocityState();
        s.apply("a", T0 - 9 * DAY, 10);
        s.apply("b", T0 - 20 * DAY, 10);
        s.applyFraudLabel(T0 - 9 * DAY, 1);
        s.applyFraudLabel(T0 - 20 * DAY, 1);
        s.applyFraudLabel(T0 - 3 * DAY, 1); // a label for a transaction inside the undelayed week: not counted
        VelocityWindows w = s.apply("now", T0, 1);
        assertEquals(0, w.frauds1());
        assertEquals(1, w.frauds7());
        assertEquals(2, w.frauds30());
        assertEquals(9, w.daysSinceLastFraud());
        assertEquals(20, w.daysSinceFirstFraud());
        assertEquals(
                1.0, VelocityWindows.rate(w.frauds30(), w.delayed30()), "both transactions in the window are frauds");
        s.applyFraudLabel(T0 - 20 * DAY, -1); // the label was wrong
        assertEquals(1, s.apply("later", T0 + 1000, 1).frauds30());
    }

    @Test
    void labelScheduleReleasesInEventTimeOrderAfterTheDelay() {
        LabelSchedule<String> schedule = new LabelSchedule<>(Duration.ofDays(7));
        schedule.add(T0 + 5, "late");
        schedule.add(T0, "early");
        assertEquals(List.of(), schedule.due(T0 + 7 * DAY - 1));
        assertEquals(List.of("early"), schedule.due(T0 + 7 * DAY));
        assertEquals(List.of("late"), schedule.due(T0 + 8 * DAY));
        assertEquals(0, schedule.size());
    }

    @Test
    void packedWindowsRoundTrip() {
        VelocityState s = new VelocityState();
        s.apply("a", T0 - 9 * DAY, 10);
        s.applyFraudLabel(T0 - 9 * DAY, 1);
        s.apply("b", T0 - 30 * MIN, 4);
        VelocityWindows w = s.apply("c", T0, 7);
        assertEquals(w, VelocityWindows.unpack(w.pack(), false));
    }
}
