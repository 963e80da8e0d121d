package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.node.support.Await;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.Kafka;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import org.junit.jupiter.api.io.TempDir;

/** Fraud labels flowing back (HTTP and Kafka), and the model lifecycle without downtime, on a real node. */
class LabelsAndModelsIT {
    private static final Path SERVED = Path.of("../models/fraud-model.json");
    private static RunningNode it;
    private static Http admin;

    @BeforeAll
    static void start() throws Exception {
        // the swap test sends 600 requests at once: TestNode's fixed admission limit takes them all
        it = RunningNode.start("labels_it", c -> c.getJsonObject("labels").put("retryIntervalMs", 200));
        admin = new Http(it.node().adminPort(), it.node().config().security().keysDir());
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
    }

    private static JsonObject tx(String id, String card, String terminal, Instant at) {
        return Http.tx(id, card, terminal, 25)
                .put("timestamp", at.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static JsonObject label(String id, boolean fraud) throws Exception {
        HttpResponse<String> r = it.http()
                .post(
                        "/v1/labels",
                        "application/json",
                        new JsonObject()
                                .put("transactionId", id)
                                .put("fraud", fraud)
                                .put("source", "chargeback")
                                .encode());
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    private static double feature(String transactionId, String name) throws Exception {
        it.db()
                .awaitCount(
                        1,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = ?",
                        transactionId);
        return ((Number) it.db()
                        .query(
                                "SELECT (features->>?)::float8 AS v FROM analyst.decisions WHERE transaction_id = ?",
                                name,
                                transactionId)
                        .get(0)
                        .get("v"))
                .doubleValue();
    }

    @Test
    void labelsAreStoredOnceAndRaiseTheTerminalRiskOfLaterTransactions() throws Exception {
        Instant t0 = Instant.now().minus(20, ChronoUnit.DAYS);
        assertEquals(
                200,
                it.http()
                        .replaying()
                        .authorize(tx("lab-a", "card_la", "term_la", t0))
                        .statusCode());
        it.db()
                .awaitCount(
                        1,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'lab-a'");

        assertEquals(1, label("lab-a", true).getInteger("change"), "a new fraud verdict counts once");
        assertEquals(0, label("lab-a", true).getInteger("change"), "the same verdict again changes nothing");
        Map<String, Object> row = it.db()
                .query("SELECT fraud, source, card_id, terminal_id FROM audit.labels WHERE transaction_id = 'lab-a'")
                .get(0);
        assertEquals(true, row.get("fraud"));
        assertEquals("chargeback", row.get("source"));
        assertEquals("term_la", row.get("terminal_id"), "facts taken from the audit trail");

        // eight days later the terminal's delayed 7-day window holds lab-a, now known fraud
        it.http().replaying().authorize(tx("lab-b", "card_lb", "term_la", t0.plus(8, ChronoUnit.DAYS)));
        assertEquals(1.0, feature("lab-b", "terminal_frauds_7d"));
        assertEquals(1.0, feature("lab-b", "terminal_risk_7d"));
        assertEquals(1.0, feature("lab-b", "terminal_all_fraud_days"));

        // the verdict is withdrawn: the next transaction sees no fraud there
        assertEquals(-1, label("lab-a", false).getInteger("change"));
        it.http()
                .replaying()
                .authorize(tx(
                        "lab-c",
                        "card_lc",
                        "term_la",
                        t0.plus(8, ChronoUnit.DAYS).plusSeconds(60)));
        assertEquals(0.0, feature("lab-c", "terminal_frauds_7d"));
    }

    @Test
    void everyChangeOfVerdictIsKeptInAnAppendOnlyHistory() throws Exception {
        Instant t0 = Instant.now().minus(15, ChronoUnit.DAYS);
        assertEquals(
                200,
                it.http()
                        .replaying()
                        .authorize(tx("hist-a", "card_ha", "term_ha", t0))
                        .statusCode());
        it.db()
                .awaitCount(
                        1,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'hist-a'");
        label("hist-a", true);
        label("hist-a", true); // the same verdict again: no change, no history row
        label("hist-a", false);
        List<Map<String, Object>> history = it.db()
                .query(
                        "SELECT fraud, previous, source FROM audit.label_history WHERE transaction_id = 'hist-a' ORDER BY id");
        assertEquals(2, history.size(), history.toString());
        assertEquals(true, history.get(0).get("fraud"));
        assertNull(history.get(0).get("previous"));
        assertEquals(false, history.get(1).get("fraud"));
        assertEquals(true, history.get(1).get("previous"));
        assertEquals("chargeback", history.get(1).get("source"));
        assertThrows(
                java.sql.SQLException.class,
                () -> it.db().execute("UPDATE audit.label_history SET fraud = true WHERE transaction_id = 'hist-a'"));
        assertThrows(
                java.sql.SQLException.class,
                () -> it.db().execute("DELETE FROM audit.label_history WHERE transaction_id = 'hist-a'"));
        assertEquals(0, it.db().count("SELECT count(*) FROM audit.label_outbox"), "both changes applied");
    }

    @Test
    void aChangeLeftInTheOutboxIsAppliedOnceHoweverOftenItIsRetried() throws Exception {
        Instant t0 = Instant.now().minus(20, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        // what a node killed between storing a verdict and applying it leaves: the history and outbox rows only
        long id = ((Number) it.db()
                        .query("INSERT INTO audit.label_history (transaction_id, fraud, previous, source, card_id,"
                                + " terminal_id, event_time) VALUES ('ob-a', true, NULL, 'chargeback', 'card_ob',"
                                + " 'term_ob', '" + t0 + "'::timestamptz) RETURNING id")
                        .get(0)
                        .get("id"))
                .longValue();
        String pending =
                "INSERT INTO audit.label_outbox (history_id, delta, next_attempt_at) VALUES (" + id + ", 1, now())";
        it.db().execute(pending);
        assertTrue(
                Await.until(
                        () -> it.db().count("SELECT count(*) FROM audit.label_outbox WHERE history_id = " + id) == 0,
                        Duration.ofSeconds(30),
                        50),
                "the outbox poller applied the change");
        it.http().replaying().authorize(tx("ob-b", "card_ob2", "term_ob", t0.plus(8, ChronoUnit.DAYS)));
        assertEquals(1.0, feature("ob-b", "terminal_frauds_7d"), "applied by the outbox poller");
        // the same change retried (a node died after applying it, before removing its outbox row): applied once
        it.db().execute(pending);
        assertTrue(
                Await.until(
                        () -> it.db().count("SELECT count(*) FROM audit.label_outbox WHERE history_id = " + id) == 0,
                        Duration.ofSeconds(30),
                        50),
                "the outbox poller applied the change");
        it.http()
                .replaying()
                .authorize(tx(
                        "ob-c",
                        "card_ob3",
                        "term_ob",
                        t0.plus(8, ChronoUnit.DAYS).plusSeconds(60)));
        assertEquals(1.0, feature("ob-c", "terminal_frauds_7d"), "still one fraud: the change counted once");
    }

    @Test
    void badLabelsAreRefusedWithFieldAndRule() throws Exception {
        HttpResponse<String> noVerdict =
                it.http().post("/v1/labels", "application/json", "{\"transactionId\":\"x-1\"}");
        assertEquals(400, noVerdict.statusCode());
        assertEquals("fraud", new JsonObject(noVerdict.body()).getString("field"));
        HttpResponse<String> stringVerdict =
                it.http().post("/v1/labels", "application/json", "{\"transactionId\":\"x-1\",\"fraud\":\"yes\"}");
        assertEquals("type_boolean", new JsonObject(stringVerdict.body()).getString("rule"));
        HttpResponse<String> partial = it.http()
                .post("/v1/labels", "application/json", "{\"transactionId\":\"x-1\",\"fraud\":true,\"cardId\":\"c\"}");
        assertEquals("required_with", new JsonObject(partial.body()).getString("rule"));
        HttpResponse<String> unknown =
                it.http().post("/v1/labels", "application/json", "{\"transactionId\":\"never-seen\",\"fraud\":true}");
        assertEquals(404, unknown.statusCode());
        assertEquals("unknown_transaction", new JsonObject(unknown.body()).getString("rule"));
    }

    @Test
    void labelsOnTheKafkaTopicAreStoredToo() throws Exception {
        try (Kafka kafka = new Kafka()) {
            kafka.send(
                    it.node().config().kafka().topics().labels(),
                    "card_k",
                    new JsonObject()
                            .put("transactionId", "klab-1")
                            .put("fraud", true)
                            .put("source", "analyst")
                            .put("cardId", "card_k")
                            .put("terminalId", "term_k")
                            .put("timestamp", "2026-11-01T10:00:00Z")
                            .encode());
        }
        assertEquals(
                1,
                it.db()
                        .awaitCount(
                                1,
                                Duration.ofSeconds(30),
                                "SELECT count(*) FROM audit.labels WHERE transaction_id = 'klab-1' AND fraud"));
    }

    /** A copy of the served model under another version name (same trees, its own metadata). */
    private static Path variant(Path dir, String version) throws Exception {
        Files.copy(SERVED.resolveSibling("fraud-model.ubj"), dir.resolve("fraud-model.ubj"));
        JsonObject meta = new JsonObject(Files.readString(SERVED)).put("version", version);
        Files.writeString(dir.resolve("fraud-model.json"), meta.encode());
        return dir.resolve("fraud-model.json");
    }

    /** The served model file's SHA-256 (the variants share its trees). */
    private static String sha() throws Exception {
        return new JsonObject(Files.readString(SERVED)).getString("modelSha256");
    }

    private static String servedVersion() throws Exception {
        return new JsonObject(admin.get("/admin/models").body())
                .getJsonObject("champion")
                .getString("modelVersion");
    }

    @Test
    void newChampionIsSwappedInUnderLoadWithoutFailingARequest(@TempDir Path dir) throws Exception {
        String before = servedVersion();
        Path v2 = variant(dir, "xgb-test-v2");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        CompletableFuture<HttpResponse<String>> swap = null;
        for (int i = 0; i < 600; i++) {
            calls.add(it.http()
                    .postAsync(
                            "/v1/authorize-check",
                            "application/json",
                            Http.tx("swap-" + i, "card_s" + (i % 40), "term_s", 12)
                                    .encode()));
            if (i == 200) {
                swap = admin.postAsync(
                        "/admin/models/champion",
                        "application/json",
                        new JsonObject()
                                .put("path", v2.toString())
                                .put("sha256", sha())
                                .encode());
            }
        }
        Set<String> versions = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            HttpResponse<String> r = c.get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            versions.add(new JsonObject(r.body()).getString("modelVersion"));
        }
        assertEquals(200, swap.get(60, TimeUnit.SECONDS).statusCode());
        assertEquals("xgb-test-v2", servedVersion());
        JsonObject after = new JsonObject(it.http()
                .authorize(Http.tx("swap-after", "card_s0", "term_s", 12))
                .body());
        assertEquals("xgb-test-v2", after.getString("modelVersion"));
        assertTrue(versions.stream().allMatch(v -> v.equals(before) || v.equals("xgb-test-v2")), versions.toString());
        // every decision records the version that made it
        it.db()
                .awaitCount(
                        601,
                        Duration.ofSeconds(30),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'swap-%'");
        assertEquals(
                0,
                it.db()
                        .count(
                                "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'swap-%' AND model_version IS NULL"));
        // back to the configured model
        assertEquals(
                200,
                admin.post("/admin/models/champion", "application/json", "{}").statusCode());
    }

    @Test
    void corruptOrMismatchedModelIsRefusedWhileTheOldOneServes(@TempDir Path dir) throws Exception {
        String before = servedVersion();
        Path bad = variant(dir, "xgb-corrupt");
        byte[] bytes = Files.readAllBytes(dir.resolve("fraud-model.ubj"));
        bytes[bytes.length / 3] ^= 0x33;
        Files.write(dir.resolve("fraud-model.ubj"), bytes);
        HttpResponse<String> r = admin.post(
                "/admin/models/champion",
                "application/json",
                new JsonObject()
                        .put("path", bad.toString())
                        .put("sha256", sha())
                        .encode());
        assertEquals(422, r.statusCode());
        JsonObject e = new JsonObject(r.body());
        assertEquals("model_refused", e.getString("rule"));
        assertTrue(e.getString("error").contains("corrupt or mismatched"), e.getString("error"));

        JsonObject meta = new JsonObject(Files.readString(SERVED));
        meta.getJsonArray("features").remove(0);
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.copy(SERVED.resolveSibling("fraud-model.ubj"), other.resolve("fraud-model.ubj"));
        Files.writeString(other.resolve("fraud-model.json"), meta.encode());
        HttpResponse<String> mismatch = admin.post(
                "/admin/models/champion",
                "application/json",
                new JsonObject()
                        .put("path", other.resolve("fraud-model.json").toString())
                        .put("sha256", sha())
                        .encode());
        assertEquals(422, mismatch.statusCode());
        assertTrue(new JsonObject(mismatch.body()).getString("error").contains("expects features"));

        assertEquals(before, servedVersion());
        HttpResponse<String> still = it.http().replaying().authorize(Http.tx("after-refusal", "card_r", "term_r", 9));
        assertEquals(200, still.statusCode());
        assertEquals(before, new JsonObject(still.body()).getString("modelVersion"));
    }

    @Test
    void challengerScoresInShadowAndIsAuditedWithoutDeciding(@TempDir Path dir) throws Exception {
        Path challenger = variant(dir, "xgb-challenger");
        assertEquals(
                200,
                admin.post(
                                "/admin/models/challenger",
                                "application/json",
                                new JsonObject()
                                        .put("path", challenger.toString())
                                        .put("sha256", sha())
                                        .encode())
                        .statusCode());
        try {
            JsonObject d = new JsonObject(it.http()
                    .authorize(Http.tx("shadow-1", "card_sh", "term_sh", 640))
                    .body());
            assertNotEquals("xgb-challenger", d.getString("modelVersion"), "the champion decides");
            it.db()
                    .awaitCount(
                            1,
                            Duration.ofSeconds(20),
                            "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'shadow-1'");
            Map<String, Object> row = it.db()
                    .query("SELECT model_version, score, challenger_version, challenger_score "
                            + "FROM audit.decisions WHERE transaction_id = 'shadow-1'")
                    .get(0);
            assertEquals("xgb-challenger", row.get("challenger_version"));
            assertNotNull(row.get("challenger_score"));
            // same trees: the shadow score equals the champion's
            assertEquals(
                    ((Number) row.get("score")).doubleValue(),
                    ((Number) row.get("challenger_score")).doubleValue(),
                    1e-6);
        } finally {
            assertEquals(200, admin.delete("/admin/models/challenger").statusCode());
        }
        assertNull(new JsonObject(admin.get("/admin/models").body()).getValue("challenger"));
    }
}
