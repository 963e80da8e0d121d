package dev.fraudscore.node.scoring;

import dev.fraudscore.domain.ScoreResult;
import dev.fraudscore.model.FraudModel;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.FeatureVector;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.failure.FailureException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * XGBoost scoring, micro-batched. Rows queue on this verticle's event loop; a batch goes to the shared,
 * bounded "xgboost" worker pool when a worker is free and either the batch is full or its oldest row has
 * waited {@code batchMaxWaitMs} (0: at once, so batches grow only while the pool is busy). Each native
 * call costs about the same whatever its size, so batching is what makes scoring cheap under load.
 * The queue is bounded; past it requests fail fast with {@link Failure#OVERLOADED} (the caller answers 503: overload is never a decision).
 */
public final class ScoringVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringVerticle.class);
    public static final String POOL_NAME = "xgboost";

    private record Pending(Message<FeatureVector> message, long enqueuedNanos) {}

    /** One batch's scores from the champion and, when one runs, the challenger. */
    private record Scored(List<FraudModel.Scored> champion, List<FraudModel.Scored> challenger) {}

    private final NodeConfig.Scoring config;
    private final ModelHolder model;
    private final DistributionSummary batchSizes;
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Rows with a caller waiting (HTTP) and rows from the stream (Kafka); a batch takes the interactive ones first. */
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();

    private final ArrayDeque<Pending> bulk = new ArrayDeque<>();
    private WorkerExecutor pool;
    private int batchesInFlight;
    private long timerId = -1;

    private final DriftMonitor drift;

    public ScoringVerticle(NodeConfig.Scoring config, ModelHolder model, MeterRegistry registry) {
        this(config, model, registry, null);
    }

    /** {@code drift}: where the champion's scored rows are counted for drift alarms (null: nowhere). */
    public ScoringVerticle(NodeConfig.Scoring config, ModelHolder model, MeterRegistry registry, DriftMonitor drift) {
        this.drift = drift;
        this.config = config;
        this.model = model;
        this.batchSizes = DistributionSummary.builder("fraud.scoring.batch.size")
                .baseUnit("rows")
                .description("rows per XGBoost call")
                .register(registry);
        String instance = Integer.toString(INSTANCES.incrementAndGet());
        Gauge.builder("fraud.scoring.queue.depth", this, v -> v.queue.size() + v.bulk.size())
                .description("rows waiting for a scoring worker")
                .tag("instance", instance)
                .register(registry);
        Gauge.builder("fraud.scoring.batches.inflight", this, v -> v.batchesInFlight)
                .description("batches on the worker pool (saturated at scoring.workerPoolSize)")
                .tag("instance", instance)
                .register(registry);
    }

    @Override
    public Future<?> start() {
        pool = vertx.createSharedWorkerExecutor(POOL_NAME, config.workerPoolSize());
        return vertx.eventBus()
                .<FeatureVector>localConsumer(Addresses.SCORING_SCORE, this::enqueue)
                .completion();
    }

    @Override
    public Future<?> stop() {
        return pool.close();
    }

    private void enqueue(Message<FeatureVector> message) {
        if (queue.size() + bulk.size() >= config.queueMaxSize()) {
            FailureException.reply(
                    message,
                    Failure.OVERLOADED.exception("the scoring queue is full (" + config.queueMaxSize()
                            + " rows); retry with the same transactionId"));
            return;
        }
        (message.body().interactive() ? queue : bulk).add(new Pending(message, System.nanoTime()));
        drain();
    }

    private void drain() {
        long waitNanos = config.batchMaxWaitMs() * 1_000_000L;
        while ((!queue.isEmpty() || !bulk.isEmpty()) && batchesInFlight < config.workerPoolSize()) {
            Pending oldest = queue.isEmpty() ? bulk.peek() : queue.peek();
            long waited = System.nanoTime() - oldest.enqueuedNanos();
            if (queue.size() + bulk.size() < config.batchMaxSize() && waited < waitNanos) {
                if (timerId < 0) {
                    long delayMs = Math.max(1, (waitNanos - waited) / 1_000_000L);
                    timerId = vertx.setTimer(delayMs, id -> {
                        timerId = -1;
                        drain();
                    });
                }
                return;
            }
            dispatch();
        }
    }

    private void dispatch() {
        int n = Math.min(queue.size() + bulk.size(), config.batchMaxSize());
        List<Pending> batch = new ArrayList<>(n);
        List<float[]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Pending p = queue.isEmpty() ? bulk.poll() : queue.poll();
            batch.add(p);
            rows.add(p.message().body().values());
        }
        ModelHolder.Served champion = model.champion();
        ModelHolder.Served challenger = model.challenger();
        // a canary: cards whose bucket is below the share are decided by the challenger (which then needs reasons)
        int canaryBelow = challenger == null ? 0 : (int) Math.round(model.canary() * FeatureVector.BUCKETS);
        batchSizes.record(n);
        batchesInFlight++;
        pool.executeBlocking(
                        () -> new Scored(
                                champion.model().score(rows, config.topReasons()),
                                challenger == null
                                        ? null
                                        : challenger.model().score(rows, canaryBelow > 0 ? config.topReasons() : 0)),
                        false)
                .onComplete(ar -> {
                    batchesInFlight--;
                    if (ar.succeeded()) {
                        List<FraudModel.Scored> scored = ar.result().champion();
                        List<FraudModel.Scored> shadow = ar.result().challenger();
                        for (int i = 0; i < n; i++) {
                            FraudModel.Scored s = scored.get(i);
                            if (drift != null && batch.get(i).message().body().fromTransaction()) {
                                drift.record(champion, rows.get(i), s.score()); // health probes are not traffic
                            }
                            if (batch.get(i).message().body().canaryBucket() < canaryBelow) {
                                FraudModel.Scored c = shadow.get(i);
                                batch.get(i)
                                        .message()
                                        .reply(new ScoreResult(
                                                c.score(),
                                                c.reasons(),
                                                challenger.version(),
                                                challenger.thresholds(),
                                                n,
                                                s.score(),
                                                champion.version(),
                                                true));
                                continue;
                            }
                            batch.get(i)
                                    .message()
                                    .reply(new ScoreResult(
                                            s.score(),
                                            s.reasons(),
                                            champion.version(),
                                            champion.thresholds(),
                                            n,
                                            shadow == null
                                                    ? Double.NaN
                                                    : shadow.get(i).score(),
                                            challenger == null ? null : challenger.version()));
                        }
                    } else {
                        LOG.error(
                                "scoring a batch of {} failed: {}",
                                n,
                                ar.cause().toString());
                        FailureException failure = Failure.UNAVAILABLE.exception(
                                "scoring failed: " + ar.cause().getMessage());
                        for (Pending p : batch) {
                            FailureException.reply(p.message(), failure);
                        }
                    }
                    drain();
                });
    }
}
