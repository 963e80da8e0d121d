package dev.fraudscore.features;

import java.io.Serializable;

/**
 * The velocity windows reported per key. A window covers the transaction's own bucket and the ones
 * before it: 1 hour in 1-minute buckets, 1 day in 1-hour buckets, 7 and 30 days in 1-day (UTC) buckets.
 */
public record VelocityWindows(Window h1, Window d1, Window d7, Window d30, double secondsSincePrevious, boolean duplicate)
        implements Serializable {
}
