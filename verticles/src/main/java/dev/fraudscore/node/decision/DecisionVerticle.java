package dev.fraudscore.node.decision;

import com.hazelcast.core.HazelcastInstance;
import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.ScoreResult;
import dev.fraudscore.domain.StageTimings;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.node.audit.AuditRows;
import dev.fraudscore.node.audit.DecisionLog;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.DecisionEvent;
import dev.fraudscore.node.bus.FeatureVector;
import dev.fraudscore.node.bus.LoopRoutes;
import dev.fraudscore.node.bus.ScoreRequest;
import dev.fraudscore.node.bus.Source;
import dev.fraudscore.node.cluster.HazelcastSetup;
import dev.fraudscore.node.cluster.Maps;
import dev.fraudscore.node.decision.StageBreakers.Stage;
import dev.fraudscore.node.failure.ApiError;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.failure.FailureException;
import dev.fraudscore.node.idempotency.ClaimResult;
import dev.fraudscore.node.idempotency.IdempotencyStore;
import dev.fraudscore.node.scoring.ModelHolder;
import dev.fraudscore.node.scoring.ScoringCapacity;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline for one transaction, in order: a place in the scoring stage, claim the id, velocity features,
 * score, decide, keep or release the claim, publish (alerts; audit), answer. Each stage has the deadline its
 * source gives it ({@link StageDeadlines}) and, where a dependency can fail, a circuit breaker
 * ({@link StageBreakers}); what to answer is the {@link DecisionPolicy}'s, what was measured the
 * {@link DecisionMeters}'.
 *
 * <ul>
 *   <li>Overload is never a decision: a node already scoring {@code scoring.queueMaxSize} transactions refuses
 *       (503) before its id is claimed or anything counted; a full scoring queue found later releases the claim.
 *   <li>A dependency that fails (Hazelcast for the claim or the velocity state, the model) gives a degraded
 *       decision under the fallback policy. It is never kept for idempotent replay: the claim is released, noting
 *       whether the velocity state already counted the transaction, and a retry is decided afresh without
 *       counting it twice.
 *   <li>Nothing is answered (and no stream offset commits) before the decision's audit row is in the node's
 *       {@link DecisionLog}; a node whose log is full or cannot be written refuses checks (503) before deciding.
 * </ul>
 */
