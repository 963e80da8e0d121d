package dev.fraudscore.features;

import java.io.Serializable;

/**
 * Counts and amount sums in fixed-width event-time buckets, newest {@code size} buckets kept.
 * Memory is fixed whatever the traffic: one int and one double per bucket plus the head index.
 * Buckets are addressed by absolute index {@code floorDiv(time, width)}; an event older than the ring's
 * horizon is not recorded (coarser rings still take it).
 */
final class BucketRing implements Serializable {
    private final long widthMillis;
    private final int[] counts;
    private final double[] sums;
    private long head = Long.MIN_VALUE;

    BucketRing(long widthMillis, int size) {
        this.widthMillis = widthMillis;
        this.counts = new int[size];
        this.sums = new double[size];
    }

    private int slot(long index) {
        return (int) Math.floorMod(index, (long) counts.length);
    }

    /** Records the event; false when it is older than the ring's horizon and was not recorded. */
    boolean add(long timeMillis, double amount) {
        long index = Math.floorDiv(timeMillis, widthMillis);
        if (head == Long.MIN_VALUE) {
            head = index;
        } else if (index > head) {
            long gap = Math.min(index - head, counts.length);
            for (long i = 1; i <= gap; i++) {
                int s = slot(head + i);
                counts[s] = 0;
                sums[s] = 0;
            }
            head = index;
        } else if (index <= head - counts.length) {
            return false;
        }
        int s = slot(index);
        counts[s]++;
        sums[s] += amount;
        return true;
    }

    /** Totals over the {@code buckets} newest buckets ending with the one holding {@code timeMillis}. */
    Window window(long timeMillis, int buckets) {
        return window(timeMillis, 0, buckets);
    }

    /**
     * Totals over {@code buckets} buckets ending {@code delay} buckets before the one holding {@code timeMillis}:
     * bucket indexes (i - delay - buckets, i - delay].
     */
    Window window(long timeMillis, int delay, int buckets) {
        if (head == Long.MIN_VALUE) {
            return Window.EMPTY;
        }
        long end = Math.floorDiv(timeMillis, widthMillis) - delay;
        long last = Math.min(end, head);
        long first = Math.max(end - buckets + 1, head - counts.length + 1);
        int count = 0;
        double sum = 0;
        for (long i = first; i <= last; i++) {
            int s = slot(i);
            count += counts[s];
            sum += sums[s];
        }
        return count == 0 && sum == 0 ? Window.EMPTY : new Window(count, sum);
    }

    /** The bucket index holding {@code timeMillis}. */
    long index(long timeMillis) {
        return Math.floorDiv(timeMillis, widthMillis);
    }

    /**
     * Takes, bucket by bucket, the larger count and the larger sum of this ring and {@code other} (two copies of one
     * key's state after a split cluster heals): no window ends up lower than either copy's.
     */
    void mergeMax(BucketRing other) {
        if (other.head == Long.MIN_VALUE) {
            return;
        }
        long newHead = head == Long.MIN_VALUE ? other.head : Math.max(head, other.head);
        int n = counts.length;
        int[] c = new int[n];
        double[] s = new double[n];
        for (long i = newHead - n + 1; i <= newHead; i++) {
            int slot = slot(i);
            c[slot] = Math.max(countAt(i), other.countAt(i));
            s[slot] = Math.max(sumAt(i), other.sumAt(i));
        }
        System.arraycopy(c, 0, counts, 0, n);
        System.arraycopy(s, 0, sums, 0, n);
        head = newHead;
    }

    /** Whether bucket {@code index} is still held (not older than the ring, not newer than its head). */
    boolean holds(long index) {
        return head != Long.MIN_VALUE && index <= head && index > head - counts.length;
    }

    int countAt(long index) {
        return holds(index) ? counts[slot(index)] : 0;
    }

    double sumAt(long index) {
        return holds(index) ? sums[slot(index)] : 0;
    }

    /** Index distance from the bucket of {@code timeMillis} back to the newest bucket at or before it with a positive sum; -1 if none. */
    int bucketsSinceLastPositive(long timeMillis, int delay) {
        if (head == Long.MIN_VALUE) {
            return -1;
        }
        long now = Math.floorDiv(timeMillis, widthMillis);
        long last = Math.min(now - delay, head);
        for (long i = last; i > head - counts.length && i > now - counts.length; i--) {
            if (sums[slot(i)] > 0) {
                return (int) (now - i);
            }
        }
        return -1;
    }

    /** Like {@link #bucketsSinceLastPositive} but the oldest such bucket within {@code span} buckets before the delay. */
    int bucketsSinceFirstPositive(long timeMillis, int delay, int span) {
        if (head == Long.MIN_VALUE) {
            return -1;
        }
        long now = Math.floorDiv(timeMillis, widthMillis);
        long last = Math.min(now - delay, head);
        long first = Math.max(now - delay - span + 1, head - counts.length + 1);
        for (long i = first; i <= last; i++) {
            if (sums[slot(i)] > 0) {
                return (int) (now - i);
            }
        }
        return -1;
    }
}
