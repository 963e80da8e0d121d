package dev.fraudscore.node.audit;

import dev.fraudscore.node.PgPools;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.DecisionEvent;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.failure.FailureException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every decision to {@code audit.decisions}, asynchronously and in batches (one
 * INSERT .. SELECT FROM UNNEST per batch, up to {@code batchSize} rows or {@code maxDelayMs}). A message
 * is acknowledged once its row is committed, or, when PostgreSQL fails, once its batch is in the durable
 * spool; spooled batches are replayed in order when PostgreSQL answers again. Inserts are idempotent
 * (primary key, ON CONFLICT DO NOTHING), so a replay never duplicates a row.
 */
public final class AuditVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(AuditVerticle.class);
    private static final long PARTITION_CHECK_MS = 3_600_000;

    private final NodeConfig.Audit config;
    private final NodeConfig.Postgres postgres;
    private final String nodeId;
    private Pool pool;
    private AuditSpool spool;
    private List<Message<DecisionEvent>> pending = new ArrayList<>();
    private long flushTimer = -1;
    private boolean replaying;
    /** Batches being written or spooled: the verticle stops once they are done. */
    private final Set<Future<Void>> flushing = new HashSet<>();
    /** When audit inserts started failing (0: they do not): one log line per outage, not one per batch. */
    private long spoolingSince;

    private final SpoolSize spoolSize;

    private final Timer lag;
    private final Counter spooled;

    public AuditVerticle(
            NodeConfig.Audit config,
            NodeConfig.Postgres postgres,
            String nodeId,
            MeterRegistry registry,
            SpoolSize spoolSize) {
        this.spoolSize = spoolSize;
        this.config = config;
        this.postgres = postgres;
        this.nodeId = nodeId;
        this.lag = Timer.builder("fraud.audit.lag")
                .description("decision to committed audit row")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        this.spooled = Counter.builder("fraud.audit.spooled.rows")
                .description("rows PostgreSQL refused, written to the spool")
                .register(registry);
        Gauge.builder("fraud.audit.pending", this, v -> v.pending.size())
                .description("rows waiting for their batch")
                .register(registry);
    }

    @Override
    public Future<?> start() {
        pool = PgPools.create(vertx, postgres, config.poolSize());
        spool = new AuditSpool(vertx, config.spoolDir().toString(), nodeId);
        vertx.setPeriodic(PARTITION_CHECK_MS, id -> ensurePartitions());
        vertx.setPeriodic(config.retryIntervalMs(), id -> replaySpool());
        return ensurePartitions()
                .compose(v -> spool.init())
                .compose(v -> spool.recoverClaimed())
                .compose(v -> vertx.eventBus()
                        .<DecisionEvent>localConsumer(Addresses.AUDIT_WRITE, this::onEvent)
                        .completion())
                .onSuccess(v -> replaySpool());
    }

    @Override
    public Future<?> stop() {
        flush();
        // the last batches are written (or spooled) before the pool closes: nothing is left for the spool to catch
        return Future.join(new ArrayList<>(flushing)).eventually(() -> pool.close());
    }

    /** Yesterday through a week ahead, in UTC; failures are logged (rows then land in the default partition). */
    private Future<Void> ensurePartitions() {
        LocalDate from = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        return pool.preparedQuery("SELECT audit.ensure_daily_partitions($1, $2)")
                .execute(Tuple.of(from, 9))
                .<Void>mapEmpty()
                .recover(e -> {
                    LOG.warn("could not create audit partitions: {}", e.toString());
                    return Future.succeededFuture();
                });
    }

    private void onEvent(Message<DecisionEvent> message) {
        pending.add(message);
        if (pending.size() >= config.batchSize()) {
            flush();
        } else if (flushTimer < 0) {
            flushTimer = vertx.setTimer(config.maxDelayMs(), id -> {
                flushTimer = -1;
                flush();
            });
        }
    }

    private void flush() {
        if (flushTimer >= 0) {
            vertx.cancelTimer(flushTimer);
            flushTimer = -1;
        }
        if (pending.isEmpty()) {
            return;
        }
        List<Message<DecisionEvent>> batch = pending;
        pending = new ArrayList<>();
        List<String[]> rows = new ArrayList<>(batch.size());
        for (Message<DecisionEvent> m : batch) {
            rows.add(AuditRows.row(m.body()));
        }
        Future<Void> done = insert(rows)
                .onSuccess(v -> {
                    long now = System.currentTimeMillis();
                    for (Message<DecisionEvent> m : batch) {
                        lag.record(now - m.body().decision().decidedAt().toEpochMilli(), TimeUnit.MILLISECONDS);
                    }
                })
                .recover(e -> {
                    if (spoolingSince == 0) {
                        spoolingSince = System.currentTimeMillis();
                        LOG.warn(
                                "audit inserts fail ({}); batches go to the spool {} until PostgreSQL takes them",
                                e.toString(),
                                config.spoolDir());
                    }
                    spooled.increment(rows.size());
                    return spool.write(rows).onComplete(v -> measureSpool());
                })
                .onComplete(ar -> {
                    for (Message<DecisionEvent> m : batch) {
                        if (ar.succeeded()) {
                            m.reply(null);
                        } else {
                            FailureException.reply(
                                    m,
                                    Failure.UNAVAILABLE.exception("audit row neither written nor spooled: "
                                            + ar.cause().getMessage()));
                        }
                    }
                    if (ar.failed()) {
                        LOG.error(
                                "LOST {} audit rows: PostgreSQL and the spool both failed: {}",
                                rows.size(),
                                ar.cause().toString());
                    }
                });
        flushing.add(done);
        done.onComplete(ar -> flushing.remove(done));
    }

    private Future<Void> insert(List<String[]> rows) {
        String[][] columns = AuditRows.columns(rows);
        Tuple params = Tuple.tuple();
        for (String[] column : columns) {
            params.addArrayOfString(column);
        }
        return pool.preparedQuery(AuditRows.INSERT).execute(params).mapEmpty();
    }

    /** Replays spooled batches oldest first; stops at the first failure and tries again on the next tick. */
    private void replaySpool() {
        if (replaying) {
            return;
        }
        replaying = true;
        int[] replayed = {0, 0};
        spool.pending().compose(files -> replay(files, replayed)).onComplete(ar -> {
            replaying = false;
            measureSpool();
            if (replayed[1] > 0) {
                LOG.info("replayed {} audit rows from {} spooled batches", replayed[0], replayed[1]);
            }
            if (ar.succeeded() && spoolingSince != 0) {
                LOG.info(
                        "PostgreSQL takes audit rows again after {} s; the spool is drained",
                        (System.currentTimeMillis() - spoolingSince) / 1000);
                spoolingSince = 0;
            }
            if (ar.failed()) {
                LOG.debug("spool replay paused: {}", ar.cause().toString());
            }
        });
    }

    private void measureSpool() {
        spool.bytes().onSuccess(spoolSize::set).onFailure(e -> LOG.debug("spool not measured: {}", e.toString()));
    }

    /** {@code replayed}: rows and batches written so far in this pass. */
    private Future<Void> replay(List<String> files, int[] replayed) {
        if (files.isEmpty()) {
            return Future.succeededFuture();
        }
        List<String> rest = files.subList(1, files.size());
        return spool.claim(files.get(0))
                .compose(claimed -> insert(claimed.rows())
                        .compose(v -> spool.delete(claimed))
                        .onSuccess(v -> {
                            replayed[0] += claimed.rows().size();
                            replayed[1]++;
                        })
                        .recover(e -> spool.release(claimed).transform(x -> Future.<Void>failedFuture(e))))
                .compose(v -> replay(rest, replayed));
    }
}
