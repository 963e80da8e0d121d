package dev.fraudscore.node.labels;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.fraudscore.domain.Label;
import dev.fraudscore.features.VelocityState;
import dev.fraudscore.node.PgPools;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.Codes;
import dev.fraudscore.node.bus.LabelResult;
import dev.fraudscore.node.cluster.OnContext;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.features.LabelUpdate;
import dev.fraudscore.node.features.Maps;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fraud labels: stores each verdict in {@code audit.labels} and applies each <em>change</em> of verdict
 * exactly once to the card's and the terminal's velocity state (PostgreSQL decides what changed: a new
 * row, or an update guarded by the old value). The transaction's card, terminal and event time come
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

    private final NodeConfig config;
    private final HazelcastInstance hazelcast;
    private Pool pool;
    private IMap<String, VelocityState> cards;
    private IMap<String, VelocityState> terminals;

    public LabelsVerticle(NodeConfig config, HazelcastInstance hazelcast) {
        this.config = config;
        this.hazelcast = hazelcast;
    }

    @Override
    public Future<?> start() {
        cards = hazelcast.getMap(Maps.CARD_VELOCITY);
        terminals = hazelcast.getMap(Maps.TERMINAL_VELOCITY);
        pool = PgPools.create(vertx, config.postgres(), config.postgres().poolSize());
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

    private void apply(Message<Label> message) {
        Label label = message.body();
        facts(label)
                .compose(facts -> {
                    if (facts == null) {
                        return Future.failedFuture(new LabelFailure(
                                Codes.NOT_FOUND,
                                "unknown_transaction: no decision for transactionId " + label.transactionId()
                                        + "; send cardId, terminalId and timestamp with the label"));
                    }
                    return store(label, facts);
                })
                .onSuccess(message::reply)
                .onFailure(e -> {
                    if (e instanceof LabelFailure f) {
                        message.fail(f.code, f.getMessage());
                    } else {
                        LOG.warn("label for {} failed: {}", label.transactionId(), e.toString());
                        message.fail(Codes.UNAVAILABLE, "unavailable: " + e.getMessage());
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

    private Future<LabelResult> store(Label label, Facts facts) {
        Tuple insert = Tuple.of(
                label.transactionId(),
                label.fraud(),
                label.source(),
                facts.card(),
                facts.terminal(),
                facts.eventTime().withOffsetSameInstant(ZoneOffset.UTC));
        return pool.preparedQuery(INSERT).execute(insert).compose(inserted -> {
            if (inserted.size() > 0) {
                return change(label, facts, label.fraud() ? 1 : 0);
            }
            return pool.preparedQuery(UPDATE)
                    .execute(Tuple.of(label.transactionId(), label.fraud(), label.source()))
                    .compose((RowSet<Row> updated) -> {
                        if (updated.size() == 0) {
                            return Future.succeededFuture(new LabelResult(label.transactionId(), label.fraud(), 0));
                        }
                        Row r = updated.iterator().next();
                        // the stored facts are the ones the first verdict was counted under
                        Facts stored = new Facts(r.getString(0), r.getString(1), r.getOffsetDateTime(2));
                        return change(label, stored, label.fraud() ? 1 : -1);
                    });
        });
    }

    private Future<LabelResult> change(Label label, Facts facts, int delta) {
        if (delta == 0) {
            return Future.succeededFuture(new LabelResult(label.transactionId(), label.fraud(), 0));
        }
        long t = facts.eventTime().toInstant().toEpochMilli();
        Future<Boolean> card =
                OnContext.future(cards.submitToKey(facts.card(), new LabelUpdate(t, delta)), context, 30_000);
        Future<Boolean> terminal =
                OnContext.future(terminals.submitToKey(facts.terminal(), new LabelUpdate(t, delta)), context, 30_000);
        return Future.all(card, terminal).map(v -> new LabelResult(label.transactionId(), label.fraud(), delta));
    }

    /** A failure with an event-bus code. */
    private static final class LabelFailure extends RuntimeException {
        final int code;

        LabelFailure(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
