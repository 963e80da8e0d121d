package dev.fraudscore.node.features;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.features.FeatureAssembler;
import dev.fraudscore.features.VelocityState;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.FeatureVector;
import dev.fraudscore.node.bus.LoopRoutes;
import dev.fraudscore.node.bus.ScoreRequest;
import dev.fraudscore.node.bus.Source;
import dev.fraudscore.node.cluster.Maps;
import dev.fraudscore.node.cluster.OnContext;
import dev.fraudscore.node.decision.StageDeadlines;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.failure.FailureException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Velocity features: one entry processor on the card's velocity entry and one on the terminal's, in
 * parallel, each returning the windows as of the transaction's count time ({@link dev.fraudscore.node.bus.Origin})
 * with the transaction counted;
 * then the shared {@link FeatureAssembler} builds the model row. Each update has the features deadline of
 * the transaction's source.
 */
public final class FeaturesVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(FeaturesVerticle.class);
    private final HazelcastInstance hazelcast;
    private final StageDeadlines.BySource deadlines;
    private final LoopRoutes routes;
    private IMap<String, VelocityState> cards;
    private IMap<String, VelocityState> terminals;

    public FeaturesVerticle(HazelcastInstance hazelcast, StageDeadlines.BySource deadlines, LoopRoutes routes) {
        this.hazelcast = hazelcast;
        this.deadlines = deadlines;
        this.routes = routes;
    }

    @Override
    public Future<?> start() {
        cards = hazelcast.getMap(Maps.CARD_VELOCITY);
        terminals = hazelcast.getMap(Maps.TERMINAL_VELOCITY);
        return routes.consume(vertx.eventBus(), Addresses.FEATURES_UPDATE, this::update);
    }

    private void update(Message<ScoreRequest> message) {
        ScoreRequest request = message.body();
        Transaction tx = request.transaction();
        // counted at the caller's event time only when it is close to the receive time or the client may replay
        long t = request.origin().countedAtMillis();
        double amount = tx.amountAsDouble();
        long timeoutMs = deadlines.of(request.source()).featuresMs();
        VelocityUpdate update = new VelocityUpdate(request.scopedId(), t, amount, request.alreadyCounted());
        Future<double[]> card = apply(cards, tx.cardId(), update, timeoutMs);
        Future<double[]> terminal = apply(terminals, tx.terminalId(), update, timeoutMs);
        Future.all(card, terminal).onComplete(ar -> {
            if (ar.succeeded()) {
                float[] row = FeatureAssembler.assemble(
                        amount,
                        request.origin().countedAt(tx),
                        VelocityUpdate.windows(card.result()),
                        VelocityUpdate.windows(terminal.result()));
                message.reply(new FeatureVector(
                        row,
                        request.source() == Source.HTTP,
                        FeatureVector.bucket(request.transaction().cardId())));
            } else {
                LOG.warn(
                        "velocity update for {} failed: {}",
                        tx.transactionId(),
                        ar.cause().toString());
                FailureException.reply(
                        message,
                        Failure.UNAVAILABLE.exception(
                                "velocity state unavailable: " + ar.cause().getMessage()));
            }
        });
    }

    private Future<double[]> apply(IMap<String, VelocityState> map, String key, VelocityUpdate update, long timeoutMs) {
        return OnContext.future(map.submitToKey(key, update), context, timeoutMs);
    }
}
