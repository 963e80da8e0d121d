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

    private final NodeConfig.Labels config;
    private final NodeConfig.Postgres postgres;
    private final HazelcastInstance hazelcast;
    private Pool pool;
    private IMap<String, VelocityState> cards;
    private IMap<String, VelocityState> terminals;

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
                        return Future.failedFuture(Failure.UNKNOWN_TRANSACTION.exception(
                                "no decision for transactionId " + label.transactionId()
                                        + "; send cardId, terminalId and timestamp with the label"));
                    }
                    return store(label, facts);
                })
                .onSuccess(message::reply)
                .onFailure(e -> {
                    if (e instanceof FailureException f) {
                        FailureException.reply(message, f);
                    } else {
                        LOG.warn("label for {} failed: {}", label.transactionId(), e.toString());
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
        Future<Boolean> card = OnContext.future(
                cards.submitToKey(facts.card(), new LabelUpdate(t, delta)), context, config.timeoutMs());
        Future<Boolean> terminal = OnContext.future(
                terminals.submitToKey(facts.terminal(), new LabelUpdate(t, delta)), context, config.timeoutMs());
        return Future.all(card, terminal).map(v -> new LabelResult(label.transactionId(), label.fraud(), delta));
    }
}
