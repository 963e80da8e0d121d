package dev.fraudscore.node.scoring;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many decisions may be waiting for a score or being scored on this node at once
 * ({@code scoring.queueMaxSize}), shared by every decision instance. A decision reserves its place before it
 * claims its transaction id or counts anything, so that a full node refuses (503) with nothing to undo: a
 * refusal after the velocity update could count the retried transaction twice.
 */
public final class ScoringCapacity {
    private final AtomicInteger used = new AtomicInteger();
    private final int max;

    public ScoringCapacity(int max) {
        this.max = max;
    }

    /** A place in the scoring stage, or null when the node is full. */
    public Permit tryAcquire() {
        if (used.incrementAndGet() > max) {
            used.decrementAndGet();
            return null;
        }
        return new Permit();
    }

    public int used() {
        return used.get();
    }

    /** A reserved place; releasing it more than once releases it once. */
    public final class Permit {
        private final AtomicBoolean released = new AtomicBoolean();

        public void release() {
            if (released.compareAndSet(false, true)) {
                used.decrementAndGet();
            }
        }
    }
}
