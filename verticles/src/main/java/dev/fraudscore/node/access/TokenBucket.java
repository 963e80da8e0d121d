package dev.fraudscore.node.access;

/** A token bucket: {@code ratePerSecond} tokens a second, at most {@code burst} saved up; one token per request. */
final class TokenBucket {
    private final double ratePerSecond;
    private final int burst;
    private double tokens;
    private long lastNanos;

    TokenBucket(double ratePerSecond, int burst) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = System.nanoTime();
    }

    boolean matches(double rate, int b) {
        return rate == ratePerSecond && b == burst;
    }

    /** Takes a token if there is one (every HTTP event loop may call it). */
    synchronized boolean take() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * ratePerSecond);
        lastNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
