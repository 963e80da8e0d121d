package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.bench.PrometheusText;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * POST /v1/authorize-check on a real node: real Hazelcast velocity state, the real XGBoost model on its
 * worker pool, real PostgreSQL audit, a real Kafka broker.
 */
class AuthorizeCheckIT {
    private static RunningNode it;

    @BeforeAll
    static void start() throws Exception {
        it = RunningNode.start("http_it", c -> {});
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
    }

    private static JsonObject body(HttpResponse<String> r) {
        return new JsonObject(r.body());
    }

    private static double cardCount1h(String transactionId) throws Exception {
        it.db()
                .awaitCount(
                        1,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = ?",
                        transactionId);
        List<Map<String, Object>> rows = it.db()
                .query(
                        "SELECT (features->>'card_count_1h')::float8 AS c FROM analyst.decisions WHERE transaction_id = ?",
                        transactionId);
        assertEquals(1, rows.size(), "one audit row for " + transactionId);
        return ((Number) rows.get(0).get("c")).doubleValue();
    }

    @Test
    void decisionIsAnsweredWithScoreReasonsAndModelAndIsAudited() throws Exception {
        HttpResponse<String> r = it.http()
                .authorize(Http.tx("http-1", "card_a", "term_a", 42.5)
                        .put("mcc", "5411")
                        .put("channel", "ecom"));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject d = body(r);
        assertEquals("http-1", d.getString("transactionId"));
        assertTrue(List.of("APPROVE", "REVIEW", "DECLINE").contains(d.getString("decision")));
        double score = d.getDouble("score");
        assertTrue(score >= 0 && score <= 1, "score " + score);
        assertFalse(d.getJsonArray("reasons").isEmpty());
        assertTrue(d.getJsonArray("reasons").size() <= 3);
        assertNotNull(d.getJsonArray("reasons").getJsonObject(0).getString("code"));
        assertTrue(d.getString("modelVersion").startsWith("xgb-"));
        assertEquals(0.5, d.getJsonObject("thresholds").getDouble("review"));
        assertFalse(d.getBoolean("degraded"));
        assertTrue(d.getDouble("tookMs") > 0);

        assertEquals(
                1,
                it.db()
                        .awaitCount(
                                1,
                                Duration.ofSeconds(20),
                                "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'http-1'"));
        Map<String, Object> row = it.db()
                .query("SELECT * FROM audit.decisions WHERE transaction_id = 'http-1'")
                .get(0);
        assertEquals("card_a", row.get("card_id"));
        assertEquals("HTTP", row.get("source"));
        assertEquals(d.getString("decision"), row.get("decision"));
        assertEquals(d.getString("modelVersion"), row.get("model_version"));
        assertEquals("5411", row.get("mcc"));
        assertEquals("ECOM", row.get("channel"));
        assertEquals(it.node().config().nodeId(), row.get("node_id"));
        assertEquals(score, ((Number) row.get("score")).doubleValue(), 1e-5);
        assertTrue(((Number) row.get("total_us")).longValue() > 0);
        // stored as an array in the order of the build's feature list; analysts read them by name
        assertEquals(dev.fraudscore.features.Feature.setKey(), row.get("feature_set"));
        Object byName = it.db()
                .query("SELECT features FROM analyst.decisions WHERE transaction_id = 'http-1'")
                .get(0)
                .get("features");
        assertTrue(byName.toString().contains("\"card_count_30d\": 1"), byName.toString());
    }

    @Test
    void retriedTransactionReturnsSameDecisionAndIsCountedOnce() throws Exception {
        JsonObject tx = Http.tx("retry-1", "card_retry", "term_r", 19.99);
        JsonObject first = body(it.http().authorize(tx));
        HttpResponse<String> again = it.http().authorize(tx);
        assertEquals(200, again.statusCode());
        assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
        JsonObject second = body(again);
        for (String field : List.of("decision", "score", "reasons", "modelVersion", "decidedAt")) {
            assertEquals(first.getValue(field), second.getValue(field), field);
        }
        // the next transaction of this card sees exactly two: the retried one once, and itself
        it.http().authorize(Http.tx("retry-2", "card_retry", "term_r", 5.0));
        assertEquals(2.0, cardCount1h("retry-2"));
        assertEquals(1, it.db().count("SELECT count(*) FROM audit.decisions WHERE transaction_id = 'retry-1'"));
    }

    @Test
    void differentPayloadUnderUsedTransactionIdIsConflict() throws Exception {
        it.http().authorize(Http.tx("conflict-1", "card_c", "term_c", 10));
        HttpResponse<String> r = it.http().authorize(Http.tx("conflict-1", "card_c", "term_c", 11));
        assertEquals(409, r.statusCode());
        assertEquals("transactionId", body(r).getString("field"));
        assertEquals("idempotency_conflict", body(r).getString("rule"));
    }

