package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.node.support.Await;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.KeysCommand;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one client cannot do to another's payments, on a real node, Hazelcast and PostgreSQL: transaction ids are
 * unique per client (another client's use of an id is another transaction, never a 409); a label cannot move a
 * fraud onto a card or terminal the transaction did not touch, cannot pick among clients silently, and cannot
 * overturn a higher source's verdict; a caller's timestamp far from the receive time does not steer the velocity
 * windows unless the client holds the replay role.
 */
class TrustBoundariesIT {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static RunningNode it;
    private static Path keys;
    private static String pspA;
    private static String pspB;

    @BeforeAll
    static void start() throws Exception {
        it = RunningNode.start("trust_it", c -> {});
        keys = it.node().config().security().keysDir();
        String pg = it.node().config().postgres().url();
        pspA = KeysCommand.create(pg, "psp-a", "decide");
        pspB = KeysCommand.create(pg, "psp-b", "decide");
        // in force once the node knows them: 403 (no admin role) instead of 401 on the admin port
        Http admin = new Http(it.node().adminPort());
        for (String key : new String[] {pspA, pspB}) {
            assertTrue(
                    Await.until(
                            () -> admin.getWithKey("/admin/models", key).statusCode() == 403,
                            Duration.ofSeconds(10),
                            50),
                    "the new keys are loaded");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
    }

    private static HttpResponse<String> post(String path, String key, JsonObject body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + it.node().httpPort() + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> label(JsonObject body) throws Exception {
        return post("/v1/labels", Http.key(keys, "label"), body);
    }

    private static void audited(String id, int rows) throws Exception {
        it.db()
                .awaitCount(
                        rows,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = ?",
                        id);
    }

    private static double feature(String id, String client, String name) throws Exception {
        audited(id, 1);
        return ((Number) it.db()
                        .query(
                                "SELECT (features->>?)::float8 AS v FROM analyst.decisions WHERE transaction_id = ?"
                                        + " AND client = ?",
                                name,
                                id,
                                client)
                        .get(0)
                        .get("v"))
                .doubleValue();
    }

    @Test
    void theSameTransactionIdFromTwoClientsIsTwoTransactions() throws Exception {
        HttpResponse<String> a = post("/v1/authorize-check", pspA, Http.tx("shared-1", "card_sa", "term_s", 20));
        assertEquals(200, a.statusCode(), a.body());
        // psp-b did not steal psp-a's id, nor can psp-a's earlier use of it refuse psp-b's payment
        HttpResponse<String> b = post("/v1/authorize-check", pspB, Http.tx("shared-1", "card_sb", "term_s", 99));
        assertEquals(200, b.statusCode(), b.body());
        assertFalse(new JsonObject(b.body()).getBoolean("replayed", false), b.body());
        // within one client the id is still the transaction: another payload is a conflict, the same one a replay
        HttpResponse<String> conflict =
                post("/v1/authorize-check", pspA, Http.tx("shared-1", "card_other", "term_s", 20));
        assertEquals(409, conflict.statusCode(), conflict.body());
        assertEquals("idempotency_conflict", new JsonObject(conflict.body()).getString("rule"));

        audited("shared-1", 2);
        List<Map<String, Object>> rows = it.db()
                .query("SELECT client, card_id FROM audit.decisions WHERE transaction_id = 'shared-1' ORDER BY client");
        assertEquals("psp-a", rows.get(0).get("client"));
        assertEquals("card_sa", rows.get(0).get("card_id"));
        assertEquals("psp-b", rows.get(1).get("client"));
        assertEquals("card_sb", rows.get(1).get("card_id"));

        // a label must say whose transaction it is once two clients used the id
        HttpResponse<String> ambiguous = label(new JsonObject()
                .put("transactionId", "shared-1")
                .put("fraud", true)
                .put("source", "chargeback"));
        assertEquals(409, ambiguous.statusCode(), ambiguous.body());
        assertEquals("ambiguous_transaction", new JsonObject(ambiguous.body()).getString("rule"));
        assertEquals("client", new JsonObject(ambiguous.body()).getString("field"));
        HttpResponse<String> named = label(new JsonObject()
                .put("transactionId", "shared-1")
                .put("client", "psp-b")
                .put("fraud", true)
                .put("source", "chargeback"));
        assertEquals(200, named.statusCode(), named.body());
        assertEquals("psp-b", new JsonObject(named.body()).getString("client"));
        Map<String, Object> stored = it.db()
                .query("SELECT client, card_id, labelled_by FROM audit.labels WHERE transaction_id = 'shared-1'")
                .get(0);
        assertEquals("card_sb", stored.get("card_id"), "the facts of psp-b's transaction");
        assertEquals("local-label", stored.get("labelled_by"));
    }

    @Test
    void aLabelTakesTheFactsFromTheAuditTrailAndCannotMoveAFraudElsewhere() throws Exception {
        JsonObject tx = Http.tx("forge-1", "card_victim_no", "term_real", 15);
        assertEquals(
                200, post("/v1/authorize-check", Http.key(keys, "decide"), tx).statusCode());
        audited("forge-1", 1);
        // a label naming another terminal (to get that terminal's genuine sales declined) is refused
        HttpResponse<String> forged = label(new JsonObject()
                .put("transactionId", "forge-1")
                .put("fraud", true)
                .put("cardId", "card_victim_no")
                .put("terminalId", "term_victim")
                .put("timestamp", tx.getString("timestamp")));
        assertEquals(422, forged.statusCode(), forged.body());
        assertEquals("audit_mismatch", new JsonObject(forged.body()).getString("rule"));
        assertTrue(new JsonObject(forged.body()).getString("error").contains("terminalId"), forged.body());
        assertEquals(0, it.db().count("SELECT count(*) FROM audit.labels WHERE terminal_id = 'term_victim'"));
        // without facts, the audit row's are used
        HttpResponse<String> plain =
                label(new JsonObject().put("transactionId", "forge-1").put("fraud", true));
        assertEquals(200, plain.statusCode(), plain.body());
        assertEquals(
                "term_real",
                it.db()
                        .query("SELECT terminal_id FROM audit.labels WHERE transaction_id = 'forge-1'")
                        .get(0)
                        .get("terminal_id"));
    }

    @Test
    void aVerdictIsChangedOnlyByTheSameOrAHigherSource() throws Exception {
        assertEquals(
                200,
                post("/v1/authorize-check", Http.key(keys, "decide"), Http.tx("prec-1", "card_pr", "term_pr", 40))
                        .statusCode());
        audited("prec-1", 1);
        JsonObject base = new JsonObject().put("transactionId", "prec-1");
        HttpResponse<String> chargeback = label(base.copy().put("fraud", true).put("source", "chargeback"));
        assertEquals(1, new JsonObject(chargeback.body()).getInteger("change"), chargeback.body());
        // a lower source cannot withdraw a confirmed chargeback
        HttpResponse<String> analyst = label(base.copy().put("fraud", false).put("source", "analyst"));
        assertEquals(409, analyst.statusCode(), analyst.body());
        assertEquals("label_precedence", new JsonObject(analyst.body()).getString("rule"));
        HttpResponse<String> unnamed = label(base.copy().put("fraud", false));
        assertEquals(409, unnamed.statusCode(), unnamed.body());
        // agreeing with it changes nothing
        HttpResponse<String> agrees = label(base.copy().put("fraud", true).put("source", "customer"));
        assertEquals(200, agrees.statusCode(), agrees.body());
        assertEquals(0, new JsonObject(agrees.body()).getInteger("change"));
        assertEquals("chargeback", new JsonObject(agrees.body()).getString("source"));
        // the same source may reverse it (a chargeback reversal)
        HttpResponse<String> reversal = label(base.copy().put("fraud", false).put("source", "chargeback"));
        assertEquals(-1, new JsonObject(reversal.body()).getInteger("change"), reversal.body());

        List<Map<String, Object>> history = it.db()
                .query("SELECT fraud, source, labelled_by, client FROM audit.label_history"
                        + " WHERE transaction_id = 'prec-1' ORDER BY id");
        assertEquals(2, history.size(), history.toString());
        for (Map<String, Object> h : history) {
            assertEquals("local-label", h.get("labelled_by"), "who set each verdict");
            assertEquals("local-decide", h.get("client"), "whose transaction");
        }
        assertEquals(0, it.db().count("SELECT count(*) FROM audit.label_outbox"), "both changes applied");
    }

    @Test
    void aTimestampFarFromTheReceiveTimeDoesNotSteerTheVelocityWindows() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String decide = Http.key(keys, "decide");
        // backdated by 2 hours, then dated 23 hours ahead, then now: all three counted now, in one 1-hour window
        JsonObject back = Http.tx("skew-1", "card_skew", "term_skew", 10)
                .put("timestamp", now.minus(2, ChronoUnit.HOURS).toString());
        JsonObject ahead = Http.tx("skew-2", "card_skew", "term_skew", 10)
                .put("timestamp", now.plus(23, ChronoUnit.HOURS).toString());
        JsonObject current = Http.tx("skew-3", "card_skew", "term_skew", 10);
        for (JsonObject tx : List.of(back, ahead, current)) {
            HttpResponse<String> r = post("/v1/authorize-check", decide, tx);
            assertEquals(200, r.statusCode(), r.body());
        }
        assertEquals(3.0, feature("skew-3", "local-decide", "card_count_1h"), "every one counted in the last hour");
        Map<String, Object> row = it.db()
                .query(
                        "SELECT event_time, received_at, counted_at FROM audit.decisions WHERE transaction_id = 'skew-1'")
                .get(0);
        Instant event = ((Timestamp) row.get("event_time")).toInstant();
        Instant received = ((Timestamp) row.get("received_at")).toInstant();
        assertEquals(now.minus(2, ChronoUnit.HOURS), event, "the caller's time is kept");
        assertEquals(received, ((Timestamp) row.get("counted_at")).toInstant(), "counted at the receive time");
        assertTrue(Duration.between(now, received).abs().toSeconds() < 60, received.toString());

        // a client with the replay role has its event times used as sent
        String replay = Http.key(keys, "replay");
        JsonObject old1 = Http.tx("replay-1", "card_rp", "term_rp", 10)
                .put("timestamp", now.minus(30, ChronoUnit.DAYS).toString());
        JsonObject old2 = Http.tx("replay-2", "card_rp", "term_rp", 10)
                .put("timestamp", now.minus(29, ChronoUnit.DAYS).toString());
        assertEquals(200, post("/v1/authorize-check", replay, old1).statusCode());
        assertEquals(200, post("/v1/authorize-check", replay, old2).statusCode());
        assertEquals(1.0, feature("replay-2", "local-replay", "card_count_1h"), "a day apart: one in its hour");
        assertEquals(2.0, feature("replay-2", "local-replay", "card_count_7d"));
        Map<String, Object> replayed = it.db()
                .query("SELECT event_time, counted_at FROM audit.decisions WHERE transaction_id = 'replay-1'")
                .get(0);
        assertEquals(replayed.get("event_time"), replayed.get("counted_at"));
    }
}
