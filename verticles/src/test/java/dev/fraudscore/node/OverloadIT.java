package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Overload is never a decision: what the node cannot serve is refused with 503 and remembered nowhere. */
class OverloadIT {
    private static RunningNode it;

    @BeforeAll
    static void start() throws Exception {
        // one XGBoost worker, one row per call, one row of queue: a burst overflows the scoring queue
        it = RunningNode.start(
                "overload_it",
                c -> c.getJsonObject("scoring")
                        .put("workerPoolSize", 1)
                        .put("batchMaxSize", 1)
                        .put("queueMaxSize", 1));
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
    }

    @Test
    void aFullScoringQueueAnswers503AndTheRetryIsDecidedAfreshAndCountedOnce() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            calls.add(it.http()
                    .postAsync(
                            "/v1/authorize-check",
                            "application/json",
                            Http.tx("ov-" + i, "card_ov", "term_ov", 10).encode()));
        }
        List<Integer> refused = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            HttpResponse<String> r = calls.get(i).get(60, TimeUnit.SECONDS);
            if (r.statusCode() == 503) {
                JsonObject e = new JsonObject(r.body());
                assertEquals("overloaded", e.getString("rule"), r.body());
                assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
                refused.add(i);
            } else {
                assertEquals(200, r.statusCode(), r.body());
                assertFalse(new JsonObject(r.body()).getBoolean("degraded"), "overload is never a degraded decision");
            }
        }
        assertFalse(refused.isEmpty(), "150 at once against one worker and a queue of one: some are refused");
        // the callers retry with the same transactionIds: each is decided now (not a replay of a stored refusal)
        for (int round = 0; round < 100 && !refused.isEmpty(); round++) {
            List<Integer> still = new ArrayList<>();
            for (int i : refused) {
                HttpResponse<String> r = it.http().authorize(Http.tx("ov-" + i, "card_ov", "term_ov", 10));
                if (r.statusCode() == 200) {
                    assertFalse(new JsonObject(r.body()).getBoolean("replayed", false), r.body());
                    assertFalse(new JsonObject(r.body()).getBoolean("degraded"), r.body());
                } else {
                    assertEquals(503, r.statusCode(), r.body());
                    still.add(i);
                }
            }
            refused = still;
        }
        assertTrue(refused.isEmpty(), "every refused transaction was decided on a retry");
        it.http().authorize(Http.tx("ov-after", "card_ov", "term_ov", 10));
        it.db()
                .awaitCount(
                        151, Duration.ofSeconds(30), "SELECT count(*) FROM audit.decisions WHERE card_id = 'card_ov'");
        assertEquals(
                151.0,
                ((Number) it.db()
                                .query("SELECT (features->>'card_count_1h')::float8 AS c FROM analyst.decisions "
                                        + "WHERE transaction_id = 'ov-after'")
                                .get(0)
                                .get("c"))
                        .doubleValue(),
                "each of the 150 counted once, refused attempts included");
        assertEquals(0, it.db().count("SELECT count(*) FROM audit.decisions WHERE card_id = 'card_ov' AND degraded"));
    }
}