    @Test
    void twoHundredConcurrentRequestsOnOneCardAreCountedExactly() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(it.http()
                    .postAsync(
                            "/v1/authorize-check",
                            "application/json",
                            Http.tx("burst-" + i, "card_burst", "term_b" + (i % 7), 10 + i % 50)
                                    .encode()));
        }
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            assertEquals(200, c.get(60, TimeUnit.SECONDS).statusCode());
        }
        assertEquals(
                200,
                it.db()
                        .awaitCount(
                                200,
                                Duration.ofSeconds(30),
                                "SELECT count(*) FROM audit.decisions WHERE card_id = 'card_burst'"));
        // atomic per key: each of the 200 saw a different count, 1..200, with itself included
        Set<Double> counts = new HashSet<>();
        for (Map<String, Object> row : it.db()
                .query(
                        "SELECT (features->>'card_count_1h')::float8 AS c FROM analyst.decisions WHERE card_id = 'card_burst'")) {
            counts.add(((Number) row.get("c")).doubleValue());
        }
        assertEquals(200, counts.size());
        assertEquals(1.0, counts.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
        assertEquals(
                200.0, counts.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        it.http().authorize(Http.tx("burst-after", "card_burst", "term_b0", 10));
        assertEquals(201.0, cardCount1h("burst-after"));
        // 200 requests at once on a pool of 2: rows queued while the pool was busy went to XGBoost together
        double largestBatch = PrometheusText.parse(it.ops().get("/metrics").body())
                .max("fraud_scoring_batch_size_rows_max")
                .orElseThrow(() -> new AssertionError("fraud_scoring_batch_size_rows_max not exported"));
        assertTrue(largestBatch >= 2, "micro-batches formed under load; largest was " + largestBatch);
    }

    @Test
    void concurrentRetriesOfOneTransactionAreCountedOnce() throws Exception {
        String payload = Http.tx("dup-1", "card_dup", "term_d", 77).encode();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(it.http().postAsync("/v1/authorize-check", "application/json", payload));
        }
        Set<String> decisions = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            HttpResponse<String> r = c.get(30, TimeUnit.SECONDS);
            if (r.statusCode() == 200) {
                decisions.add(body(r).getString("decidedAt"));
            } else {
                assertEquals(409, r.statusCode(), r.body());
                assertEquals("in_progress", body(r).getString("rule"));
            }
        }
        assertEquals(1, decisions.size(), "every 200 carries the one decision");
        it.http().authorize(Http.tx("dup-2", "card_dup", "term_d", 1));
        assertEquals(2.0, cardCount1h("dup-2"));
    }

    @Test
    void badInputIsRefusedWithFieldAndRuleAndNothingIsCounted() throws Exception {
        record Case(String contentType, String body, int status, String field, String rule) {}
        JsonObject ok = Http.tx("bad-x", "card_bad", "term_x", 10);
        List<Case> cases = List.of(
                new Case("application/json", "{nope", 400, "body", "malformed_json"),
                new Case("application/json", "[1]", 400, "body", "json_object"),
                new Case("text/plain", ok.encode(), 415, "Content-Type", "media_type"),
                new Case("application/json", "{\"pad\":\"" + "x".repeat(20_000) + "\"}", 413, "body", "max_size"),
                new Case("application/json", ok.copy().put("amount", -3).encode(), 400, "amount", "non_negative"),
                new Case("application/json", ok.copy().put("amount", 1e12).encode(), 400, "amount", "max"),
                new Case("application/json", ok.copy().put("amount", "10").encode(), 400, "amount", "type_number"),
                new Case("application/json", ok.copy().put("currency", "euro").encode(), 400, "currency", "iso4217"),
                new Case(
                        "application/json",
                        ok.copy().put("timestamp", "21/11/2026").encode(),
                        400,
                        "timestamp",
                        "iso8601"),
                new Case(
                        "application/json",
                        ok.copy().put("cardId", "5555555555554444").encode(),
                        400,
                        "cardId",
                        "not_a_pan"),
                new Case("application/json", ok.copy().putNull("terminalId").encode(), 400, "terminalId", "required"));
        for (Case c : cases) {
            HttpResponse<String> r = it.http().post("/v1/authorize-check", c.contentType(), c.body());
            assertEquals(c.status(), r.statusCode(), c + " -> " + r.body());
            JsonObject e = body(r);
            assertEquals(c.field(), e.getString("field"), r.body());
            assertEquals(c.rule(), e.getString("rule"), r.body());
            assertNotNull(e.getString("error"));
        }
        // the node is still healthy and nothing above was counted
        it.http().authorize(Http.tx("bad-after", "card_bad", "term_x", 10));
        assertEquals(1.0, cardCount1h("bad-after"));
    }

    @Test
    void metricsAreExposedForPrometheus() throws Exception {
        HttpResponse<String> r = it.ops().get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("vertx_http_server_requests_total"), "Vert.x HTTP metrics present");
        assertTrue(r.body().contains("jvm_memory_used_bytes"), "JVM metrics present");
    }
}
