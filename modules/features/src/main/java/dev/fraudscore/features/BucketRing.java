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
        if (head == Long.MIN_VALUE) {
            return Window.EMPTY;
        }
        long last = Math.min(Math.floorDiv(timeMillis, widthMillis), head);
        long first = Math.max(Math.floorDiv(timeMillis, widthMillis) - buckets + 1, head - counts.length + 1);
        int count = 0;
        double sum = 0;
        for (long i = first; i <= last; i++) {
            int s = slot(i);
            count += counts[s];
            sum += sums[s];
        }
        return count == 0 ? Window.EMPTY : new Window(count, sum);
    }
}
