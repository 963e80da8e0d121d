package dev.fraudscore.node.features;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.features.FeatureAssembler;
import dev.fraudscore.features.VelocityState;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.Codes;
import dev.fraudscore.node.bus.FeatureVector;
import dev.fraudscore.node.bus.ScoreRequest;
import dev.fraudscore.node.cluster.OnContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Velocity features: one entry processor on the card's velocity entry and one on the terminal's, in
 * parallel, each returning the windows as of the transaction's event time with the transaction counted;
 * then the shared {@link FeatureAssembler} builds the model row.
 */
public final class FeaturesVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(FeaturesVerticle.class);
    private final HazelcastInstance hazelcast;
    private IMap<String, VelocityState> cards;
    private IMap<String, VelocityState> terminals;

    private final long timeoutMs;

    private final dev.fraudscore.node.bus.LoopRoutes routes;

    public FeaturesVerticle(HazelcastInstance hazelcast, long timeoutMs, dev.fraudscore.node.bus.LoopRoutes routes) {
        this.hazelcast = hazelcast;
        this.routes = routes;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public Future<?> start() {
        cards = hazelcast.getMap(Maps.CARD_VELOCITY);
        terminals = hazelcast.getMap(Maps.TERMINAL_VELOCITY);
        return routes.consume(vertx.eventBus(), Addresses.FEATURES_UPDATE, this::update);
    }

    private void update(Message<ScoreRequest> message) {
        Transaction tx = message.body().transaction();
        long t = tx.eventTimeMillis();
        double amount = tx.amountAsDouble();
        Future<double[]> card = apply(cards, tx.cardId(), new VelocityUpdate(tx.transactionId(), t, amount));
        Future<double[]> terminal =
                apply(terminals, tx.terminalId(), new VelocityUpdate(tx.transactionId(), t, amount));
        Future.all(card, terminal).onComplete(ar -> {
            if (ar.succeeded()) {
                message.reply(new FeatureVector(
                        FeatureAssembler.assemble(
                                amount,
                                tx.timestamp(),
                                VelocityUpdate.windows(card.result()),
                                VelocityUpdate.windows(terminal.result())),
                        message.body().source() == dev.fraudscore.node.bus.Source.HTTP));
            } else {
                LOG.warn(
                        "velocity update for {} failed: {}",
                        tx.transactionId(),
                        ar.cause().toString());
                message.fail(
                        Codes.UNAVAILABLE,
                        "velocity state unavailable: " + ar.cause().getMessage());
            }
        });
    }

    private Future<double[]> apply(IMap<String, VelocityState> map, String key, VelocityUpdate update) {
        return OnContext.future(map.submitToKey(key, update), context, 10 * timeoutMs);
    }
}
