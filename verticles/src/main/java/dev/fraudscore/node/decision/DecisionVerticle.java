package dev.fraudscore.node.decision;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.Codes;
import dev.fraudscore.node.bus.Decision;
import dev.fraudscore.node.bus.DecisionEvent;
import dev.fraudscore.node.bus.FeatureVector;
import dev.fraudscore.node.bus.ScoreRequest;
import dev.fraudscore.node.bus.ScoreResult;
import dev.fraudscore.node.bus.Source;
import dev.fraudscore.node.bus.StageTimings;
import dev.fraudscore.node.cluster.OnContext;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.features.Claim;
import dev.fraudscore.node.features.IdempotencyEntry;
import dev.fraudscore.node.features.Maps;
import dev.fraudscore.node.json.DecisionCodec;
import dev.fraudscore.node.scoring.ModelHolder;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pipeline for one transaction: claim its id (idempotency), velocity features, score, thresholds;
 * then hands the decision to alerts and audit. Every stage has a deadline; a failed or late features or
 * scoring stage yields a degraded decision under the configured fail-open / fail-closed policy. Replies
 * with the {@link DecisionEvent}: at once for HTTP, after the audit row is durable for Kafka (so that the
 * consumer commits offsets only for audited decisions).
 */
public final class DecisionVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionVerticle.class);
    private static final long AUDIT_ACK_TIMEOUT_MS = 30_000;
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

    private final NodeConfig config;
    private final HazelcastInstance hazelcast;
    private final ModelHolder models;
    private final dev.fraudscore.node.bus.LoopRoutes routes;
    private IMap<String, String> idempotency;
    private DeliveryOptions featuresDelivery;
    private DeliveryOptions scoringDelivery;
    private DeliveryOptions auditDelivery;
    /** Stream records have no caller waiting: their stages get the (longer) Kafka deadline. */
    private DeliveryOptions streamFeaturesDelivery;

    private DeliveryOptions streamScoringDelivery;

    private static final java.util.concurrent.atomic.AtomicInteger INSTANCES =
            new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Map<Outcome, io.micrometer.core.instrument.Counter> decided =
            new java.util.EnumMap<>(Outcome.class);
    private final io.micrometer.core.instrument.MeterRegistry registry;
    private final io.micrometer.core.instrument.Timer[] stages = new io.micrometer.core.instrument.Timer[4];
    private final java.util.Map<String, io.micrometer.core.instrument.DistributionSummary> scores =
            new java.util.HashMap<>();

    public DecisionVerticle(
            NodeConfig config,
            HazelcastInstance hazelcast,
            ModelHolder models,
            io.micrometer.core.instrument.MeterRegistry registry,
            dev.fraudscore.node.bus.LoopRoutes routes) {
        this.config = config;
        this.routes = routes;
        this.hazelcast = hazelcast;
        this.models = models;
        this.registry = registry;
        String instance = Integer.toString(INSTANCES.incrementAndGet());
        String[] names = {"idempotency", "features", "scoring", "total"};
        for (int i = 0; i < names.length; i++) {
            stages[i] = io.micrometer.core.instrument.Timer.builder("fraud.stage.latency")
                    .description("time per pipeline stage")
                    .tag("stage", names[i])
                    .publishPercentileHistogram()
                    .minimumExpectedValue(java.time.Duration.ofMillis(1))
                    .maximumExpectedValue(java.time.Duration.ofSeconds(2))
                    .register(registry);
        }
        for (Outcome o : Outcome.values()) {
            decided.put(
                    o,
                    io.micrometer.core.instrument.Counter.builder("fraud.decisions")
                            .description("decisions made")
                            .tag("outcome", o.name())
                            .tag("instance", instance)
                            .register(registry));
        }
    }

    @Override
    public Future<?> start() {
        idempotency = hazelcast.getMap(Maps.IDEMPOTENCY);
        featuresDelivery = new DeliveryOptions()
                .setSendTimeout(config.features().timeoutMs())
                .setLocalOnly(true);
        scoringDelivery = new DeliveryOptions()
                .setSendTimeout(config.scoring().timeoutMs())
                .setLocalOnly(true);
        auditDelivery =
                new DeliveryOptions().setSendTimeout(AUDIT_ACK_TIMEOUT_MS).setLocalOnly(true);
        streamFeaturesDelivery = new DeliveryOptions()
                .setSendTimeout(config.kafka().stageTimeoutMs())
                .setLocalOnly(true);
        streamScoringDelivery = new DeliveryOptions()
                .setSendTimeout(config.kafka().stageTimeoutMs())
                .setLocalOnly(true);
        return routes.consume(vertx.eventBus(), Addresses.PIPELINE_DECIDE, this::decide);
    }

    private void decide(Message<ScoreRequest> message) {
        ScoreRequest request = message.body();
        Transaction tx = request.transaction();
        // an HTTP caller has had its answer (or a timeout) by http.requestTimeoutMs: its claim cannot be in progress
        // after that; a stream record may legitimately take up to the stream's budget
        long stale = request.source() == Source.HTTP
                ? config.http().requestTimeoutMs() + 500
                : config.features().inProgressStaleMs();
        Claim claim = new Claim(request.fingerprint(), System.currentTimeMillis(), stale);
        OnContext.future(
                        idempotency.submitToKey(tx.transactionId(), claim),
                        context,
                        config.features().timeoutMs())
                .onFailure(e -> {
                    LOG.warn("idempotency claim for {} failed: {}", tx.transactionId(), e.toString());
                    message.fail(
                            Codes.UNAVAILABLE,
                            "unavailable: idempotency store did not answer; retry with the same transactionId");
                })
                .onSuccess(result -> {
                    if (result.equals(Claim.NEW)) {
                        run(message, request);
                    } else if (result.startsWith(Claim.DECIDED)) {
                        replay(message, request, DecisionCodec.decode(result.substring(Claim.DECIDED.length())));
                    } else if (result.equals(Claim.CONFLICT)) {
                        message.fail(
                                Codes.CONFLICT,
                                "idempotency_conflict: transactionId " + tx.transactionId()
                                        + " was already used with a different payload");
                    } else {
                        message.fail(
                                Codes.CONFLICT,
                                "in_progress: transactionId " + tx.transactionId()
                                        + " is still being decided; retry shortly");
                    }
                });
    }

    private void replay(Message<ScoreRequest> message, ScoreRequest request, Decision decision) {
        DecisionEvent event = new DecisionEvent(request.transaction(), request.source(), null, decision, true);
        if (request.source() == Source.KAFKA) {
            // the first attempt's audit row may have been lost with its node; writing again is idempotent
            replyAfterAudit(message, event);
        } else {
            message.reply(event);
        }
    }

    private void run(Message<ScoreRequest> message, ScoreRequest request) {
        long claimed = System.nanoTime();
        Trace trace = new Trace(request.receivedNanos(), claimed);
        boolean stream = request.source() == Source.KAFKA;
        vertx.eventBus()
                .<FeatureVector>request(
                        routes.route(Addresses.FEATURES_UPDATE),
                        request,
                        stream ? streamFeaturesDelivery : featuresDelivery)
                .map(Message::body)
                .transform(features -> {
                    trace.featuresDone = System.nanoTime();
                    if (features.failed()) {
                        return Future.succeededFuture(
                                degraded(request, null, "features_unavailable", features.cause(), trace));
                    }
                    return vertx.eventBus()
                            .<ScoreResult>request(
                                    Addresses.SCORING_SCORE,
                                    features.result(),
                                    stream ? streamScoringDelivery : scoringDelivery)
                            .map(Message::body)
                            .transform(score -> {
                                trace.scoringDone = System.nanoTime();
                                if (score.failed()) {
                                    return Future.succeededFuture(degraded(
                                            request,
                                            features.result().values(),
                                            "scoring_unavailable",
                                            score.cause(),
                                            trace));
                                }
                                return Future.succeededFuture(
                                        scored(request, features.result().values(), score.result(), trace));
                            });
                })
                .compose(event -> remember(request, event))
                .onSuccess(event -> {
                    record(event.decision());
                    if (event.decision().outcome().alerts()) {
                        vertx.eventBus().send(Addresses.ALERTS_RAISE, event, LOCAL);
                    }
                    if (request.source() == Source.KAFKA) {
                        replyAfterAudit(message, event);
                    } else {
                        // no acknowledgement wanted: the audit verticle logs a row it could neither write nor spool
                        vertx.eventBus().send(Addresses.AUDIT_WRITE, event, LOCAL);
                        message.reply(event);
                    }
                })
                .onFailure(e -> message.fail(Codes.INTERNAL, "internal: " + e.getMessage()));
    }

    private void record(Decision d) {
        decided.get(d.outcome()).increment();
        StageTimings t = d.timings();
        stages[0].record(t.idempotencyMicros(), java.util.concurrent.TimeUnit.MICROSECONDS);
        stages[1].record(t.featuresMicros(), java.util.concurrent.TimeUnit.MICROSECONDS);
        stages[2].record(t.scoringMicros(), java.util.concurrent.TimeUnit.MICROSECONDS);
        stages[3].record(t.totalMicros(), java.util.concurrent.TimeUnit.MICROSECONDS);
        if (!d.degraded()) {
            scores.computeIfAbsent(
                            d.modelVersion(),
                            v -> io.micrometer.core.instrument.DistributionSummary.builder("fraud.score")
                                    .description("scores per model version")
                                    .tag("model", v)
                                    .serviceLevelObjectives(0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99)
                                    .register(registry))
                    .record(d.score());
        }
    }

    private void replyAfterAudit(Message<ScoreRequest> message, DecisionEvent event) {
        vertx.eventBus().request(Addresses.AUDIT_WRITE, event, auditDelivery).onComplete(ack -> {
            if (ack.succeeded()) {
                message.reply(event);
            } else {
                message.fail(
                        Codes.UNAVAILABLE,
                        "unavailable: audit not durable: " + ack.cause().getMessage());
            }
        });
    }

    /** Stores the decision under its transaction id so that retries get it back; a failure here is logged, not fatal. */
    private Future<DecisionEvent> remember(ScoreRequest request, DecisionEvent event) {
        IdempotencyEntry entry =
                new IdempotencyEntry(request.fingerprint(), System.currentTimeMillis(), event.decision());
        return OnContext.future(
                        idempotency.setAsync(request.transaction().transactionId(), entry.encode()),
                        context,
                        config.features().timeoutMs())
                .transform(ar -> {
                    if (ar.failed()) {
                        LOG.warn(
                                "could not store decision of {} for idempotent retries: {}",
                                request.transaction().transactionId(),
                                ar.cause().toString());
                    }
                    return Future.succeededFuture(event);
                });
    }

    private DecisionEvent scored(ScoreRequest request, float[] features, ScoreResult score, Trace trace) {
        Outcome outcome = score.thresholds().apply(score.score());
        Decision d = new Decision(
                request.transaction().transactionId(),
                outcome,
                score.score(),
                score.reasons(),
                score.modelVersion(),
                score.thresholds(),
                false,
                null,
                Instant.now(),
                config.nodeId(),
                trace.timings(),
                score.challengerScore(),
                score.challengerVersion());
        return new DecisionEvent(request.transaction(), request.source(), features, d, false);
    }

    private DecisionEvent degraded(ScoreRequest request, float[] features, String why, Throwable cause, Trace trace) {
        LOG.warn("degraded decision for {}: {} ({})", request.transaction().transactionId(), why, cause.toString());
        Outcome outcome = config.decision().failMode() == NodeConfig.FailMode.OPEN ? Outcome.APPROVE : Outcome.DECLINE;
        Decision d = new Decision(
                request.transaction().transactionId(),
                outcome,
                Double.NaN,
                List.of(),
                null,
                models.champion().thresholds(),
                true,
                why,
                Instant.now(),
                config.nodeId(),
                trace.timings(),
                Double.NaN,
                null);
        return new DecisionEvent(request.transaction(), request.source(), features, d, false);
    }

    /** Stage boundaries of one decision, in System.nanoTime(). */
    private static final class Trace {
        final long received;
        final long claimed;
        long featuresDone;
        long scoringDone;

        Trace(long received, long claimed) {
            this.received = received;
            this.claimed = claimed;
        }

        StageTimings timings() {
            long now = System.nanoTime();
            long f = featuresDone == 0 ? now : featuresDone;
            long s = scoringDone == 0 ? f : scoringDone;
            return new StageTimings(
                    (claimed - received) / 1000, (f - claimed) / 1000, (s - f) / 1000, (now - received) / 1000);
        }
    }
}