public final class DecisionVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionVerticle.class);
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final StageDeadlines.BySource deadlines;
    private final long auditAckTimeoutMs;
    private final DecisionPolicy policy;
    private final HazelcastInstance hazelcast;
    private final ModelHolder models;
    private final DecisionMeters meters;
    private final LoopRoutes routes;
    private final ScoringCapacity capacity;
    private final StageBreakers breakers;
    private final DecisionLog log;
    private IdempotencyStore idempotency;
    private BooleanSupplier quorum;

    public DecisionVerticle(
            StageDeadlines.BySource deadlines,
            long auditAckTimeoutMs,
            DecisionPolicy policy,
            HazelcastInstance hazelcast,
            ModelHolder models,
            MeterRegistry registry,
            LoopRoutes routes,
            ScoringCapacity capacity,
            StageBreakers breakers,
            DecisionLog log) {
        this.deadlines = deadlines;
        this.auditAckTimeoutMs = auditAckTimeoutMs;
        this.policy = policy;
        this.hazelcast = hazelcast;
        this.models = models;
        this.meters = new DecisionMeters(registry, Integer.toString(INSTANCES.incrementAndGet()));
        this.routes = routes;
        this.capacity = capacity;
        this.breakers = breakers;
        this.log = log;
    }

    @Override
    public Future<?> start() {
        idempotency = new IdempotencyStore(hazelcast.getMap(Maps.IDEMPOTENCY), context);
        quorum = HazelcastSetup.quorumPresent(hazelcast);
        return routes.consume(vertx.eventBus(), Addresses.PIPELINE_DECIDE, this::decide);
    }

    private void decide(Message<ScoreRequest> message) {
        ScoreRequest request = message.body();
        Transaction tx = request.transaction();
        StageDeadlines d = deadlines.of(request.source());
        if (log.full()) {
            // nothing is decided (or counted) that could not be recorded
            FailureException.reply(
                    message,
                    Failure.UNAVAILABLE.exception("the audit log is full or cannot be written ("
                            + (log.failure() == null ? "audit.logMaxBytes reached" : log.failure())
                            + "); retry with the same transactionId"));
            return;
        }
        if (!quorum.getAsBoolean()) {
            // cut off from the cluster's majority: deciding here would count on state the majority does not see
            FailureException.reply(
                    message,
                    Failure.UNAVAILABLE.exception("this node is on the minority side of a split cluster (fewer than"
                            + " cluster.quorum members reachable); retry with the same transactionId"));
            return;
        }
        ScoringCapacity.Permit scoring = capacity.tryAcquire();
        if (scoring == null) {
            FailureException.reply(
                    message,
                    Failure.OVERLOADED.exception(
                            "the node is scoring as many transactions as it can; retry with the same transactionId"));
            return;
        }
        Trace trace = new Trace(request.receivedNanos());
        breakers.call(
                        Stage.IDEMPOTENCY,
                        () -> idempotency.claim(
                                request.scopedId(), request.fingerprint(), d.staleAfterMs(), d.claimMs()))
                .transform(claim -> {
                    if (claim.failed()) {
                        // no claim, no velocity: the same Hazelcast; decide by the fallback, keep nothing
                        return Future.succeededFuture(
                                degraded(request, null, DecisionPolicy.IDEMPOTENCY_UNAVAILABLE, claim.cause(), trace));
                    }
                    return switch (claim.result()) {
                        case ClaimResult.Fresh fresh -> decideFresh(request, fresh, d, scoring, trace);
                        case ClaimResult.Decided decided -> replay(request, decided.decision());
                        case ClaimResult.Conflict c ->
                            Future.failedFuture(Failure.IDEMPOTENCY_CONFLICT.exception("transactionId "
                                    + tx.transactionId() + " was already used with a different payload"));
                        case ClaimResult.InProgress p ->
                            Future.failedFuture(Failure.IN_PROGRESS.exception(
                                    "transactionId " + tx.transactionId() + " is still being decided; retry shortly"));
                    };
                })
                .compose(event -> event.replayed() ? Future.succeededFuture(event) : publish(event))
                .onComplete(ar -> scoring.release())
                .onSuccess(message::reply)
                .onFailure(e -> FailureException.reply(message, e));
    }

    /** A decision made before for the same payload: answered again, its audit row written again. */
    private Future<DecisionEvent> replay(ScoreRequest request, Decision decision) {
        DecisionEvent event =
                new DecisionEvent(request.transaction(), request.source(), null, decision, true, request.origin());
        // the first attempt may have been answered by a node killed before its row reached PostgreSQL (or never
        // answered at all); the row written again is a no-op if the first one is there (the audit key is the
        // transaction). The features are not kept with the remembered decision: this row has none.
        return audited(event);
    }

    private Future<DecisionEvent> decideFresh(
            ScoreRequest request,
            ClaimResult.Fresh claim,
            StageDeadlines d,
            ScoringCapacity.Permit scoring,
            Trace trace) {
        trace.claimed = System.nanoTime();
        ScoreRequest counting = claim.counted() ? request.counted() : request;
        return breakers.call(Stage.FEATURES, () -> features(counting, d)).transform(features -> {
            trace.featuresDone = System.nanoTime();
            if (features.failed()) {
                // possibly counted on one key and not the other: the retry counts again, deduped by transaction id
                return release(
                        request,
                        claim,
                        claim.counted(),
                        d,
                        degraded(request, null, DecisionPolicy.FEATURES_UNAVAILABLE, features.cause(), trace));
            }
            return breakers.call(Stage.SCORING, () -> score(features.result(), d))
                    .transform(score -> {
                        trace.scoringDone = System.nanoTime();
                        scoring.release();
                        if (score.succeeded()) {
                            Decision decision = policy.scored(
                                    request.transaction(),
                                    score.result(),
                                    features.result().values(),
                                    trace.timings(),
                                    Instant.now());
                            return remember(request, claim, event(request, features.result(), decision), d);
                        }
                        if (ApiError.of(score.cause()).failure() == Failure.OVERLOADED) {
                            return release(request, claim, true, d, null)
                                    .compose(v -> Future.failedFuture(score.cause()));
                        }
                        return release(
                                request,
                                claim,
                                true,
                                d,
                                degraded(
                                        request,
                                        features.result().values(),
                                        DecisionPolicy.SCORING_UNAVAILABLE,
                                        score.cause(),
                                        trace));
                    });
        });
    }

    private Future<FeatureVector> features(ScoreRequest request, StageDeadlines d) {
        return vertx.eventBus()
                .<FeatureVector>request(
                        routes.route(Addresses.FEATURES_UPDATE), request, deliveryWithin(d.featuresMs()))
                .map(Message::body);
    }

    private Future<ScoreResult> score(FeatureVector features, StageDeadlines d) {
        return vertx.eventBus()
                .<ScoreResult>request(Addresses.SCORING_SCORE, features, deliveryWithin(d.scoringMs()))
                .map(Message::body);
    }

    /**
     * Stores the decision under its transaction id so that retries get it back. A failure here is logged for an
     * authorize-check (its caller is answered); a stream record is retried instead of publishing a decision a
     * redelivery could not find.
     */
    private Future<DecisionEvent> remember(
            ScoreRequest request, ClaimResult.Fresh claim, DecisionEvent event, StageDeadlines d) {
        String id = request.scopedId();
        return breakers.call(
                        Stage.IDEMPOTENCY,
                        () -> idempotency.remember(
                                id, request.fingerprint(), claim.claimedAtMillis(), event.decision(), d.rememberMs()))
                .transform(ar -> {
                    if (ar.failed() && request.source() == Source.KAFKA) {
                        // a stream record whose decision is not remembered would be decided again, differently, if
                        // it were redelivered: it is not published; retried, it takes over its claim once stale
                        return Future.failedFuture(Failure.UNAVAILABLE.exception("decision of " + id
                                + " not stored for redeliveries: " + ar.cause().getMessage()));
                    }
                    if (ar.failed()) {
                        LOG.warn(
                                "could not store decision of {} for idempotent retries: {}",
                                id,
                                ar.cause().toString());
                    }
                    return Future.succeededFuture(event);
                });
    }

    /**
     * The decision is not kept (degraded, or the node overloaded): the claim becomes a release, so that a retry is
     * decided afresh at once, knowing whether the velocity state counted the transaction already. A failure here
     * is logged: the claim then goes stale and is taken over.
     */
    private Future<DecisionEvent> release(
            ScoreRequest request, ClaimResult.Fresh claim, boolean counted, StageDeadlines d, DecisionEvent event) {
        String id = request.scopedId();
        return breakers.call(
                        Stage.IDEMPOTENCY,
                        () -> idempotency.release(
                                id, request.fingerprint(), claim.claimedAtMillis(), counted, d.claimMs()))
                .transform(ar -> {
                    if (ar.failed()) {
                        LOG.warn(
                                "could not release the claim of {}: {}",
                                id,
                                ar.cause().toString());
                    }
                    return Future.succeededFuture(event);
                });
    }

    /** Counts the decision, raises its alert, and writes its audit row: nothing is answered before that. */
    private Future<DecisionEvent> publish(DecisionEvent event) {
        if (event.decision().degraded() && event.source() == Source.KAFKA) {
            // no caller waits for a stream record: it is retried until scored (its claim is released already), so
            // that "decisions" never carries a fallback answer and a scored one for the same transaction
            return Future.failedFuture(Failure.UNAVAILABLE.exception(
                    "a stage failed (" + event.decision().degradedReason() + "); the record is retried"));
        }
        meters.record(event.decision());
        if (event.decision().outcome().alerts()) {
            vertx.eventBus().send(Addresses.ALERTS_RAISE, event, LOCAL);
        }
        return audited(event);
    }

    /**
     * Completes once the event's audit row is in the node's decision log (durable as {@code audit.durability}
     * says); fails with 503 when it cannot be, and the caller's retry gets the same decision back, written again.
     */
    private Future<DecisionEvent> audited(DecisionEvent event) {
        // the deadline is a timer on this event loop: Future.timeout on the log's context-free future would
        // schedule it on Netty's global executor, another thread woken (and often started) for every decision
        Promise<DecisionEvent> audited = Promise.promise();
        long timer = vertx.setTimer(
                auditAckTimeoutMs,
                id -> audited.tryFail(Failure.UNAVAILABLE.exception(
                        "audit row not durable: not written within " + auditAckTimeoutMs + " ms")));
        log.append(AuditRows.row(event)).onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                audited.tryComplete(event);
            } else {
                Throwable e = ar.cause();
                audited.tryFail(
                        ApiError.of(e).failure() == Failure.UNAVAILABLE
                                ? e
                                : Failure.UNAVAILABLE.exception("audit row not durable: " + e.getMessage()));
            }
        });
        return audited.future();
    }

    private DecisionEvent event(ScoreRequest request, FeatureVector features, Decision decision) {
        return new DecisionEvent(
                request.transaction(), request.source(), features.values(), decision, false, request.origin());
    }

    private DecisionEvent degraded(ScoreRequest request, float[] features, String why, Throwable cause, Trace trace) {
        LOG.debug("degraded decision for {}: {} ({})", request.transaction().transactionId(), why, cause.toString());
        meters.degraded(why);
        Decision d = policy.degraded(
                request.transaction(), why, models.champion().thresholds(), trace.timings(), Instant.now());
        return new DecisionEvent(request.transaction(), request.source(), features, d, false, request.origin());
    }

    private static DeliveryOptions deliveryWithin(long ms) {
        return new DeliveryOptions().setSendTimeout(ms).setLocalOnly(true);
    }

    /** Stage boundaries of one decision, in System.nanoTime(). */
    private static final class Trace {
        final long received;
        long claimed;
        long featuresDone;
        long scoringDone;

        Trace(long received) {
            this.received = received;
        }

        StageTimings timings() {
            long now = System.nanoTime();
            long c = claimed == 0 ? now : claimed;
            long f = featuresDone == 0 ? c : featuresDone;
            long s = scoringDone == 0 ? f : scoringDone;
            return new StageTimings((c - received) / 1000, (f - c) / 1000, (s - f) / 1000, (now - received) / 1000);
        }
    }
}
