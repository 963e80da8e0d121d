package dev.fraudscore.node.audit;

import dev.fraudscore.features.Feature;
import dev.fraudscore.node.PgPools;
import dev.fraudscore.node.config.NodeConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the node's {@link DecisionLog} into {@code audit.decisions}: reads the log behind its writer (on a worker
 * thread), inserts each batch with one INSERT .. SELECT FROM UNNEST, and commits the log position once the batch is
 * in PostgreSQL. The insert is an idempotent upsert on the transaction, so a batch inserted again after a crash or a
 * replayed answer written again changes nothing.
 *
 * <ul>
 *   <li>PostgreSQL unreachable or failing: the batch stays in the log and is tried again every
 *       {@code audit.retryIntervalMs}; one log line when the outage starts and one when it ends.
 *   <li>A row PostgreSQL refuses for its content (SQLSTATE classes 22 and 23): the batch is inserted row by row and
 *       each refused row goes to {@code audit.quarantine} with its error, so it never holds up the rows behind it.
 * </ul>
 */
public final class AuditVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(AuditVerticle.class);
    private static final long PARTITION_CHECK_MS = 3_600_000;
    private static final String QUARANTINE = "INSERT INTO audit.quarantine (transaction_id, node_id, sqlstate, error,"
            + " row_values) VALUES ($1, $2, $3, $4, $5)";

    private final NodeConfig.Audit config;
    private final NodeConfig.Postgres postgres;
    private final String nodeId;
    private final DecisionLog log;
    private final Timer lag;
    private final Counter quarantined;
    private final AtomicLong inserted = new AtomicLong();
    private Pool pool;
    private LogReader reader;
    private boolean stopping;
    private Future<Void> current = Future.succeededFuture();
    /** When audit inserts started failing (0: they do not): one log line per outage, not one per batch. */
    private long failingSince;

    public AuditVerticle(
            NodeConfig.Audit config,
            NodeConfig.Postgres postgres,
            String nodeId,
            DecisionLog log,
            MeterRegistry registry) {
        this.config = config;
        this.postgres = postgres;
        this.nodeId = nodeId;
        this.log = log;
        this.lag = Timer.builder("fraud.audit.lag")
                .description("decision to committed audit row")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        this.quarantined = Counter.builder("fraud.audit.quarantined.rows")
                .description("audit rows PostgreSQL refused for their content, kept in audit.quarantine")
                .register(registry);
        Gauge.builder("fraud.audit.pending", this, v -> Math.max(0, log.appended() - v.inserted.get()))
                .description("rows this node appended to its decision log that are not in PostgreSQL yet")
                .register(registry);
    }

    private boolean featureSetRegistered;

    @Override
    public Future<?> start() {
        pool = PgPools.create(vertx, postgres, config.poolSize());
        vertx.setPeriodic(PARTITION_CHECK_MS, id -> ensurePartitions());
        return vertx.executeBlocking(() -> new LogReader(log)).onSuccess(r -> {
            reader = r;
            ensurePartitions().onComplete(v -> pump());
        });
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        // the batch in flight finishes (or stays in the log); what is left is read at the next start
        return current.eventually(() -> pool.close());
    }

    /**
     * This build's feature list under its key (rows keep feature values as an array in that order), once per writer
     * before its first insert; until PostgreSQL takes it, nothing is inserted (rows wait in the log).
     */
    private Future<Void> featureSetRegistered() {
        if (featureSetRegistered) {
            return Future.succeededFuture();
        }
        return pool.preparedQuery(
                        "INSERT INTO audit.feature_sets (key, names) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                .execute(Tuple.of(Feature.setKey())
                        .addArrayOfString(Feature.names().toArray(String[]::new)))
                .onSuccess(r -> featureSetRegistered = true)
                .mapEmpty();
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

    /** One batch from the log into PostgreSQL, then the next; idle, it looks again after {@code maxDelayMs}. */
    private void pump() {
        if (stopping) {
            return;
        }
        current = vertx.executeBlocking(() -> reader.read(config.batchSize()))
                .compose(batch -> batch.rows().isEmpty() && batch.finished().isEmpty()
                        ? Future.succeededFuture(false)
                        : store(batch).map(batch.rows().size() >= config.batchSize()))
                .transform(ar -> {
                    if (ar.succeeded()) {
                        outageOver();
                        vertx.setTimer(ar.result() ? 1 : config.maxDelayMs(), id -> pump());
                    } else {
                        outage(ar.cause());
                        reader.rewind();
                        vertx.setTimer(config.retryIntervalMs(), id -> pump());
                    }
                    return Future.succeededFuture();
                });
    }

    private Future<Void> store(LogReader.Batch batch) {
        List<String[]> rows = distinct(batch.rows());
        Future<Void> written = rows.isEmpty()
                ? Future.succeededFuture()
                : featureSetRegistered()
                        .compose(v -> insert(rows))
                        .recover(e -> refusedForContent(e) ? oneByOne(rows, 0) : Future.failedFuture(e));
        return written.compose(v -> vertx.<Void>executeBlocking(() -> {
                    reader.commit(batch);
                    return null;
                }))
                .onSuccess(v -> {
                    inserted.addAndGet(batch.rows().size());
                    long now = System.currentTimeMillis();
                    for (String[] row : rows) {
                        lag.record(
                                now - Instant.parse(row[AuditRows.DECIDED_AT]).toEpochMilli(), TimeUnit.MILLISECONDS);
                    }
                });
    }

    /**
     * One row per transaction within a batch (an upsert cannot touch a row twice in one statement): a scored
     * decision wins over a degraded one, else the later one.
     */
    static List<String[]> distinct(List<String[]> rows) {
        Map<String, String[]> byKey = new LinkedHashMap<>();
        for (String[] row : rows) {
            String client = row.length > AuditRows.CLIENT ? row[AuditRows.CLIENT] : null;
            String key = row[AuditRows.TRANSACTION_ID] + '\u0000' + client + '\u0000' + row[AuditRows.EVENT_TIME];
            byKey.merge(
                    key,
                    row,
                    (kept, next) -> "true".equals(next[AuditRows.DEGRADED]) && !"true".equals(kept[AuditRows.DEGRADED])
                            ? kept
                            : next);
        }
        return byKey.size() == rows.size() ? rows : new ArrayList<>(byKey.values());
    }

    private Future<Void> insert(List<String[]> rows) {
        Tuple params = Tuple.tuple();
        for (String[] column : AuditRows.columns(rows)) {
            params.addArrayOfString(column);
        }
        return pool.preparedQuery(AuditRows.INSERT).execute(params).mapEmpty();
    }

    /** Row by row from {@code i}: a row refused for its content is quarantined; any other failure stops. */
    private Future<Void> oneByOne(List<String[]> rows, int i) {
        if (i == rows.size()) {
            return Future.succeededFuture();
        }
        String[] row = rows.get(i);
        return insert(List.<String[]>of(row))
                .recover(e -> refusedForContent(e) ? quarantine(row, (PgException) e) : Future.failedFuture(e))
                .compose(v -> oneByOne(rows, i + 1));
    }

    private Future<Void> quarantine(String[] row, PgException e) {
        LOG.error(
                "audit row of transaction {} refused by PostgreSQL ({} {}): kept in audit.quarantine",
                row[AuditRows.TRANSACTION_ID],
                e.getSqlState(),
                e.getErrorMessage());
        quarantined.increment();
        return pool.preparedQuery(QUARANTINE)
                .execute(Tuple.of(row[AuditRows.TRANSACTION_ID], nodeId, e.getSqlState(), e.getErrorMessage(), row))
                .mapEmpty();
    }

    /** SQLSTATE class 22 (data exception) or 23 (integrity constraint violation): the row, not the database. */
    static boolean refusedForContent(Throwable e) {
        return e instanceof PgException pg
                && pg.getSqlState() != null
                && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"));
    }

    private void outage(Throwable e) {
        if (failingSince == 0) {
            failingSince = System.currentTimeMillis();
            LOG.warn(
                    "audit inserts fail ({}); rows wait in the decision log {} and are retried every {} ms",
                    e.toString(),
                    config.logDir(),
                    config.retryIntervalMs());
        }
    }

    private void outageOver() {
        if (failingSince != 0) {
            LOG.info(
                    "PostgreSQL takes audit rows again after {} s", (System.currentTimeMillis() - failingSince) / 1000);
            failingSince = 0;
        }
    }
}
