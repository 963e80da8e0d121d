package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.node.support.Await;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.KeysCommand;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The analysts' API on a real node, PostgreSQL and Hazelcast: search with cursors, a decision's detail, the card
 * view with its live velocity, daily statistics, and the review queue from a REVIEW decision to a resolution whose
 * label the card's next decision carries in its features. Every decision here is REVIEW (thresholds 0 and 1).
 */
class AnalystApiIT {
    private static RunningNode it;
    private static Path keys;
    private static String secondAnalyst;
    private static String readOnlyAnalyst;

    @BeforeAll
    static void start() throws Exception {
        it = RunningNode.start("analyst_it", c -> {});
        keys = it.node().config().security().keysDir();
        String pg = it.node().config().postgres().url();
        secondAnalyst = KeysCommand.create(pg, "ana-2", "analyst,label");
        readOnlyAnalyst = KeysCommand.create(pg, "ana-ro", "analyst");
        for (String key : new String[] {secondAnalyst, readOnlyAnalyst}) {
            assertTrue(
                    Await.until(
                            () -> it.http().getWithKey("/v1/stats/daily", key).statusCode() == 200,
                            Duration.ofSeconds(10),
                            50),
                    "the new keys are loaded");
        }
        HttpResponse<String> t =
                it.ops().post("/admin/thresholds", "application/json", "{\"review\":0.0,\"decline\":1.0}");
        assertEquals(200, t.statusCode(), t.body());
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
    }

