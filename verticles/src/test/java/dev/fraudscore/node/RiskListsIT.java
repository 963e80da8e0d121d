package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.node.support.Await;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.Kafka;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Block and allow lists on a real node and PostgreSQL: an entry added through the API decides the next checks (a
 * block declines, an allow approves, a block wins; the model still scores and its reasons stay after the list's
 * code), by exact value or IP range, until it expires or is removed; bad entries are refused naming the field;
 * a CSV import is all or nothing; every change is in the change log; a node started later on the same database
 * checks the same entries.
 */
class RiskListsIT {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final AtomicInteger IDS = new AtomicInteger();
    private static RunningNode it;
    private static Path keys;

    @BeforeAll
    static void start() throws Exception {
        it = RunningNode.start("lists_it", c -> {});
        keys = it.node().config().security().keysDir();
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + it.node().httpPort() + path))
                .header("Authorization", "Bearer " + Http.key(keys, "risk"))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject add(JsonObject entry) throws Exception {
        HttpResponse<String> r = send("POST", "/v1/lists", "application/json", entry.encode());
        assertEquals(201, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    private static JsonObject entry(String list, String kind, String value) {
        return new JsonObject()
                .put("list", list)
                .put("kind", kind)
                .put("value", value)
                .put("reason", "test " + value);
    }

    /** A new transaction's decision on {@code http}. */
    private static JsonObject decide(Http http, JsonObject tx) throws Exception {
        HttpResponse<String> r = http.authorize(tx.put("transactionId", "lst-" + IDS.incrementAndGet()));
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    private static JsonObject tx(String card, String terminal) {
        return Http.tx("x", card, terminal, 12.5);
    }

    /** Decides new transactions until the first reason code is {@code code} (or, with null, none is a list's). */
    private static JsonObject awaitCode(JsonObject tx, String code) throws Exception {
        return awaitCode(tx, code, false);
    }

    /**
     * Like {@link #awaitCode(JsonObject, String)}; with {@code newCards} every attempt is on a card of its own (a rule
     * on a new card must not see the earlier attempts counted on it).
     */
    private static JsonObject awaitCode(JsonObject tx, String code, boolean newCards) throws Exception {
        JsonObject[] last = new JsonObject[1];
        int[] attempt = {0};
        assertTrue(
                Await.until(
                        () -> {
                            JsonObject next = tx.copy();
                            if (newCards) {
                                next.put("cardId", tx.getString("cardId") + "-" + attempt[0]++);
                            }
                            last[0] = decide(it.http(), next);
                            JsonArray reasons = last[0].getJsonArray("reasons");
                            String first = reasons.isEmpty()
                                    ? null
                                    : reasons.getJsonObject(0).getString("code");
                            return code == null ? first == null || !first.startsWith("LIST_") : code.equals(first);
                        },
                        Duration.ofSeconds(10),
                        100),
                "expected " + code + ": " + last[0]);
        return last[0];
    }

    @Test
    void aBlockedCardIsDeclinedWithTheListsCodeAndStillScored() throws Exception {
        JsonObject before = decide(it.http(), tx("card_blk", "term_blk"));
        assertEquals("APPROVE", before.getString("decision"));
        long t0 = System.nanoTime();
        JsonObject added = add(entry("block", "card", "card_blk").put("reason", "reported stolen"));
        JsonObject d = awaitCode(tx("card_blk", "term_blk"), "LIST_BLOCK_CARD");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5000, "in force within " + ms + " ms");
        assertEquals("DECLINE", d.getString("decision"));
        assertNotNull(d.getValue("score"), "the model still scores it");
        assertTrue(d.getJsonArray("reasons").size() > 1, "the model's reasons follow the list's");
        assertEquals("reported stolen", added.getString("reason"));
        assertEquals("local-risk", added.getString("addedBy"));

        // removed: decided by the model again; the removal and the addition are in the change log
        HttpResponse<String> removed = send("DELETE", "/v1/lists/" + added.getLong("id"), null, null);
        assertEquals(200, removed.statusCode(), removed.body());
        assertEquals("APPROVE", awaitCode(tx("card_blk", "term_blk"), null).getString("decision"));
        JsonArray changes =
                new JsonObject(send("GET", "/v1/risk/changes", null, null).body()).getJsonArray("items");
        JsonObject removal = changes.getJsonObject(0);
        assertEquals("remove", removal.getString("action"));
        assertEquals("local-risk", removal.getString("actor"));
        assertNull(removal.getJsonObject("before").getValue("removedAt"));
        assertNotNull(removal.getJsonObject("after").getValue("removedAt"));
        assertEquals("add", changes.getJsonObject(1).getString("action"));
        assertEquals("card_blk", changes.getJsonObject(1).getJsonObject("after").getString("value"));
        assertEquals(
                404,
                send("DELETE", "/v1/lists/" + added.getLong("id"), null, null).statusCode());
    }

    @Test
    void anAllowApprovesUnlessABlockAlsoMatchesAndRangesOfAddressesMatch() throws Exception {
        add(entry("allow", "terminal", "term_vip"));
        add(entry("block", "ip", "203.0.113.0/24"));
        // a large amount the model flags, approved by the allow (the model's score is kept)
        JsonObject allowed = awaitCode(Http.tx("x", "card_vip", "term_vip", 9000), "LIST_ALLOW_TERMINAL");
        assertEquals("APPROVE", allowed.getString("decision"));
        JsonObject both = awaitCode(tx("card_vip2", "term_vip").put("ipAddress", "203.0.113.77"), "LIST_BLOCK_IP");
        assertEquals("DECLINE", both.getString("decision"), "a block wins over an allow");
        assertEquals(
                "APPROVE",
                decide(it.http(), tx("card_vip3", "term_other").put("ipAddress", "203.0.114.1"))
                        .getString("decision"));
    }

    private static HttpResponse<String> saveRule(String name, JsonObject rule) throws Exception {
        return send("PUT", "/v1/rules/" + name, "application/json", rule.encode());
    }

    @Test
    void aRuleIsTypeCheckedWhenSavedActsWhenActiveIsOnlyRecordedInShadowAndIsVersioned() throws Exception {
        JsonObject rule = new JsonObject()
                .put("expression", "tx.amount > 5000.0 && features.card_count_30d < 2.0 &&")
                .put("action", "REVIEW")
                .put("reasonCode", "HIGH_AMOUNT_NEW_CARD")
                .put("priority", 10)
                .put("state", "active");
        HttpResponse<String> invalid = saveRule("big_new_card", rule);
        assertEquals(422, invalid.statusCode(), invalid.body());
        JsonObject error = new JsonObject(invalid.body());
        assertEquals("rule_invalid", error.getString("rule"));
        assertEquals("expression", error.getString("field"));
        int end = rule.getString("expression").length() + 1;
        assertTrue(
                error.getString("error").startsWith("line 1, column " + end + ": "),
                "the position of the error (the end of the input): " + error.getString("error"));
        HttpResponse<String> typed = saveRule("big_new_card", rule.copy().put("expression", "tx.amount > 'a lot'"));
        assertEquals(422, typed.statusCode(), typed.body());

        rule.put("expression", "tx.amount > 5000.0 && features.card_count_30d < 2.0");
        HttpResponse<String> saved = saveRule("big_new_card", rule);
        assertEquals(201, saved.statusCode(), saved.body());
        assertEquals(1, new JsonObject(saved.body()).getInteger("version"));
        JsonObject d = awaitCode(Http.tx("x", "card_rule_new", "term_rule", 6000), "HIGH_AMOUNT_NEW_CARD", true);
        assertEquals("REVIEW", d.getString("decision"));
        assertNotNull(d.getValue("score"));
        String id = d.getString("transactionId");
        it.db()
                .awaitCount(
                        1,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = ? AND 'HIGH_AMOUNT_NEW_CARD' = ANY (reason_codes)",
                        id);

        // the same rule in shadow (version 2): recorded, never acted on
        HttpResponse<String> shadow = saveRule("big_new_card", rule.copy().put("state", "shadow"));
        assertEquals(200, shadow.statusCode(), shadow.body());
        JsonObject s =
                awaitCode(Http.tx("x", "card_rule_new2", "term_rule", 6000), "SHADOW_HIGH_AMOUNT_NEW_CARD", true);
        assertEquals("APPROVE", s.getString("decision"), "a shadow rule does not act: " + s);
        assertEquals(2.0, s.getJsonArray("reasons").getJsonObject(0).getDouble("value"), "the rule's version");

        // disabled (version 3): nothing
        assertEquals(
                200,
                saveRule("big_new_card", rule.copy().put("state", "disabled")).statusCode());
        awaitCode(Http.tx("x", "card_rule_new3", "term_rule", 6000), null, true);
        JsonArray versions = new JsonObject(send("GET", "/v1/rules/big_new_card/versions", null, null)
                        .body())
                .getJsonArray("items");
        assertEquals(3, versions.size());
        assertEquals("disabled", versions.getJsonObject(0).getString("state"));
        assertEquals("local-risk", versions.getJsonObject(0).getString("changedBy"));
        JsonObject change = new JsonObject(
                        send("GET", "/v1/risk/changes", null, null).body())
                .getJsonArray("items")
                .getJsonObject(0);
        assertEquals("rule", change.getString("object"));
        assertEquals("shadow", change.getJsonObject("before").getString("state"));
        assertEquals("disabled", change.getJsonObject("after").getString("state"));
        assertEquals(
                "action",
                new JsonObject(saveRule("x", rule.copy().put("action", "BLOCK")).body()).getString("field"));
    }

    @Test
    void aRuleAdjustsTheScoreTheThresholdsSeeAndKafkaDecisionsCarryTheRulesThatHeld() throws Exception {
        JsonObject rule = new JsonObject()
                .put("expression", "tx.terminalId == 'term_push'")
                .put("action", "REVIEW")
                .put("reasonCode", "PUSHED_TERMINAL")
                .put("scoreAdjustment", 0.3)
                .put("priority", 20)
                .put("state", "active");
        HttpResponse<String> refused = saveRule("pushed", rule);
        assertEquals(400, refused.statusCode(), refused.body());
        JsonObject withAction = new JsonObject(refused.body());
        assertEquals("scoreAdjustment", withAction.getString("field"), withAction.encode());
        assertEquals("action_none", withAction.getString("rule"));
        HttpResponse<String> outOfRange =
                saveRule("pushed", rule.copy().put("action", "NONE").put("scoreAdjustment", 2));
        assertEquals(400, outOfRange.statusCode(), outOfRange.body());
        assertEquals("range", new JsonObject(outOfRange.body()).getString("rule"));
        assertEquals(404, send("GET", "/v1/rules/pushed/versions", null, null).statusCode(), "nothing stored");

        HttpResponse<String> saved =
                saveRule("pushed", rule.put("action", "NONE").put("scoreAdjustment", 1.0));
        assertEquals(201, saved.statusCode(), saved.body());
        assertEquals(1.0, new JsonObject(saved.body()).getDouble("scoreAdjustment"));
        JsonObject d = awaitCode(Http.tx("x", "card_push", "term_push", 12.5), "PUSHED_TERMINAL", true);
        assertEquals("DECLINE", d.getString("decision"), "the model's score plus 1.0 is past decline: " + d);
        assertTrue(
                d.getDouble("score") < d.getJsonObject("thresholds").getDouble("decline"),
                "the score stays the model's");
        assertEquals(1.0, d.getJsonArray("reasons").getJsonObject(0).getDouble("contribution"), "the adjustment");
        it.db()
                .awaitCount(
                        1,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = ? AND decision = 'DECLINE'"
                                + " AND reason_codes[1] = 'PUSHED_TERMINAL' AND reason_contributions[1] = 1.0",
                        d.getString("transactionId"));

        // a transaction from Kafka: its decision record on the decisions topic names the rule, and a shadow rule
        HttpResponse<String> watch = saveRule(
                "watch_push",
                new JsonObject()
                        .put("expression", "tx.amount < 100.0")
                        .put("action", "DECLINE")
                        .put("reasonCode", "WATCH_SMALL")
                        .put("priority", 30)
                        .put("state", "shadow"));
        assertEquals(201, watch.statusCode(), watch.body());
        var topics = it.node().config().kafka().topics();
        try (Kafka kafka = new Kafka()) {
            JsonObject[] record = new JsonObject[1];
            assertTrue(
                    Await.until(
                            () -> {
                                String id = "lst-k-" + IDS.incrementAndGet();
                                JsonObject tx = Http.tx(id, "card_push_k" + id, "term_push", 12.5);
                                kafka.send(topics.transactions(), tx.getString("cardId"), tx.encode());
                                var read = Kafka.values(
                                        kafka.read(topics.decisions(), 1, Duration.ofSeconds(20), Kafka.txPrefix(id)));
                                record[0] = read.isEmpty() ? null : read.get(0);
                                return record[0] != null && reason(record[0], "SHADOW_WATCH_SMALL") != null;
                            },
                            Duration.ofSeconds(60),
                            100),
                    "a Kafka decision with both rules: " + record[0]);
            assertEquals("KAFKA", record[0].getString("source"));
            assertEquals("DECLINE", record[0].getString("decision"));
            JsonObject pushed = reason(record[0], "PUSHED_TERMINAL");
            assertNotNull(pushed, record[0].encode());
            assertEquals(1.0, pushed.getDouble("value"), "the rule's version");
            assertEquals(1.0, pushed.getDouble("contribution"));
        }
        // neither rule is left to act on the other tests' decisions
        assertEquals(200, saveRule("pushed", rule.put("state", "disabled")).statusCode());
        assertEquals(
                200,
                saveRule(
                                "watch_push",
                                new JsonObject()
                                        .put("expression", "tx.amount < 100.0")
                                        .put("action", "DECLINE")
                                        .put("reasonCode", "WATCH_SMALL")
                                        .put("state", "disabled"))
                        .statusCode());
    }

    /** {@code POST /v1/rules/backtest} on {@code range} with one candidate: a {@code rule} or {@code thresholds}. */
    private static HttpResponse<String> backtest(JsonObject range, String kind, JsonObject candidate) throws Exception {
        return send(
                "POST",
                "/v1/rules/backtest",
                "application/json",
                range.copy().put(kind, candidate).encode());
    }

    /** The reason with {@code code} in a decision, or null. */
    private static JsonObject reason(JsonObject decision, String code) {
        return decision.getJsonArray("reasons").stream()
                .map(JsonObject.class::cast)
                .filter(r -> code.equals(r.getString("code")))
                .findFirst()
                .orElse(null);
    }

    @Test
    void aRuleAndNewThresholdsAreBacktestedOnTheRecordedDecisionsAndTheirLabels() throws Exception {
        // ten decisions in a window of their own, three days ago: amounts 100..1000, the three largest labelled fraud
        Instant t0 = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES);
        java.util.Map<Integer, String> recorded = new java.util.HashMap<>();
        for (int i = 1; i <= 10; i++) {
            JsonObject tx = Http.tx("bt-" + i, "card_bt_" + i, "term_bt", 100.0 * i)
                    .put("timestamp", t0.plusSeconds(30L * i).toString());
            HttpResponse<String> r = it.http().replaying().authorize(tx);
            assertEquals(200, r.statusCode(), r.body());
            recorded.put(i, new JsonObject(r.body()).getString("decision"));
        }
        it.db()
                .awaitCount(
                        10,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'bt-%'");
        for (int i = 1; i <= 10; i++) {
            if (i >= 8 || i <= 2) {
                HttpResponse<String> l = it.http()
                        .post(
                                "/v1/labels",
                                "application/json",
                                new JsonObject()
                                        .put("transactionId", "bt-" + i)
                                        .put("fraud", i >= 8)
                                        .put("source", "chargeback")
                                        .encode());
                assertEquals(200, l.statusCode(), l.body());
            }
        }
        JsonObject range = new JsonObject()
                .put("from", t0.toString())
                .put("to", t0.plus(10, ChronoUnit.MINUTES).toString());
        HttpResponse<String> r = backtest(
                range,
                "rule",
                new JsonObject()
                        .put("expression", "tx.amount > 650.0")
                        .put("action", "REVIEW")
                        .put("reasonCode", "BIG"));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject rule = new JsonObject(r.body());
        assertEquals(10, rule.getLong("decisions"));
        assertEquals(4, rule.getLong("ruleHeld"));
        long expectChanged = java.util.stream.IntStream.rangeClosed(7, 10)
                .filter(i -> !recorded.get(i).equals("REVIEW"))
                .count();
        assertEquals(expectChanged, rule.getLong("changed"), rule.encode());
        assertEquals(5, rule.getLong("labelled"));
        assertEquals(3, rule.getLong("frauds"));
        assertEquals(1.0, rule.getDouble("recall"), rule.encode());

        // the same condition adjusting the score by +1.0 instead: every decision over 650 the thresholds made that
        // was not a DECLINE becomes one
        HttpResponse<String> adjusted = backtest(
                range,
                "rule",
                new JsonObject()
                        .put("expression", "tx.amount > 650.0")
                        .put("action", "NONE")
                        .put("scoreAdjustment", 1.0)
                        .put("reasonCode", "BIG"));
        assertEquals(200, adjusted.statusCode(), adjusted.body());
        JsonObject adj = new JsonObject(adjusted.body());
        long notDeclined = java.util.stream.IntStream.rangeClosed(7, 10)
                .filter(i -> !recorded.get(i).equals("DECLINE"))
                .count();
        assertEquals(notDeclined, adj.getLong("changed"), adj.encode());
        assertEquals(
                notDeclined,
                adj.getJsonObject("changes").stream()
                        .filter(e -> e.getKey().endsWith("->DECLINE"))
                        .mapToLong(e -> ((Number) e.getValue()).longValue())
                        .sum());
        assertEquals(1.0, adj.getDouble("recall"), adj.encode());
        assertEquals(
                "rule.scoreAdjustment",
                new JsonObject(backtest(
                                        range,
                                        "rule",
                                        new JsonObject()
                                                .put("expression", "true")
                                                .put("action", "DECLINE")
                                                .put("scoreAdjustment", 0.5))
                                .body())
                        .getString("field"));

        HttpResponse<String> t = backtest(
                range, "thresholds", new JsonObject().put("review", 0.0).put("decline", 1.0));
        assertEquals(200, t.statusCode(), t.body());
        JsonObject all = new JsonObject(t.body());
        long notReview =
                recorded.values().stream().filter(o -> !o.equals("REVIEW")).count();
        assertEquals(notReview, all.getLong("changed"), all.encode());
        assertEquals(0.6, all.getDouble("precision"), "every labelled decision flagged: 3 frauds of 5");
        assertEquals(1.0, all.getDouble("recall"));

        HttpResponse<String> bad = backtest(
                range, "rule", new JsonObject().put("expression", "tx.amount >").put("action", "REVIEW"));
        assertEquals(422, bad.statusCode(), bad.body());
        HttpResponse<String> tooLong = send(
                "POST",
                "/v1/rules/backtest",
                "application/json",
                new JsonObject()
                        .put("from", t0.minus(60, ChronoUnit.DAYS).toString())
                        .put("to", t0.toString())
                        .put("thresholds", new JsonObject().put("review", 0.5).put("decline", 0.9))
                        .encode());
        assertEquals("to", new JsonObject(tooLong.body()).getString("field"));
    }

    @Test
    void aRuleThatDeclinesMostTrafficIsSwitchedToShadowByTheGuard() throws Exception {
        HttpResponse<String> saved = saveRule(
                "mistyped",
                new JsonObject()
                        .put("expression", "tx.amount > 0.0")
                        .put("action", "DECLINE")
                        .put("reasonCode", "MISTYPED")
                        .put("priority", 0)
                        .put("state", "active"));
        assertEquals(201, saved.statusCode(), saved.body());
        awaitCode(tx("card_guard_0", "term_guard"), "MISTYPED");
        for (int i = 1; i <= 220; i++) {
            decide(it.http(), tx("card_guard_" + i, "term_guard"));
        }
        assertTrue(
                Await.until(
                        () -> new JsonObject(send("GET", "/v1/rules/mistyped/versions", null, null)
                                        .body())
                                .getJsonArray("items")
                                .getJsonObject(0)
                                .getString("state")
                                .equals("shadow"),
                        Duration.ofSeconds(10),
                        100),
                "stored in shadow");
        JsonObject latest = new JsonObject(
                        send("GET", "/v1/rules/mistyped/versions", null, null).body())
                .getJsonArray("items")
                .getJsonObject(0);
        assertTrue(latest.getString("changedBy").startsWith("guard@"), latest.encode());
        JsonObject d = awaitCode(tx("card_guard_last", "term_guard"), "SHADOW_MISTYPED");
        assertEquals("APPROVE", d.getString("decision"));
        assertTrue(it.ops().get("/metrics").body().contains("fraud_rules_guard_tripped_total"));
        // put back to disabled so that the other tests' decisions are the model's
        assertEquals(
                200,
                saveRule(
                                "mistyped",
                                new JsonObject()
                                        .put("expression", "tx.amount > 0.0")
                                        .put("action", "DECLINE")
                                        .put("reasonCode", "MISTYPED")
                                        .put("state", "disabled"))
                        .statusCode());
        awaitCode(tx("card_guard_done", "term_guard"), null);
    }

    @Test
    void aThresholdsChangeIsInTheChangeLogWithWhoBeforeAndAfter() throws Exception {
        JsonObject served = new JsonObject(it.ops().get("/admin/models").body())
                .getJsonObject("champion")
                .getJsonObject("thresholds");
        HttpResponse<String> changed =
                it.ops().post("/admin/thresholds", "application/json", "{\"review\":0.31,\"decline\":0.97}");
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals(true, new JsonObject(changed.body()).getBoolean("changeLogged"), changed.body());
        try {
            JsonObject last = new JsonObject(
                            send("GET", "/v1/risk/changes", null, null).body())
                    .getJsonArray("items")
                    .getJsonObject(0);
            assertEquals("thresholds", last.getString("object"), last.encode());
            assertEquals("change", last.getString("action"));
            assertEquals("local-admin", last.getString("actor"));
            assertEquals(
                    served.getDouble("review"), last.getJsonObject("before").getDouble("review"));
            assertEquals(0.31, last.getJsonObject("after").getDouble("review"));
            assertEquals(0.97, last.getJsonObject("after").getDouble("decline"));
        } finally {
            assertEquals(
                    200,
                    it.ops()
                            .post("/admin/thresholds", "application/json", served.encode())
                            .statusCode());
        }
    }

    @Test
    void anEntryStopsMatchingWhenItExpires() throws Exception {
        Instant expires = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.SECONDS);
        add(entry("block", "device", "dev_tmp").put("expiresAt", expires.toString()));
        awaitCode(tx("card_exp", "term_exp").put("deviceId", "dev_tmp"), "LIST_BLOCK_DEVICE");
        // polled until the entry no longer matches (it expires on the node's clock), not slept for
        assertEquals(
                "APPROVE",
                awaitCode(tx("card_exp", "term_exp").put("deviceId", "dev_tmp"), null)
                        .getString("decision"));
        assertEquals(
                0,
                new JsonObject(send("GET", "/v1/lists?kind=device&value=dev_tmp", null, null)
                                .body())
                        .getJsonArray("items")
                        .size(),
                "an expired entry is not listed as in force");
        // and the same value can be listed again (the expired entry is retired, not in the way)
        add(entry("block", "device", "dev_tmp"));
        awaitCode(tx("card_exp", "term_exp").put("deviceId", "dev_tmp"), "LIST_BLOCK_DEVICE");
        assertEquals(
                "expiry",
                it.db()
                        .query(
                                "SELECT removed_by FROM risk.list_entries WHERE value = 'dev_tmp' AND removed_at IS NOT NULL")
                        .get(0)
                        .get("removed_by"));
    }

    @Test
    void anEntrysReasonAndExpiryAreChangedInPlaceWithBeforeAndAfterInTheChangeLog() throws Exception {
        JsonObject added = add(entry("block", "customer", "cust_edit"));
        long id = added.getLong("id");
        awaitCode(tx("card_edit", "term_edit").put("customerId", "cust_edit"), "LIST_BLOCK_CUSTOMER");
        String path = "/v1/lists/" + id;

        HttpResponse<String> past = send("PATCH", path, "application/json", "{\"expiresAt\":\"2020-01-01T00:00:00Z\"}");
        assertEquals(400, past.statusCode(), past.body());
        assertEquals("expiresAt", new JsonObject(past.body()).getString("field"));
        assertEquals(400, send("PATCH", path, "application/json", "{}").statusCode(), "nothing to change");
        HttpResponse<String> identity = send("PATCH", path, "application/json", "{\"value\":\"cust_other\"}");
        assertEquals(400, identity.statusCode(), "list, kind and value are the entry itself: " + identity.body());
        assertEquals(
                404,
                send("PATCH", "/v1/lists/987654321", "application/json", "{\"reason\":\"x\"}")
                        .statusCode());

        Instant expires = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> changed = send(
                "PATCH",
                path,
                "application/json",
                new JsonObject()
                        .put("reason", "confirmed by the issuer")
                        .put("expiresAt", expires.toString())
                        .encode());
        assertEquals(200, changed.statusCode(), changed.body());
        JsonObject after = new JsonObject(changed.body());
        assertEquals(id, after.getLong("id"), "the same entry");
        assertEquals("confirmed by the issuer", after.getString("reason"));
        assertEquals(expires, Instant.parse(after.getString("expiresAt").replace("+00:00", "Z")));
        JsonObject change = new JsonObject(
                        send("GET", "/v1/risk/changes?limit=1", null, null).body())
                .getJsonArray("items")
                .getJsonObject(0);
        assertEquals("change", change.getString("action"));
        assertEquals(Long.toString(id), change.getString("objectId"));
        assertEquals("test cust_edit", change.getJsonObject("before").getString("reason"));
        assertNull(change.getJsonObject("before").getValue("expiresAt"));
        assertEquals("confirmed by the issuer", change.getJsonObject("after").getString("reason"));
        assertEquals("local-risk", change.getString("actor"));

        // the new expiry is in force on the node: the entry stops matching when it passes
        // polled until the entry no longer matches (it expires on the node's clock), not slept for
        assertEquals(
                "APPROVE",
                awaitCode(tx("card_edit", "term_edit").put("customerId", "cust_edit"), null)
                        .getString("decision"));
        assertEquals(
                404,
                send("PATCH", path, "application/json", "{\"reason\":\"again\"}")
                        .statusCode(),
                "expired: no longer in force");
    }

    @Test
    void badEntriesAreRefusedNamingTheFieldAndTheRule() throws Exception {
        Object[][] cases = {
            {entry("grey", "card", "c1"), "list"},
            {entry("block", "phone", "c1"), "kind"},
            {entry("block", "ip", "999.1.1.1"), "value"},
            {entry("block", "card", "4111111111111111"), "value"},
            {entry("block", "card", "c1").put("reason", ""), "reason"},
            {entry("block", "card", "c1").put("expiresAt", "2001-01-01T00:00:00Z"), "expiresAt"},
        };
        for (Object[] c : cases) {
            HttpResponse<String> r = send("POST", "/v1/lists", "application/json", c[0].toString());
            assertEquals(400, r.statusCode(), r.body());
            assertEquals(c[1], new JsonObject(r.body()).getString("field"), r.body());
        }
        assertEquals(
                "not_a_pan",
                new JsonObject(send(
                                        "POST",
                                        "/v1/lists",
                                        "application/json",
                                        entry("block", "card", "4111111111111111")
                                                .encode())
                                .body())
                        .getString("rule"));
        add(entry("block", "customer", "cust_dup"));
        HttpResponse<String> dup = send(
                "POST",
                "/v1/lists",
                "application/json",
                entry("block", "customer", "cust_dup").encode());
        assertEquals(409, dup.statusCode(), dup.body());
        assertEquals("list_entry_exists", new JsonObject(dup.body()).getString("rule"));
        // the lists are the risk role's: a decide key is refused
        HttpResponse<String> forbidden = it.http().getWithKey("/v1/lists", Http.key(keys, "decide"));
        assertEquals(403, forbidden.statusCode());
    }

    @Test
    void aCsvImportIsAllOrNothingAndANodeStartedLaterChecksTheSameEntries() throws Exception {
        String bad = "list,kind,value,reason\nblock,card,card_csv1,breach\nblock,phone,x,typo\n";
        HttpResponse<String> r = send("POST", "/v1/lists/import", "text/csv", bad);
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("line 3: kind", new JsonObject(r.body()).getString("field"));
        assertEquals(0, it.db().count("SELECT count(*) FROM risk.list_entries WHERE value = 'card_csv1'"));

        String good = "list,kind,value,reason,expiresAt\nblock,card,card_csv1,breach at merchant 12,\n"
                + "block,card,card_csv2,breach at merchant 12," + Instant.now().plus(1, ChronoUnit.DAYS) + "\n"
                + "allow,customer,cust_csv,known good customer,\n";
        r = send("POST", "/v1/lists/import", "text/csv", good);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(3, new JsonObject(r.body()).getInteger("added"));
        awaitCode(tx("card_csv2", "term_csv"), "LIST_BLOCK_CARD");
        // imported again: nothing new
        assertEquals(
                0,
                new JsonObject(send("POST", "/v1/lists/import", "text/csv", good)
                                .body())
                        .getInteger("added"));

        String url = it.node().config().postgres().url();
        try (RunningNode later = RunningNode.start(
                "lists_it_later", c -> c.getJsonObject("postgres").put("url", url))) {
            Http http = new Http(later.node().httpPort(), keys);
            JsonObject d = decide(http, tx("card_csv1", "term_csv"));
            assertEquals("DECLINE", d.getString("decision"), "loaded at start: " + d);
            assertEquals(
                    "LIST_BLOCK_CARD",
                    d.getJsonArray("reasons").getJsonObject(0).getString("code"));
        }
    }
}
