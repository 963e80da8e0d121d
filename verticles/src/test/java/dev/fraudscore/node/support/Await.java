package dev.fraudscore.node.support;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for something asynchronous to become true (an audit row written, a decision log drained, a cluster
 * converged), re-checking every {@code pollMillis} until a deadline. The caller asserts afterwards, so a
 * timeout fails with the caller's own message.
 */
public final class Await {
    private Await() {}

    /** A condition that may throw (JDBC, HTTP). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** A value that may not be there yet (null) and whose lookup may throw. */
    @FunctionalInterface
    public interface Lookup<T> {
        T find() throws Exception;
    }

    /** The first non-null value the lookup finds; fails when the deadline passes first. */
    public static <T> T value(Lookup<T> lookup, Duration timeout) throws Exception {
        Object[] found = new Object[1];
        if (!until(() -> (found[0] = lookup.find()) != null, timeout, 50)) {
            throw new AssertionError("nothing found within " + timeout);
        }
        @SuppressWarnings("unchecked")
        T t = (T) found[0];
        return t;
    }

    /** True as soon as the condition holds; false when the deadline passed first. */
    public static boolean until(Condition condition, Duration timeout, long pollMillis) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.holds()) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            LockSupport.parkNanos(pollMillis * 1_000_000);
        }
    }
}