    private static JsonObject tx(String id, String card, String terminal, double amount, Instant at) {
        return Http.tx(id, card, terminal, amount)
                .put("timestamp", at.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static void decide(JsonObject tx) throws Exception {
        HttpResponse<String> r = it.http().replaying().authorize(tx);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("REVIEW", new JsonObject(r.body()).getString("decision"));
    }

    private static void audited(String likeId, int rows) throws Exception {
        it.db()
                .awaitCount(
                        rows,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE ?",
                        likeId);
    }

    private static JsonObject get(String path) throws Exception {
        HttpResponse<String> r = it.http().get(path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return new JsonObject(r.body());
    }

    private static JsonObject error(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    @Test
    void searchPagesThroughACardsDecisionsNewestFirstWithoutGapsOrRepeats() throws Exception {
        Instant t0 = Instant.now().minus(2, ChronoUnit.HOURS);
        for (int i = 0; i < 5; i++) {
            decide(tx("srch-" + i, "card_srch", "term_srch", 10 + i, t0.plusSeconds(60L * i)));
        }
        audited("srch-%", 5);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonObject page = get("/v1/decisions?card=card_srch&limit=2"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            for (Object o : page.getJsonArray("items")) {
                JsonObject d = (JsonObject) o;
                seen.add(d.getString("transactionId"));
                assertEquals("card_srch", d.getString("cardId"));
                assertFalse(d.getJsonArray("reasons").isEmpty(), "each result carries its reasons");
            }
            cursor = page.getString("next");
            pages++;
        } while (cursor != null);
        assertEquals(List.of("srch-4", "srch-3", "srch-2", "srch-1", "srch-0"), seen, "newest first, each once");
        assertEquals(3, pages);

        // filters narrow the same search; amount 12 scores between the others' scores only by chance, so the
        // filter is checked against the scores the API itself reported
        JsonObject all = get("/v1/decisions?card=card_srch&limit=10");
        double third = all.getJsonArray("items").getJsonObject(2).getDouble("score");
        for (Object o : get("/v1/decisions?card=card_srch&minScore=" + third).getJsonArray("items")) {
            assertTrue(((JsonObject) o).getDouble("score") >= third - 1e-6);
        }
        String reason = all.getJsonArray("items")
                .getJsonObject(0)
                .getJsonArray("reasons")
                .getJsonObject(0)
                .getString("code");
        JsonArray withReason =
                get("/v1/decisions?card=card_srch&reason=" + reason).getJsonArray("items");
        assertFalse(withReason.isEmpty());
        assertEquals(
                5,
                get("/v1/decisions?terminal=term_srch&outcome=REVIEW")
                        .getJsonArray("items")
                        .size());
        assertEquals(
                0,
                get("/v1/decisions?card=card_srch&outcome=DECLINE")
                        .getJsonArray("items")
                        .size());
        assertEquals(
                0,
                get("/v1/decisions?card=card_srch&degraded=true")
                        .getJsonArray("items")
                        .size());
        String from = URLEncoder.encode(t0.plusSeconds(90).toString(), StandardCharsets.UTF_8);
        String to = URLEncoder.encode(t0.plusSeconds(200).toString(), StandardCharsets.UTF_8);
        assertEquals(
                List.of("srch-3", "srch-2"),
                get("/v1/decisions?from=" + from + "&to=" + to + "&card=card_srch").getJsonArray("items").stream()
                        .map(o -> ((JsonObject) o).getString("transactionId"))
                        .toList());
    }

    @Test
    void aSearchNoIndexServesOrAMalformedParameterIsRefusedNamingTheParameter() throws Exception {
        JsonObject e = error(it.http().get("/v1/decisions?minScore=0.5"), 400);
        assertEquals("indexed_filter", e.getString("rule"));
        e = error(it.http().get("/v1/decisions?card=x&colour=red"), 400);
        assertEquals("colour", e.getString("field"));
        assertEquals("unknown_parameter", e.getString("rule"));
        e = error(it.http().get("/v1/decisions?outcome=MAYBE"), 400);
        assertEquals("outcome", e.getString("field"));
        e = error(it.http().get("/v1/decisions?card=x&from=yesterday"), 400);
        assertEquals("from", e.getString("field"));
        e = error(it.http().get("/v1/decisions?card=x&cursor=bm90LWEtY3Vyc29y"), 400);
        assertEquals("cursor", e.getString("field"));
        e = error(it.http().get("/v1/decisions?card=x&limit=100000"), 400);
        assertEquals("limit", e.getString("field"));
        e = error(it.http().get("/v1/cases/abc"), 400);
        assertEquals("id", e.getString("field"));
        // the analyst API needs the analyst role: the decide key is refused
        e = error(it.http().getWithKey("/v1/decisions?card=x", Http.key(keys, "decide")), 403);
        assertEquals("forbidden", e.getString("rule"));
        error(it.http().getWithKey("/v1/decisions?card=x", "fsk_not-a-key"), 401);
    }

    @Test
    void theNodeServesItsOpenApiDocumentAndValidatesAnalystRequestsAgainstIt() throws Exception {
        HttpResponse<String> r = new Http(it.node().httpPort()).get("/openapi.json");
        assertEquals(200, r.statusCode());
        JsonObject doc = new JsonObject(r.body());
        assertEquals("3.1.0", doc.getString("openapi"));
        for (String path : new String[] {
            "/v1/authorize-check", "/v1/labels", "/v1/decisions", "/v1/decisions/{transactionId}", "/v1/cards/{id}",
            "/v1/terminals/{id}", "/v1/stats/daily", "/v1/cases", "/v1/cases/{id}/claim", "/v1/cases/{id}/resolve"
        }) {
            assertTrue(doc.getJsonObject("paths").containsKey(path), path);
        }
        // refused by the contract (types, ranges, enums, the resolution's fields), naming what it refused
        JsonObject e = error(it.http().get("/v1/decisions?card=x&minScore=high"), 400);
        assertEquals("minScore", e.getString("field"), e.encode());
        e = error(it.http().get("/v1/decisions?card=x&degraded=perhaps"), 400);
        assertEquals("degraded", e.getString("field"), e.encode());
        e = error(it.http().get("/v1/cases?status=lost"), 400);
        assertEquals("status", e.getString("field"), e.encode());
        e = error(
                it.http()
                        .postWithKey(
                                "/v1/cases/1/resolve",
                                Http.key(keys, "analyst"),
                                "{\"verdict\":\"fraud\",\"colour\":\"red\"}"),
                400);
        assertEquals("colour", e.getString("field"), e.encode());
        assertEquals("invalid_value", e.getString("rule"), e.encode());
    }

    @Test
    void aDecisionsDetailHasTheInputEveryFeatureByNameTheModelAndTheStageTimings() throws Exception {
        Instant at = Instant.now().minus(1, ChronoUnit.HOURS);
        decide(tx("det-1", "card_det", "term_det", 321.5, at).put("mcc", "5411").put("country", "FR"));
        audited("det-1", 1);
        JsonObject d = get("/v1/decisions/det-1");
        assertEquals("card_det", d.getJsonObject("input").getString("cardId"));
        assertEquals(321.5, d.getJsonObject("input").getDouble("amount"));
        assertEquals("5411", d.getJsonObject("input").getString("mcc"));
        JsonObject features = d.getJsonObject("features");
        assertTrue(features.size() >= 30, "every feature the model saw: " + features);
        assertEquals(321.5, features.getDouble("amount"));
        assertEquals(1.0, features.getDouble("card_count_1h"));
        assertEquals(0.0, d.getJsonObject("thresholds").getDouble("review"));
        assertTrue(d.getString("modelVersion").startsWith("xgb-"));
        assertTrue(d.getJsonObject("stageMicros").getLong("total") > 0);
        assertFalse(d.getJsonArray("reasons").isEmpty());
        assertTrue(d.getJsonArray("labelHistory").isEmpty());
        assertEquals("open", d.getJsonObject("case").getString("status"), "a REVIEW decision opened a case");
        error(it.http().get("/v1/decisions/no-such-tx"), 404);
    }

    @Test
    void aReviewIsClaimedByOneAnalystResolvedAsFraudAndTheCardsNextDecisionLearnsIt() throws Exception {
        // eight days ago, so that the label is inside the card's delayed windows today (labels arrive 7 days late)
        Instant old = Instant.now().minus(8, ChronoUnit.DAYS);
        decide(tx("q-1", "card_q", "term_q", 777, old));
        audited("q-1", 1);
        long id = Await.value(
                () -> get("/v1/cases?card=card_q").getJsonArray("items").stream()
                        .map(o -> (JsonObject) o)
                        .filter(c -> c.getString("transactionId").equals("q-1"))
                        .map(c -> c.getLong("id"))
                        .findFirst()
                        .orElse(null),
                Duration.ofSeconds(10));
        JsonObject listed = get("/v1/cases?card=card_q").getJsonArray("items").getJsonObject(0);
        assertEquals("open", listed.getString("status"));
        assertEquals(777.0, listed.getDouble("amount"));
        assertFalse(listed.getJsonArray("reasonCodes").isEmpty());

        String mine = Http.key(keys, "analyst");
        String path = "/v1/cases/" + id;
        // resolving before claiming is refused; a read-only analyst cannot resolve at all
        assertEquals(
                "case_state",
                error(it.http().postWithKey(path + "/resolve", mine, "{\"verdict\":\"fraud\"}"), 409)
                        .getString("rule"));
        JsonObject claimed = new JsonObject(
                it.http().postWithKey(path + "/claim", mine, null).body());
        assertEquals("claimed", claimed.getString("status"));
        assertEquals("local-analyst", claimed.getString("claimedBy"));
        // a second analyst cannot take or resolve it
        assertEquals(
                "case_held",
                error(it.http().postWithKey(path + "/claim", secondAnalyst, null), 409)
                        .getString("rule"));
        assertEquals(
                "case_held",
                error(it.http().postWithKey(path + "/resolve", secondAnalyst, "{\"verdict\":\"genuine\"}"), 409)
                        .getString("rule"));
        assertEquals(
                403,
                it.http()
                        .postWithKey(path + "/resolve", readOnlyAnalyst, "{\"verdict\":\"fraud\"}")
                        .statusCode());
        JsonObject bad = error(it.http().postWithKey(path + "/resolve", mine, "{\"verdict\":\"maybe\"}"), 400);
        assertEquals("verdict", bad.getString("field"));

        HttpResponse<String> r = it.http()
                .postWithKey(path + "/resolve", mine, "{\"verdict\":\"fraud\",\"note\":\"cardholder confirmed\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject resolved = new JsonObject(r.body());
        assertEquals("resolved", resolved.getString("status"));
        assertEquals("fraud", resolved.getString("resolution"));
        assertEquals(1, resolved.getJsonObject("label").getInteger("change"), "the verdict counted once");
        assertEquals(
                List.of("opened", "claimed", "resolved"),
                resolved.getJsonArray("events").stream()
                        .map(o -> ((JsonObject) o).getString("action"))
                        .toList());
        assertEquals(
                "case_state",
                error(it.http().postWithKey(path + "/resolve", mine, "{\"verdict\":\"fraud\"}"), 409)
                        .getString("rule"));
        Map<String, Object> label = it.db()
                .query("SELECT fraud, source, labelled_by FROM audit.labels WHERE transaction_id = 'q-1'")
                .get(0);
        assertEquals(true, label.get("fraud"));
        assertEquals("analyst", label.get("source"));
        assertEquals("local-analyst", label.get("labelled_by"));

        // the card's next check carries the verdict in its features (known frauds in the delayed windows)
        decide(tx("q-2", "card_q", "term_q2", 20, Instant.now()));
        audited("q-2", 1);
        assertEquals(1.0, get("/v1/decisions/q-2").getJsonObject("features").getDouble("card_known_frauds_30d"));

        // the card's view: both decisions, the known fraud, its label history and the live windows
        JsonObject card = get("/v1/cards/card_q");
        assertEquals(2, card.getJsonArray("recentDecisions").size());
        assertEquals("q-1", card.getJsonArray("knownFrauds").getJsonObject(0).getString("transactionId"));
        assertEquals(
                "analyst", card.getJsonArray("labelHistory").getJsonObject(0).getString("source"));
        JsonObject velocity = card.getJsonObject("velocity");
        assertTrue(velocity.getBoolean("known"));
        assertEquals(1, velocity.getJsonObject("lastHour").getInteger("count"));
        assertEquals(2, velocity.getJsonObject("last30Days").getInteger("count"));
        assertEquals(
                1.0, velocity.getJsonObject("labelled").getJsonObject("month").getDouble("frauds"));
        assertTrue(get("/v1/terminals/term_q").getJsonObject("velocity").getBoolean("known"));
        assertFalse(get("/v1/cards/never-seen").getJsonObject("velocity").getBoolean("known"));
    }

    @Test
    void aClaimCanBeReleasedAndTakenByAnother() throws Exception {
        decide(tx("rel-1", "card_rel", "term_rel", 55, Instant.now().minus(3, ChronoUnit.HOURS)));
        audited("rel-1", 1);
        long id = Await.value(
                () -> get("/v1/cases?card=card_rel").getJsonArray("items").stream()
                        .map(o -> ((JsonObject) o).getLong("id"))
                        .findFirst()
                        .orElse(null),
                Duration.ofSeconds(10));
        String path = "/v1/cases/" + id;
        String mine = Http.key(keys, "analyst");
        assertEquals(200, it.http().postWithKey(path + "/claim", mine, null).statusCode());
        assertEquals(
                409,
                it.http().postWithKey(path + "/release", secondAnalyst, null).statusCode());
        assertEquals(200, it.http().postWithKey(path + "/release", mine, null).statusCode());
        JsonObject taken = new JsonObject(
                it.http().postWithKey(path + "/claim", secondAnalyst, null).body());
        assertEquals("ana-2", taken.getString("claimedBy"));
        assertEquals(
                List.of("opened", "claimed", "released", "claimed"),
                taken.getJsonArray("events").stream()
                        .map(o -> ((JsonObject) o).getString("action"))
                        .toList());
    }

    @Test
    void theAlertStreamPushesNewAlertsAndResumesAfterItsLastEventId() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest stream = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + it.node().httpPort() + "/v1/alerts/stream"))
                .header("Authorization", "Bearer " + Http.key(keys, "analyst"))
                .build();
        CompletableFuture<HttpResponse<Void>> open =
                client.sendAsync(stream, HttpResponse.BodyHandlers.fromLineSubscriber(new Lines(lines)));
        assertEquals("retry: 2000", lines.poll(10, TimeUnit.SECONDS), "the stream opened");
        decide(tx("sse-1", "card_sse", "term_sse", 64, Instant.now()));
        String[] event = nextAlert(lines, "sse-1");
        JsonObject alert = new JsonObject(event[1]);
        assertEquals("REVIEW", alert.getString("decision"));
        assertEquals("card_sse", alert.getString("cardId"));
        assertFalse(alert.getJsonArray("reasons").isEmpty());
        open.cancel(true);

        // a console that reconnects (its node restarted, another answers) gets what it missed, after its last id
        decide(tx("sse-2", "card_sse", "term_sse", 65, Instant.now().plusSeconds(1)));
        audited("sse-2", 1);
        BlockingQueue<String> again = new LinkedBlockingQueue<>();
        client.sendAsync(
                HttpRequest.newBuilder(stream.uri())
                        .header("Authorization", "Bearer " + Http.key(keys, "analyst"))
                        .header("Last-Event-ID", event[0])
                        .build(),
                HttpResponse.BodyHandlers.fromLineSubscriber(new Lines(again)));
        String[] missed = nextAlert(again, "sse-2");
        assertTrue(Long.parseLong(missed[0]) > Long.parseLong(event[0]));
    }

    @Test
    void aStreamWhoseNodeWasStoppedResumesOnTheNodeThatReplacesItWithoutLosingAnAlert() throws Exception {
        RunningNode first = RunningNode.start("alerts_restart_it", c -> {});
        String url = first.node().config().postgres().url();
        Path firstKeys = first.node().config().security().keysDir();
        String analystKey = Http.key(firstKeys, "analyst");
        assertEquals(
                200,
                first.ops()
                        .post("/admin/thresholds", "application/json", "{\"review\":0.0,\"decline\":1.0}")
                        .statusCode());
        assertEquals(
                200,
                first.http()
                        .replaying()
                        .authorize(tx("rs-1", "card_rs", "term_rs", 70, Instant.now()))
                        .statusCode());
        // a first connection starts with the newest alerts on record: rs-1 once its audit row is written (had the
        // stream opened first, the alert could be published before the stream's subscription was in place)
        first.db()
                .awaitCount(
                        1,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'rs-1'");
        HttpClient client = HttpClient.newHttpClient();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        client.sendAsync(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + first.node().httpPort() + "/v1/alerts/stream"))
                        .header("Authorization", "Bearer " + analystKey)
                        .build(),
                HttpResponse.BodyHandlers.fromLineSubscriber(new Lines(lines)));
        String[] seen = nextAlert(lines, "rs-1");
        first.close();

        // the replacement (same database and keys; the old node is gone) is decided on while nobody listens
        RunningNode second = RunningNode.start(
                "alerts_restart_it", c -> c.getJsonObject("postgres").put("url", url));
        try {
            Http decide = new Http(second.node().httpPort(), firstKeys).replaying();
            assertEquals(
                    200,
                    second.ops()
                            .postWithKey(
                                    "/admin/thresholds",
                                    Http.key(firstKeys, "admin"),
                                    "{\"review\":0.0,\"decline\":1.0}")
                            .statusCode());
            assertEquals(
                    200,
                    decide.authorize(tx(
                                    "rs-2",
                                    "card_rs",
                                    "term_rs",
                                    71,
                                    Instant.now().plusSeconds(1)))
                            .statusCode());
            second.db()
                    .awaitCount(
                            1,
                            Duration.ofSeconds(20),
                            "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'rs-2'");
            BlockingQueue<String> resumed = new LinkedBlockingQueue<>();
            client.sendAsync(
                    HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + second.node().httpPort() + "/v1/alerts/stream"))
                            .header("Authorization", "Bearer " + analystKey)
                            .header("Last-Event-ID", seen[0])
                            .build(),
                    HttpResponse.BodyHandlers.fromLineSubscriber(new Lines(resumed)));
            nextAlert(resumed, "rs-2");
            assertEquals(
                    200,
                    decide.authorize(tx(
                                    "rs-3",
                                    "card_rs",
                                    "term_rs",
                                    72,
                                    Instant.now().plusSeconds(2)))
                            .statusCode());
            nextAlert(resumed, "rs-3");
        } finally {
            second.close();
        }
    }

    /** The next alert event for {@code transactionId}: {id, data}. */
    private static String[] nextAlert(BlockingQueue<String> lines, String transactionId) throws Exception {
        String id = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                continue;
            }
            if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("data: ")
                    && new JsonObject(line.substring(6))
                            .getString("transactionId")
                            .equals(transactionId)) {
                return new String[] {id, line.substring(6)};
            }
        }
        throw new AssertionError("no alert for " + transactionId);
    }

    /** Hands every line of a streamed body to a queue. */
    private record Lines(BlockingQueue<String> queue) implements Flow.Subscriber<String> {
        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            queue.add(line);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onComplete() {}
    }

    @Test
    void dailyStatisticsCountOutcomesReasonsScoresAndTheQueue() throws Exception {
        decide(tx("st-1", "card_st", "term_st", 42, Instant.now().minus(1, ChronoUnit.MINUTES)));
        audited("st-1", 1);
        JsonObject s = get("/v1/stats/daily");
        long reviews = s.getJsonArray("outcomes").stream()
                .map(o -> (JsonObject) o)
                .filter(o -> o.getString("decision").equals("REVIEW"))
                .mapToLong(o -> o.getLong("count"))
                .sum();
        assertTrue(reviews >= 1, s.encode());
        assertFalse(s.getJsonArray("topReasons").isEmpty());
        JsonObject model = s.getJsonArray("scoreDistribution").getJsonObject(0);
        long scored = model.getJsonArray("buckets").stream()
                .mapToLong(o -> ((JsonObject) o).getLong("count"))
                .sum();
        assertTrue(scored >= reviews, "every scored decision is in one of the model's buckets");
        assertTrue(s.getJsonObject("reviewQueue").getLong("open") >= 1);
        assertEquals(
                "day",
                error(it.http().get("/v1/stats/daily?day=24-11-2026"), 400).getString("field"));
    }

    @Test
    void theCardTerminalAndQueueQueriesAreServedByIndexes() throws Exception {
        // the plans the planner could pick if a scan were cheaper: with sequential scans priced out, a query with no
        // usable index still shows one; these show none (ops/analyst-plans.sh shows the plans at 10M rows)
        String[] queries = {
            "SELECT * FROM analyst.decisions WHERE card_id = 'c' ORDER BY event_time DESC, transaction_id DESC,"
                    + " client DESC LIMIT 51",
            "SELECT * FROM analyst.decisions WHERE terminal_id = 't' ORDER BY event_time DESC, transaction_id DESC,"
                    + " client DESC LIMIT 51",
            "SELECT * FROM analyst.cases WHERE status <> 'resolved' ORDER BY opened_at, id LIMIT 51",
        };
        for (String q : queries) {
            String plan = it.db().plan("SET enable_seqscan = off", q);
            assertFalse(plan.contains("Seq Scan"), q + "\n" + plan);
        }
    }
}
