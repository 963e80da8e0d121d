package dev.fraudscore.node.admission;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limiter.AbstractPartitionedLimiter;
import dev.fraudscore.node.config.NodeConfig;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many decisions the node takes at once: Netflix concurrency-limits' Gradient2 limit (fed per sample
 * window), which compares each window's decision time with its own long-term average and shrinks the limit only
 * when decisions get slower than that by more than {@code admission.rttTolerance}, never below
 * {@code admission.minLimit}: no fixed latency target, so a machine that is merely busy does not refuse work it
 * can do. Authorize-checks and stream records share it as two lanes of a partitioned limiter: while the node has
 * room either lane may use it; once it is full each lane keeps its guaranteed share ({@code streamShare} for
 * Kafka, the rest for HTTP), so a Kafka backlog cannot starve the callers who wait. Thread-safe; one per node.
 */
public final class Admission {
    /** Who is asking: a caller waiting on HTTP, or a record from the stream. */
    public enum Lane {
        INTERACTIVE,
        STREAM
    }

    private final Limiter<Lane> limiter;
    private final AbstractPartitionedLimiter<Lane> partitioned;
    private final AtomicInteger refused = new AtomicInteger();

    public Admission(NodeConfig.Admission config) {
        var limit = config.adaptive()
                ? WindowedLimit.newBuilder()
                        .minWindowTime(config.windowMs(), TimeUnit.MILLISECONDS)
                        .maxWindowTime(config.windowMs(), TimeUnit.MILLISECONDS)
                        .build(Gradient2Limit.newBuilder()
                                .initialLimit(config.initialLimit())
                                .minLimit(config.minLimit())
                                .maxConcurrency(config.maxLimit())
                                .rttTolerance(config.rttTolerance())
                                .build())
                : FixedLimit.of(config.maxLimit());
        partitioned = new Builder()
                .limit(limit)
                .named("decisions")
                .partitionResolver(Lane::name)
                .partition(Lane.INTERACTIVE.name(), 1 - config.streamShare())
                .partition(Lane.STREAM.name(), config.streamShare())
                .buildPartitioned();
        limiter = partitioned;
    }

    /** A place for one decision, or empty: the node is full (answer 503 Retry-After, or hold the record). */
    public Optional<Ticket> tryAcquire(Lane lane) {
        Optional<Limiter.Listener> listener = limiter.acquire(lane);
        if (listener.isEmpty()) {
            refused.incrementAndGet();
            return Optional.empty();
        }
        return Optional.of(new Ticket(listener.get()));
    }

    /** The current limit. */
    public int limit() {
        return partitioned.getLimit();
    }

    /** Decisions admitted and not yet done. */
    public int inFlight() {
        return partitioned.getInflight();
    }

    private static final class Builder extends AbstractPartitionedLimiter.Builder<Builder, Lane> {
        @Override
        protected Builder self() {
            return this;
        }

        AbstractPartitionedLimiter<Lane> buildPartitioned() {
            return (AbstractPartitionedLimiter<Lane>) build();
        }
    }

    /** One admitted decision; whichever of its outcomes comes first releases it, the others do nothing. */
    public static final class Ticket {
        private final Limiter.Listener listener;
        private boolean done;

        Ticket(Limiter.Listener listener) {
            this.listener = listener;
        }

        /** Decided: its time is a sample of how fast the node decides. */
        public synchronized void decided() {
            if (!done) {
                done = true;
                listener.onSuccess();
            }
        }

        /** Refused or late downstream (overload): a sample that the node was too full. */
        public synchronized void dropped() {
            if (!done) {
                done = true;
                listener.onDropped();
            }
        }

        /** Ended without telling anything about load (bad input, a conflict, a stream record's long audit wait). */
        public synchronized void ignored() {
            if (!done) {
                done = true;
                listener.onIgnore();
            }
        }
    }
}
