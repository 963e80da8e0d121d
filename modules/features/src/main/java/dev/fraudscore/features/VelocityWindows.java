package dev.fraudscore.features;

import java.io.Serializable;

/**
 * What one key's velocity state says about one transaction, as of its event time.
 * <ul>
 *   <li>{@code h1, d1, d7, d30}: transactions (the current one included) over the last hour (1-minute
 *   buckets), day (1-hour buckets), 7 and 30 days (1-day UTC buckets).</li>
 *   <li>{@code delayed1, delayed7, delayed30}: transactions on the n days ending 7 days before the
 *   transaction's day, the window whose fraud labels are known (the handbook's delayed windows).</li>
 *   <li>{@code frauds1, frauds7, frauds30}: transactions in those delayed windows labelled fraud so far.</li>
 *   <li>{@code daysSinceLastFraud, daysSinceFirstFraud}: days from the transaction's day back to the
 *   newest and oldest labelled fraud in the 30 delayed days (-1 when none).</li>
 *   <li>{@code fraudStreakDays, fraudStreakAgeDays}: going back from the newest delayed day, the number of
 *   active days (with transactions) on which every transaction was labelled fraud, and the age in days of
 *   the oldest of them (0 and -1 when the newest active day had a genuine transaction): what a compromised
 *   terminal looks like, as opposed to one visited by a few compromised cards.</li>
 *   <li>{@code daysSinceGenuine}: days back to the newest delayed day with a transaction not labelled fraud
 *   (-1 when none in the 30 delayed days).</li>
 * </ul>
 */
public record VelocityWindows(
        Window h1,
        Window d1,
        Window d7,
        Window d30,
        Window delayed1,
        Window delayed7,
        Window delayed30,
        double frauds1,
        double frauds7,
        double frauds30,
        int daysSinceLastFraud,
        int daysSinceFirstFraud,
        int fraudStreakDays,
        int fraudStreakAgeDays,
        int daysSinceGenuine,
        double secondsSincePrevious,
        boolean duplicate)
        implements Serializable {

    private static final int PACKED = 23;

    /** The windows as a flat array (cheap to move between threads and JVMs); {@link #unpack} reverses it. */
    public double[] pack() {
        return new double[] {
            h1.count(),
            h1.sum(),
            d1.count(),
            d1.sum(),
            d7.count(),
            d7.sum(),
            d30.count(),
            d30.sum(),
            delayed1.count(),
            delayed1.sum(),
            delayed7.count(),
            delayed7.sum(),
            delayed30.count(),
            delayed30.sum(),
            frauds1,
            frauds7,
            frauds30,
            daysSinceLastFraud,
            daysSinceFirstFraud,
            fraudStreakDays,
            fraudStreakAgeDays,
            daysSinceGenuine,
            duplicate ? Double.NaN : secondsSincePrevious
        };
    }

    public static VelocityWindows unpack(double[] p, boolean duplicate) {
        if (p.length != PACKED) {
            throw new IllegalArgumentException("packed velocity windows have " + PACKED + " values, got " + p.length);
        }
        return new VelocityWindows(
                w(p, 0),
                w(p, 2),
                w(p, 4),
                w(p, 6),
                w(p, 8),
                w(p, 10),
                w(p, 12),
                p[14],
                p[15],
                p[16],
                (int) p[17],
                (int) p[18],
                (int) p[19],
                (int) p[20],
                (int) p[21],
                p[22],
                duplicate);
    }

    private static Window w(double[] p, int i) {
        return p[i] == 0 && p[i + 1] == 0 ? Window.EMPTY : new Window((int) p[i], p[i + 1]);
    }

    /** Share of the delayed window's transactions labelled fraud; 0 for an empty window (as the handbook). */
    public static double rate(double frauds, Window window) {
        return window.count() == 0 ? 0 : Math.min(1, frauds / window.count());
    }
}
