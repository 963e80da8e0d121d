package dev.fraudscore.features;

import java.io.Serializable;

/**
 * The bounded, event-time velocity state of one key (a card or a terminal). Not thread-safe: the owner
 * applies updates one at a time (in production a Hazelcast entry processor on the key's partition
 * thread; offline a single-threaded replay). Memory is fixed: 60 + 24 + 38 transaction buckets, 38
 * fraud-label buckets and {@value #RECENT_IDS} recent transaction-id hashes, whatever the key's traffic.
 */
public final class VelocityState implements Serializable {
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    static final int RECENT_IDS = 64;
    /** Labels are known this many days after their transaction (the handbook's delay). */
    public static final int LABEL_DELAY_DAYS = 7;

    static final int DAYS_KEPT = 30 + LABEL_DELAY_DAYS + 1;

    private final BucketRing minutes = new BucketRing(MINUTE, 60);
    private final BucketRing hours = new BucketRing(HOUR, 24);
    private final BucketRing days = new BucketRing(DAY, DAYS_KEPT);
    private final BucketRing frauds = new BucketRing(DAY, DAYS_KEPT);
    private final long[] recentIds = new long[RECENT_IDS];
    private int recentNext;
    private int recentFilled;
    private long latestEventMillis = Long.MIN_VALUE;
    /** Verdict changes applied to this key, newest last 16: a retried change is applied once. */
    static final int RECENT_CHANGES = 16;

    private final long[] appliedChanges = new long[RECENT_CHANGES];
    private int appliedNext;
    private int appliedFilled;

    /**
     * Records one transaction (once: a transaction id seen among the key's recent ones is not counted
     * again) and returns the windows as of its event time, its own amount included.
     */
    public VelocityWindows apply(String transactionId, long eventMillis, double amount) {
        return apply(transactionId, eventMillis, amount, false);
    }

    /**
     * Like {@link #apply(String, long, double)}; with {@code alreadyCounted} the transaction is known to have been
     * counted before (by an attempt whose decision was not kept) even if it has left the recent ids since: the
     * windows are returned as they are, the transaction in them, and nothing is counted.
     */
    public VelocityWindows apply(String transactionId, long eventMillis, double amount, boolean alreadyCounted) {
        long idHash = hash(transactionId);
        boolean duplicate = alreadyCounted || seen(idHash);
        double sincePrevious = latestEventMillis == Long.MIN_VALUE || latestEventMillis > eventMillis
                ? Double.NaN
                : (eventMillis - latestEventMillis) / 1000.0;
        // A transaction always sees itself, even one so late that a ring no longer keeps its bucket.
        boolean inMinutes = true, inHours = true, inDays = true;
        if (!duplicate) {
            recentIds[recentNext] = idHash;
            recentNext = (recentNext + 1) % RECENT_IDS;
            recentFilled = Math.min(recentFilled + 1, RECENT_IDS);
            inMinutes = minutes.add(eventMillis, amount);
            inHours = hours.add(eventMillis, amount);
            inDays = days.add(eventMillis, amount);
            latestEventMillis = Math.max(latestEventMillis, eventMillis);
        }
        int d = LABEL_DELAY_DAYS;
        int[] streak = streak(eventMillis);
        return new VelocityWindows(
                withOwn(minutes.window(eventMillis, 60), inMinutes, amount),
                withOwn(hours.window(eventMillis, 24), inHours, amount),
                withOwn(days.window(eventMillis, 7), inDays, amount),
                withOwn(days.window(eventMillis, 30), inDays, amount),
                days.window(eventMillis, d, 1),
                days.window(eventMillis, d, 7),
                days.window(eventMillis, d, 30),
                frauds.window(eventMillis, d, 1).sum(),
                frauds.window(eventMillis, d, 7).sum(),
                frauds.window(eventMillis, d, 30).sum(),
                frauds.bucketsSinceLastPositive(eventMillis, d),
                frauds.bucketsSinceFirstPositive(eventMillis, d, 30),
                streak[0],
                streak[1],
                streak[2],
                duplicate ? Double.NaN : sincePrevious,
                duplicate);
    }

