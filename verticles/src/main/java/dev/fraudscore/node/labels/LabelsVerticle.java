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
 * from its audit row (a label's own are used only for a transaction the trail does not hold); a verdict is
 * changed only by a source of the same or a higher rank; every history row names the API client that set it.
 */
public final class LabelsVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(LabelsVerticle.class);
    private static final String INSERT = "INSERT INTO audit.labels (transaction_id, client, fraud, source, card_id,"
            + " terminal_id, event_time, labelled_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            + " ON CONFLICT (transaction_id, client) DO NOTHING RETURNING fraud";
    private static final String CURRENT = "SELECT fraud, source, card_id, terminal_id, event_time FROM audit.labels"
            + " WHERE transaction_id = $1 AND client = $2 FOR UPDATE";
    private static final String UPDATE = "UPDATE audit.labels SET fraud = $3, source = $4, labelled_by = $5,"
            + " labelled_at = now() WHERE transaction_id = $1 AND client = $2";
    /** The decided transaction's facts; by the audit key's leading column, every client that used the id. */
    private static final String LOOKUP = "SELECT client, card_id, terminal_id, event_time FROM audit.decisions"
            + " WHERE transaction_id = $1 AND ($2::text IS NULL OR client = $2) ORDER BY decided_at DESC LIMIT 20";

    private static final String HISTORY = "INSERT INTO audit.label_history (transaction_id, client, fraud, previous,"
            + " source, card_id, terminal_id, event_time, labelled_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            + " RETURNING id";
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

    /** The labelled transaction: the client whose transaction it is, its card, terminal and event time. */
    private record Facts(String client, String card, String terminal, OffsetDateTime eventTime) {}

    /** A stored change of verdict, to apply. */
    private record Change(long id, Facts facts, int delta) {}

    /** What a label stored: the verdict and source in force, and the count change to apply (null: none). */
    private record Stored(boolean fraud, String source, Change change) {}

    private void apply(Message<Label> message) {
        Label label = message.body();
        facts(label)
                .compose(facts -> store(label, facts).compose(stored -> {
                    LabelResult result = new LabelResult(
                            label.transactionId(),
                            facts.client(),
                            stored.fraud(),
                            stored.source(),
                            stored.change() == null ? 0 : stored.change().delta());
                    return stored.change() == null
                            ? Future.succeededFuture(result)
                            : applyNow(stored.change()).map(result);
                }))
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

    /**
     * For a transaction in the audit trail, its facts come from its audit row, never from the label: a label cannot
     * count a fraud against a card or terminal the transaction did not touch. Facts sent with it must match. Only a
     * transaction the trail does not hold takes the label's own facts (and the client it names, else
     * {@code unscoped}).
     */
    private Future<Facts> facts(Label label) {
        return pool.preparedQuery(LOOKUP)
                .execute(Tuple.of(label.transactionId(), label.client()))
                .compose(rows -> {
                    List<Facts> found = new ArrayList<>();
                    for (Row r : rows) {
                        Facts f = new Facts(r.getString(0), r.getString(1), r.getString(2), r.getOffsetDateTime(3));
                        if (found.stream().noneMatch(x -> x.client().equals(f.client()))) {
                            found.add(f);
                        }
                    }
                    if (found.size() > 1) {
                        return Future.failedFuture(Failure.AMBIGUOUS_TRANSACTION.exception("transactionId "
                                + label.transactionId() + " was used by the clients "
                                + String.join(
                                        ", ", found.stream().map(Facts::client).toList())
                                + "; name the one with \"client\""));
                    }
                    if (found.isEmpty()) {
                        if (label.cardId() == null) {
                            return Future.failedFuture(Failure.UNKNOWN_TRANSACTION.exception(
                                    "no decision for transactionId " + label.transactionId()
                                            + (label.client() == null ? "" : " of client " + label.client())
                                            + "; send cardId, terminalId and timestamp with the label"));
                        }
                        return Future.succeededFuture(new Facts(
                                label.client() == null ? "unscoped" : label.client(),
                                label.cardId(),
                                label.terminalId(),
                                label.timestamp()));
                    }
                    Facts audited = found.get(0);
                    String differs = label.cardId() == null
                            ? null
                            : !label.cardId().equals(audited.card())
                                    ? "cardId"
                                    : !label.terminalId().equals(audited.terminal())
                                            ? "terminalId"
                                            : !label.timestamp()
                                                            .toInstant()
                                                            .equals(audited.eventTime()
                                                                    .toInstant())
                                                    ? "timestamp"
                                                    : null;
                    if (differs != null) {
                        return Future.failedFuture(Failure.AUDIT_MISMATCH.exception(differs + " differs from the"
                                + " audit trail's decision of transactionId " + label.transactionId()
                                + "; omit cardId, terminalId and timestamp for a decided transaction"));
                    }
                    return Future.succeededFuture(audited);
                });
    }

    /**
     * In one PostgreSQL transaction: the verdict, its history row and, when it changes a fraud count, its outbox
     * row. A verdict is changed only by a source of the same or a higher {@link Label#rank rank}; a higher source
     * confirming the verdict takes it over (history row, no count change).
     */
    private Future<Stored> store(Label label, Facts facts) {
        OffsetDateTime at = facts.eventTime().withOffsetSameInstant(ZoneOffset.UTC);
        Tuple insert = Tuple.of(
                label.transactionId(),
                facts.client(),
                label.fraud(),
                label.source(),
                facts.card(),
                facts.terminal(),
                at,
                label.labelledBy());
        return pool.withTransaction(conn -> conn.preparedQuery(INSERT)
                .execute(insert)
                .compose(inserted -> {
                    if (inserted.size() > 0) {
                        // a first verdict: fraud counts one; genuine changes no count but is history
                        return record(conn, label, null, facts, label.fraud() ? 1 : 0)
                                .map(c -> new Stored(label.fraud(), label.source(), c));
                    }
                    return conn.preparedQuery(CURRENT)
                            .execute(Tuple.of(label.transactionId(), facts.client()))
                            .compose((RowSet<Row> current) -> {
                                Row r = current.iterator().next();
                                boolean fraud = r.getBoolean(0);
                                String source = r.getString(1);
                                // the stored facts are the ones the first verdict was counted under
                                Facts stored = new Facts(
                                        facts.client(), r.getString(2), r.getString(3), r.getOffsetDateTime(4));
                                int rank = Label.rank(label.source());
                                int held = Label.rank(source);
                                if (rank < held && fraud != label.fraud()) {
                                    return Future.failedFuture(Failure.LABEL_PRECEDENCE.exception("the verdict on "
                                            + label.transactionId() + " was set by the source " + source
                                            + "; a label from " + label.source() + " cannot change it (precedence:"
                                            + " chargeback > analyst > customer > any other)"));
                                }
                                if (fraud == label.fraud() && rank <= held) {
                                    return Future.succeededFuture(new Stored(fraud, source, null)); // nothing new
                                }
                                int delta = fraud == label.fraud() ? 0 : label.fraud() ? 1 : -1;
                                return conn.preparedQuery(UPDATE)
                                        .execute(Tuple.of(
                                                label.transactionId(),
                                                facts.client(),
                                                label.fraud(),
                                                label.source(),
                                                label.labelledBy()))
                                        .compose(u -> record(conn, label, fraud, stored, delta))
                                        .map(c -> new Stored(label.fraud(), label.source(), c));
                            });
                }));
    }

    private Future<Change> record(SqlConnection conn, Label label, Boolean previous, Facts facts, int delta) {
        Tuple history = Tuple.tuple()
                .addString(label.transactionId())
                .addString(facts.client())
                .addBoolean(label.fraud())
                .addBoolean(previous)
                .addString(label.source())
                .addString(facts.card())
                .addString(facts.terminal())
                .addOffsetDateTime(facts.eventTime().withOffsetSameInstant(ZoneOffset.UTC))
                .addString(label.labelledBy());
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
                                new Facts(null, r.getString(2), r.getString(3), r.getOffsetDateTime(4)),
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
