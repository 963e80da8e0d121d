package dev.fraudscore.node.scoring;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.domain.ScoreResult;
import dev.fraudscore.features.Feature;
import dev.fraudscore.model.FraudModel;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.Codecs;
import dev.fraudscore.node.bus.FeatureVector;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.decision.FallbackPolicy;
import dev.fraudscore.node.failure.ApiError;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.support.BlockedThreadWatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scoring verticle alone on a Vert.x instance, with the real model: rows queued while the worker pool is
 * busy go to XGBoost together, rows with a caller waiting go before stream rows, and a full queue refuses at
 * once as overload. Scores equal what the model gives the same rows directly.
 */
@ExtendWith(VertxExtension.class)
class ScoringVerticleTest {
    private static final Path MODEL = Path.of("../models/fraud-model.json");
    private static final DeliveryOptions WAIT = new DeliveryOptions().setSendTimeout(30_000);
    private static ModelHolder models;

    @BeforeAll
    static void load() throws Exception {
        NodeConfig.Decision decision = new NodeConfig.Decision(
                0, -1, -1, new FallbackPolicy(FallbackPolicy.parse(List.of("APPROVE")), Map.of()), 30_000, 200, 0.5);
        models = new ModelHolder(decision, ModelHolder.load(MODEL, decision));
    }

    @AfterAll
    static void close() {
        models.close();
        assertEquals(List.of(), BlockedThreadWatch.warnings(), "an event loop was blocked");
    }

    private static NodeConfig.Scoring scoring(int pool, int batchMaxSize, int queueMaxSize) {
        return new NodeConfig.Scoring(
                1, MODEL, MODEL.getParent(), null, pool, batchMaxSize, 0, queueMaxSize, 30_000, 3, 0, 60_000);
    }

    private static Future<String> deploy(Vertx vertx, NodeConfig.Scoring config) {
        Codecs.register(vertx);
        return vertx.deployVerticle(new ScoringVerticle(config, models, new SimpleMeterRegistry()));
    }

    private static float[] row(SplittableRandom random) {
        float[] r = new float[Feature.COUNT];
        for (int i = 0; i < r.length; i++) {
            r[i] = random.nextInt(10) == 0 ? Float.NaN : (float) random.nextDouble(0, 500);
        }
        return r;
    }

    /** Keeps the pool's only worker busy for a while: every row sent meanwhile arrives while it is. */
    private static void holdTheWorker(Vertx vertx) {
        WorkerExecutor busy = vertx.createSharedWorkerExecutor(ScoringVerticle.POOL_NAME, 1);
        busy.executeBlocking(() -> {
            Thread.sleep(300);
            return null;
        });
    }

    @Test
    void rowsQueuedWhileThePoolIsBusyAreScoredTogetherWithTheModelsOwnScores(Vertx vertx, VertxTestContext test)
            throws Throwable {
        SplittableRandom random = new SplittableRandom(7);
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(row(random));
        }
        List<FraudModel.Scored> direct = models.champion().model().score(rows, 3);
        deploy(vertx, scoring(1, 64, 1000))
                .compose(id -> {
                    List<Future<Message<ScoreResult>>> replies = new ArrayList<>();
                    for (float[] r : rows) {
                        replies.add(
                                vertx.eventBus().request(Addresses.SCORING_SCORE, new FeatureVector(r, true), WAIT));
                    }
                    return Future.all(replies).map(all -> replies);
                })
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    int largest = 0;
                    for (int i = 0; i < rows.size(); i++) {
                        ScoreResult s = replies.get(i).result().body();
                        assertEquals(direct.get(i).score(), s.score(), 1e-6, "row " + i);
                        assertEquals(direct.get(i).reasons(), s.reasons(), "row " + i);
                        assertEquals(models.champion().version(), s.modelVersion());
                        largest = Math.max(largest, s.batchSize());
                    }
                    assertTrue(largest > 1, "200 rows on one worker formed batches; largest " + largest);
                    assertTrue(largest <= 64, "no batch above scoring.batchMaxSize: " + largest);
                    test.completeNow();
                })));
        assertTrue(test.awaitCompletion(60, TimeUnit.SECONDS));
    }

    @Test
    void aRowWithACallerWaitingIsScoredBeforeStreamRowsQueuedEarlier(Vertx vertx, VertxTestContext test)
            throws Throwable {
        SplittableRandom random = new SplittableRandom(11);
        List<String> order = new CopyOnWriteArrayList<>();
        deploy(vertx, scoring(1, 1, 100))
                .compose(id -> {
                    holdTheWorker(vertx);
                    List<Future<?>> replies = new ArrayList<>();
                    // the first stream row is handed to the pool; ten more wait in the queue; then an interactive one
                    for (int i = 0; i < 11; i++) {
                        String name = "stream-" + i;
                        replies.add(vertx.eventBus()
                                .request(Addresses.SCORING_SCORE, new FeatureVector(row(random), false), WAIT)
                                .onSuccess(m -> order.add(name)));
                    }
                    replies.add(vertx.eventBus()
                            .request(Addresses.SCORING_SCORE, new FeatureVector(row(random), true), WAIT)
                            .onSuccess(m -> order.add("interactive")));
                    return Future.all(replies);
                })
                .onComplete(test.succeeding(all -> test.verify(() -> {
                    assertEquals(12, order.size());
                    assertEquals("stream-0", order.get(0), "handed to the pool before the others arrived");
                    assertEquals("interactive", order.get(1), "next, ahead of the ten queued stream rows: " + order);
                    test.completeNow();
                })));
        assertTrue(test.awaitCompletion(60, TimeUnit.SECONDS));
    }

    @Test
    void aFullQueueRefusesAtOnceAsOverload(Vertx vertx, VertxTestContext test) throws Throwable {
        SplittableRandom random = new SplittableRandom(13);
        deploy(vertx, scoring(1, 1, 1))
                .compose(id -> {
                    holdTheWorker(vertx);
                    // one handed to the pool, one queued (the queue holds one), the third refused
                    Future<Message<Object>> first = vertx.eventBus()
                            .request(Addresses.SCORING_SCORE, new FeatureVector(row(random), true), WAIT);
                    Future<Message<Object>> second = vertx.eventBus()
                            .request(Addresses.SCORING_SCORE, new FeatureVector(row(random), true), WAIT);
                    Future<Message<Object>> third = vertx.eventBus()
                            .request(Addresses.SCORING_SCORE, new FeatureVector(row(random), true), WAIT);
                    return Future.join(first, second, third)
                            .transform(ar -> Future.succeededFuture(List.of(first, second, third)));
                })
                .onComplete(test.succeeding(calls -> test.verify(() -> {
                    assertTrue(calls.get(0).succeeded());
                    assertTrue(calls.get(1).succeeded());
                    assertTrue(calls.get(2).failed());
                    ApiError refused = ApiError.of(calls.get(2).cause());
                    assertEquals(Failure.OVERLOADED, refused.failure());
                    assertEquals(503, refused.status());
                    assertTrue(refused.retryable());
                    test.completeNow();
                })));
        assertTrue(test.awaitCompletion(60, TimeUnit.SECONDS));
    }
}
