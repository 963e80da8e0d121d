package dev.fraudscore.node.labels;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.fraudscore.domain.Label;
import dev.fraudscore.features.VelocityState;
import dev.fraudscore.node.PgPools;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.LabelResult;
import dev.fraudscore.node.cluster.Maps;
import dev.fraudscore.node.cluster.OnContext;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.failure.FailureException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fraud labels: stores each verdict in {@code audit.labels} and every change of verdict in the append-only
 * {@code audit.label_history}, with an {@code audit.label_outbox} row in the same transaction, then applies the
 * change to the card's and the terminal's velocity state and removes the outbox row. A change that could not be
 * applied (Hazelcast slow or on the minority side, the node killed in between) stays in the outbox and is retried
 * by every node's poller every {@code labels.retryIntervalMs} until applied; each key applies a change id once, so
 * a change counts exactly once however often it is retried. The transaction's card, terminal and event time come
 * with the label or, when absent, from the audit trail.
 */
public final class LabelsVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(LabelsVerticle.class);
    private static final String INSERT =
            "INSERT INTO audit.labels (transaction_id, fraud, source, card_id, terminal_id, event_time) "
                    + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (transaction_id) DO NOTHING RETURNING fraud";
    private static final String UPDATE = "UPDATE audit.labels SET fraud = $2, source = $3, labelled_at = now() "
            + "WHERE transaction_id = $1 AND fraud <> $2 RETURNING card_id, terminal_id, event_time";
    private static final String LOOKUP =
            "SELECT card_id, terminal_id, event_time FROM audit.decisions WHERE transaction_id = $1 LIMIT 1";
    private static final String HISTORY = "INSERT INTO audit.label_history (transaction_id, fraud, previous, source,"
            + " card_id, terminal_id, event_time) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    private static final String OUTBOX = "INSERT INTO audit.label_outbox (history_id, delta, next_attempt_at)"
            + " VALUES ($1, $2, now() + $3 * interval '1 millisecond')";
    private static final String APPLIED = "DELETE FROM audit.label_outbox WHERE history_id = $1";
    private static final String FAILED = "UPDATE audit.label_outbox SET attempts = attempts + 1, last_error = $2,"
            + " next_attempt_at = now() + least(60000, (attempts + 1) * $3) * interval '1 millisecond'"
            + " WHERE history_id = $1";
    private static final String DUE = "SELECT o.history_id, o.delta, h.card_id, h.terminal_id, h.event_time"
            + " FROM audit.label_outbox o JOIN audit.label_history h ON h.id = o.history_id"
            + " WHERE o.next_attempt_at <= now() ORDER BY o.history_id LIMIT 100 FOR UPDATE OF o SKIP LOCKED";

    private final NodeConfig.Labels config;
    private final NodeConfig.Postgres postgres;
    private final HazelcastInstance hazelcast;
    private Pool pool;
    private IMap<String, VelocityState> cards;
    private IMap<String, VelocityState> terminals;
    private boolean polling;

    public LabelsVerticle(NodeConfig.Labels config, NodeConfig.Postgres postgres, HazelcastInstance hazelcast) {
        this.config = config;
        this.postgres = postgres;
        this.hazelcast = hazelcast;
    }

    @Override
    public Future<?> start() {
        cards = hazelcast.getMap(Maps.CARD_VELOCITY);
        terminals = hazelcast.getMap(Maps.TERMINAL_VELOCITY);
        pool = PgPools.create(vertx, postgres, config.poolSize());
        vertx.setPeriodic(config.retryIntervalMs(), id -> retryDue());
        return vertx.eventBus()
                .<Label>localConsumer(Addresses.LABELS_APPLY, this::apply)
                .completion();
    }

    @Override
    public Future<?> stop() {
        return pool.close();
    }

    /** The labelled transaction's facts. */
    private record Facts(String card, String terminal, OffsetDateTime eventTime) {}

    /** A stored change of verdict, to apply. */
    private record Change(long id, Facts facts, int delta) {}

    private void apply(Message<Label> message) {
        Label label = message.body();
        facts(label)
                .compose(facts -> {
                    if (facts == null) {
                        return Future.failedFuture(Failure.UNKNOWN_TRANSACTION.exception(
                                "no decision for transactionId " + label.transactionId()
                                        + "; send cardId, terminalId and timestamp with the label"));
                    }
                    return store(label, facts);
                })
                .compose(change -> change == null
                        ? Future.succeededFuture(new LabelResult(label.transactionId(), label.fraud(), 0))
                        : applyNow(change).map(new LabelResult(label.transactionId(), label.fraud(), change.delta())))
                .onSuccess(message::reply)
                .onFailure(e -> {
                    if (e instanceof FailureException f) {
                        FailureException.reply(message, f);
                    } else {
                        LOG.debug("label for {} failed: {}", label.transactionId(), e.toString());
                        FailureException.reply(message, Failure.UNAVAILABLE.exception(String.valueOf(e.getMessage())));
                    }
                });
    }

    private Future<Facts> facts(Label label) {
        if (label.cardId() != null) {
            return Future.succeededFuture(new Facts(label.cardId(), label.terminalId(), label.timestamp()));
        }
        return pool.preparedQuery(LOOKUP)
                .execute(Tuple.of(label.transactionId()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    return new Facts(r.getString(0), r.getString(1), r.getOffsetDateTime(2));
                });
    }

    /**
     * In one PostgreSQL transaction: the verdict, its history row and, when it changes a fraud count, its outbox
     * row. Answers the change to apply, or null when nothing is to be applied.
     */
    private Future<Change> store(Label label, Facts facts) {
        OffsetDateTime at = facts.eventTime().withOffsetSameInstant(ZoneOffset.UTC);
        Tuple insert =
                Tuple.of(label.transactionId(), label.fraud(), label.source(), facts.card(), facts.terminal(), at);
        return pool.withTransaction(conn -> conn.preparedQuery(INSERT)
                .execute(insert)
                .compose(inserted -> {
                    if (inserted.size() > 0) {
                        // a first verdict: fraud counts one; genuine changes no count but is history
                        return record(conn, label, null, facts, label.fraud() ? 1 : 0);
                    }
                    return conn.preparedQuery(UPDATE)
                            .execute(Tuple.of(label.transactionId(), label.fraud(), label.source()))
                            .compose((RowSet<Row> updated) -> {
                                if (updated.size() == 0) {
                                    return Future.succeededFuture(null); // the same verdict again
                                }
                                Row r = updated.iterator().next();
                                // the stored facts are the ones the first verdict was counted under
                                Facts stored = new Facts(r.getString(0), r.getString(1), r.getOffsetDateTime(2));
                                return record(conn, label, !label.fraud(), stored, label.fraud() ? 1 : -1);
                            });
                }));
    }

    private Future<Change> record(SqlConnection conn, Label label, Boolean previous, Facts facts, int delta) {
        Tuple history = Tuple.of(
                label.transactionId(),
                label.fraud(),
                previous,
                label.source(),
                facts.card(),
                facts.terminal(),
                facts.eventTime().withOffsetSameInstant(ZoneOffset.UTC));
        return conn.preparedQuery(HISTORY).execute(history).compose(rows -> {
            long id = rows.iterator().next().getLong(0);
            if (delta == 0) {
                return Future.succeededFuture(null);
            }
            // the poller leaves it to this attempt for one retry interval
            return conn.preparedQuery(OUTBOX)
                    .execute(Tuple.of(id, delta, config.retryIntervalMs()))
                    .map(new Change(id, facts, delta));
        });
    }

    /** Applies a change now; if that fails, it stays in the outbox for the poller (logged, not fatal). */
    private Future<Void> applyNow(Change change) {
        return applyAndClear(pool, change).recover(e -> {
            LOG.warn("label change {} not applied yet ({}); retried from the outbox", change.id(), e.toString());
            return Future.succeededFuture();
        });
    }

    /** {@code sql}: the pool, or the poller's transaction that holds the outbox row's lock. */
    private Future<Void> applyAndClear(SqlClient sql, Change change) {
        long t = change.facts().eventTime().toInstant().toEpochMilli();
        LabelUpdate update = new LabelUpdate(change.id(), t, change.delta());
        Future<Boolean> card =
                OnContext.future(cards.submitToKey(change.facts().card(), update), context, config.timeoutMs());
        Future<Boolean> terminal =
                OnContext.future(terminals.submitToKey(change.facts().terminal(), update), context, config.timeoutMs());
        return Future.all(card, terminal)
                .compose(v -> sql.preparedQuery(APPLIED).execute(Tuple.of(change.id())))
                .<Void>mapEmpty()
                .recover(e -> sql.preparedQuery(FAILED)
                        .execute(Tuple.of(change.id(), String.valueOf(e.getMessage()), config.retryIntervalMs()))
                        .transform(v -> Future.failedFuture(e)));
    }

    /** The changes due in the outbox (locked, so that two nodes do not take the same one), applied in order. */
    private void retryDue() {
        if (polling) {
            return;
        }
        polling = true;
        pool.withTransaction(conn -> conn.preparedQuery(DUE).execute().compose(rows -> {
                    List<Change> due = new ArrayList<>();
                    for (Row r : rows) {
                        due.add(new Change(
                                r.getLong(0),
                                new Facts(r.getString(2), r.getString(3), r.getOffsetDateTime(4)),
                                r.getInteger(1)));
                    }
                    return applyInOrder(conn, due, 0, new int[1]);
                }))
                .onComplete(ar -> {
                    polling = false;
                    if (ar.failed()) {
                        LOG.debug("label outbox not read: {}", ar.cause().toString());
                    } else if (ar.result() > 0) {
                        LOG.info("applied {} label changes from the outbox", ar.result());
                    }
                });
    }

    private Future<Integer> applyInOrder(SqlConnection conn, List<Change> due, int i, int[] applied) {
        if (i == due.size()) {
            return Future.succeededFuture(applied[0]);
        }
        return applyAndClear(conn, due.get(i)).transform(ar -> {
            applied[0] += ar.succeeded() ? 1 : 0;
            return applyInOrder(conn, due, i + 1, applied);
        });
    }
}
