package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.bench.PrometheusText;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.support.Await;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What happens when a stage or PostgreSQL fails, on a real node with fail-closed policy: a scoring stage
 * that never answers yields a flagged DECLINE within the deadline; audit rows PostgreSQL refuses wait in
 * the decision log and reach the table once it accepts inserts again; a node whose log reaches
 * {@code audit.logMaxBytes} refuses checks (503) and is not ready, and takes them again once the rows are in.
 */
class DegradedAndAuditLogIT {
    private static RunningNode it;

    @BeforeAll
    static void start() throws Exception {
        it = RunningNode.start("degraded_it", c -> {
            c.getJsonObject("scoring").put("timeoutMs", 300);
            c.getJsonObject("decision").getJsonObject("fallback").put("default", new JsonArray().add("DECLINE"));
            c.getJsonObject("audit").put("retryIntervalMs", 200);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
    }

    @Test
    void scoringThatNeverAnswersGivesAFlaggedFailClosedDecision() throws Exception {
        // drop every message to the scoring stage: the request to it can only time out
        Handler<DeliveryContext<Object>> drop = ctx -> {
            if (!ctx.message().address().equals(Addresses.SCORING_SCORE)) {
                ctx.next();
            }
        };
        it.node().vertx().eventBus().addOutboundInterceptor(drop);
        HttpResponse<String> r;
        try {
            r = it.http().authorize(Http.tx("deg-1", "card_deg", "term_deg", 30));
        } finally {
            it.node().vertx().eventBus().removeOutboundInterceptor(drop);
        }
        assertEquals(200, r.statusCode(), r.body());
        JsonObject d = new JsonObject(r.body());
        assertTrue(d.getBoolean("degraded"));
        assertEquals("scoring_unavailable", d.getString("degradedReason"));
        assertEquals("DECLINE", d.getString("decision"));
        assertNull(d.getValue("score"));
        assertTrue(
                d.getDouble("tookMs") < 5_000, "answered near the 300 ms deadline, not hung: " + d.getDouble("tookMs"));

        it.db()
                .awaitCount(
                        1,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'deg-1'");
        Map<String, Object> row = it.db()
                .query("SELECT degraded, degraded_reason, score, decision, features FROM analyst.decisions "
                        + "WHERE transaction_id = 'deg-1'")
                .get(0);
        assertEquals(true, row.get("degraded"));
        assertEquals("scoring_unavailable", row.get("degraded_reason"));
        assertNull(row.get("score"));
        assertNotNull(row.get("features"), "the features were computed; only scoring failed");

        // once scoring answers again, decisions are scored normally
        JsonObject next = new JsonObject(it.http()
                .authorize(Http.tx("deg-2", "card_deg", "term_deg", 30))
                .body());
        assertFalse(next.getBoolean("degraded"));
    }

    @Test
    void auditRowsRefusedByPostgresWaitInTheDecisionLogAndArriveLater() throws Exception {
        refuseInserts("refuse");
        try {
            for (int i = 0; i < 25; i++) {
                HttpResponse<String> r = it.http().authorize(Http.tx("wait-" + i, "card_wait", "term_s", 10 + i));
                assertEquals(200, r.statusCode(), "decisions go on while PostgreSQL refuses rows: " + r.body());
            }
            assertTrue(waitingBytes(it) > 0, "the rows wait in the decision log");
            assertEquals(0, it.db().count("SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'wait-%'"));
        } finally {
            it.db().execute("DROP TRIGGER refuse ON audit.decisions");
        }
        assertEquals(
                25,
                it.db()
                        .awaitCount(
                                25,
                                Duration.ofSeconds(30),
                                "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'wait-%'"));
        assertTrue(Await.until(() -> waitingBytes(it) == 0, Duration.ofSeconds(10), 50), "nothing left waiting");
    }

    @Test
    void aNodeWhoseDecisionLogIsFullRefusesChecksAndIsNotReadyUntilPostgresTakesTheRows() throws Exception {
        try (RunningNode small = RunningNode.start(
                "audit_cap_it",
                c -> c.getJsonObject("audit")
                        .put("logMaxBytes", 8192)
                        .put("segmentBytes", 4096)
                        .put("retryIntervalMs", 200))) {
            refuseInsertsOn(small, "refuse_cap");
            int decided = 0;
            HttpResponse<String> r = null;
            try {
                for (int i = 0; i < 200; i++) {
                    r = small.http().authorize(Http.tx("cap-" + i, "card_cap", "term_cap", 10));
                    if (r.statusCode() != 200) {
                        break;
                    }
                    decided++;
                }
                assertEquals(503, r.statusCode(), "past audit.logMaxBytes: " + r.body());
                assertEquals("unavailable", new JsonObject(r.body()).getString("rule"), r.body());
                assertNotNull(r.headers().firstValue("Retry-After").orElse(null));
                assertTrue(
                        Await.until(
                                () -> small.http().get("/health/ready").statusCode() == 503,
                                Duration.ofSeconds(10),
                                100),
                        "not ready while the log is full");
                String ready = small.ops().get("/health").body(); // the details: admin port
                assertEquals(
                        "DOWN",
                        new JsonObject(ready)
                                .getJsonObject("checks")
                                .getJsonObject("audit-log")
                                .getString("status"),
                        ready);
            } finally {
                small.db().execute("DROP TRIGGER refuse_cap ON audit.decisions");
            }
            assertEquals(
                    decided,
                    small.db()
                            .awaitCount(
                                    decided,
                                    Duration.ofSeconds(30),
                                    "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'cap-%'"));
            assertTrue(
                    Await.until(
                            () -> small.http().get("/health/ready").statusCode() == 200, Duration.ofSeconds(10), 100),
                    "ready again once the rows are in PostgreSQL");
            assertEquals(
                    200,
                    small.http()
                            .authorize(Http.tx("cap-after", "card_cap", "term_cap", 10))
                            .statusCode());
        }
    }

    private static void refuseInserts(String name) throws Exception {
        refuseInsertsOn(it, name);
    }

    private static void refuseInsertsOn(RunningNode node, String name) throws Exception {
        node.db()
                .execute("CREATE OR REPLACE FUNCTION audit." + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "RAISE EXCEPTION 'audit outage drill'; END $$");
        node.db()
                .execute("CREATE TRIGGER " + name
                        + " BEFORE INSERT ON audit.decisions FOR EACH ROW EXECUTE FUNCTION audit." + name + "()");
    }

    private static double waitingBytes(RunningNode node) throws Exception {
        return PrometheusText.parse(node.ops().get("/metrics").body())
                .max("fraud_audit_log_bytes")
                .orElseThrow();
    }
}
