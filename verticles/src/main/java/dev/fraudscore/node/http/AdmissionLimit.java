package dev.fraudscore.node.http;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many authorize-checks the node takes at once. A fixed cap alone lets latency grow with the cap when
 * the machine is past capacity (every admitted decision shares the cores with all the others), so the
 * limit adapts: every {@link #adjust()} (a tick of about 100 ms) it compares the mean time of the
 * decisions completed in the tick with the target; above it the limit shrinks by a quarter
 * (multiplicative decrease), and when the limit was reached in the tick without exceeding the target it
 * grows by an eighth (additive increase), always within [{@code floor}, {@code ceiling}]. Excess requests
 * are refused at once (503), which is what keeps admitted requests fast. A target of 0 disables adapting:
 * the limit is the ceiling. Thread-safe; shared by every HTTP verticle instance of a node.
 */
public final class AdmissionLimit {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final LongAdder micros = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final int floor;
    private final int ceiling;
    private final long targetMicros;
    private volatile int limit;

    public AdmissionLimit(int floor, int ceiling, long targetMicros) {
        if (floor < 1 || ceiling < floor) {
            throw new IllegalArgumentException("need 1 <= floor <= ceiling, got " + floor + ", " + ceiling);
        }
        this.floor = floor;
        this.ceiling = ceiling;
        this.targetMicros = targetMicros;
        this.limit = ceiling;
    }

    /** True if the node has room (the caller must {@link #release} later); false: refuse. */
    public boolean tryAcquire() {
        int now = inFlight.incrementAndGet();
        if (now > limit) {
            inFlight.decrementAndGet();
            peak.accumulateAndGet(now - 1, Math::max);
            return false;
        }
        if (now > peak.get()) {
            peak.accumulateAndGet(now, Math::max);
        }
        return true;
    }

    /** A cheap look before reading a body: true when the node is full. */
    public boolean full() {
        return inFlight.get() >= limit;
    }

    /** One admitted decision done after {@code tookMicros}. */
    public void release(long tookMicros) {
        inFlight.decrementAndGet();
        micros.add(tookMicros);
        completed.increment();
    }

    /** Called on a timer: the additive-increase, multiplicative-decrease step. Returns the new limit. */
    public synchronized int adjust() {
        long n = completed.sumThenReset();
        long total = micros.sumThenReset();
        int reached = peak.getAndSet(inFlight.get());
        if (targetMicros <= 0 || n == 0) {
            return limit;
        }
        int current = limit;
        if (total / n > targetMicros) {
            limit = Math.max(floor, current - Math.max(1, current / 4));
        } else if (reached >= current) {
            limit = Math.min(ceiling, current + Math.max(1, current / 8));
        }
        return limit;
    }

    public int limit() {
        return limit;
    }

    public int inFlight() {
        return inFlight.get();
    }
}