    /**
     * The windows as of {@code nowMillis} without recording anything (what an analyst sees of a card or terminal):
     * the same windows a transaction at that time would see, without its own amount.
     */
    public VelocityWindows peek(long nowMillis) {
        int d = LABEL_DELAY_DAYS;
        int[] streak = streak(nowMillis);
        return new VelocityWindows(
                minutes.window(nowMillis, 60),
                hours.window(nowMillis, 24),
                days.window(nowMillis, 7),
                days.window(nowMillis, 30),
                days.window(nowMillis, d, 1),
                days.window(nowMillis, d, 7),
                days.window(nowMillis, d, 30),
                frauds.window(nowMillis, d, 1).sum(),
                frauds.window(nowMillis, d, 7).sum(),
                frauds.window(nowMillis, d, 30).sum(),
                frauds.bucketsSinceLastPositive(nowMillis, d),
                frauds.bucketsSinceFirstPositive(nowMillis, d, 30),
                streak[0],
                streak[1],
                streak[2],
                latestEventMillis == Long.MIN_VALUE || latestEventMillis > nowMillis
                        ? Double.NaN
                        : (nowMillis - latestEventMillis) / 1000.0,
                false);
    }

    /** {fraud streak days, age of its oldest day, days since the newest day with a genuine transaction}. */
    private int[] streak(long eventMillis) {
        long today = days.index(eventMillis);
        int streakDays = 0;
        int streakAge = -1;
        int sinceGenuine = -1;
        boolean inStreak = true;
        for (long i = today - LABEL_DELAY_DAYS; i > today - LABEL_DELAY_DAYS - 30; i--) {
            int n = days.countAt(i);
            if (n == 0) {
                continue;
            }
            boolean allFraud = frauds.sumAt(i) >= n;
            if (inStreak && allFraud) {
                streakDays++;
                streakAge = (int) (today - i);
            } else {
                inStreak = false;
            }
            if (!allFraud) {
                sinceGenuine = (int) (today - i);
                break;
            }
        }
        return new int[] {streakDays, streakAge, sinceGenuine};
    }

    /**
     * Records that a transaction of this key, at {@code eventMillis}, is now known to be fraud
     * ({@code delta} +1) or is no longer (-1, a corrected label). The caller applies each change once.
     */
    public void applyFraudLabel(long eventMillis, int delta) {
        frauds.add(eventMillis, delta);
    }

    /**
     * Applies change {@code changeId} of a verdict once: a change this key applied already (among its last
     * {@value #RECENT_CHANGES}) is not applied again, so an outbox that retries after a crash cannot count twice.
     * True when it was applied now.
     */
    public boolean applyFraudLabelOnce(long changeId, long eventMillis, int delta) {
        for (int i = 0; i < appliedFilled; i++) {
            if (appliedChanges[i] == changeId) {
                return false;
            }
        }
        appliedChanges[appliedNext] = changeId;
        appliedNext = (appliedNext + 1) % RECENT_CHANGES;
        appliedFilled = Math.min(appliedFilled + 1, RECENT_CHANGES);
        applyFraudLabel(eventMillis, delta);
        return true;
    }

    private static Window withOwn(Window w, boolean recorded, double amount) {
        return recorded ? w : new Window(w.count() + 1, w.sum() + amount);
    }

    /** Event time of the newest transaction recorded, for expiry; Long.MIN_VALUE when none. */
    public long latestEventMillis() {
        return latestEventMillis;
    }

    /**
     * Folds another copy of this key's state into this one (a split cluster healing): every window takes the
     * larger value bucket by bucket, and the ids the other copy counted are remembered here too. A count is then
     * never lower than either copy's; transactions each side counted in the same bucket while split are not added
     * up (the quorum keeps the minority side from counting anything once it knows it is the minority).
     */
    public void mergeMax(VelocityState other) {
        minutes.mergeMax(other.minutes);
        hours.mergeMax(other.hours);
        days.mergeMax(other.days);
        frauds.mergeMax(other.frauds);
        for (int i = 0; i < other.recentFilled; i++) {
            long id = other.recentIds[i];
            if (!seen(id)) {
                recentIds[recentNext] = id;
                recentNext = (recentNext + 1) % RECENT_IDS;
                recentFilled = Math.min(recentFilled + 1, RECENT_IDS);
            }
        }
        latestEventMillis = Math.max(latestEventMillis, other.latestEventMillis);
    }

    private boolean seen(long idHash) {
        for (int i = 0; i < recentFilled; i++) {
            if (recentIds[i] == idHash) {
                return true;
            }
        }
        return false;
    }

    /** 64-bit FNV-1a then a murmur finaliser: enough that two ids of one key collide with ~2^-58 odds. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
