package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.support.Await;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What happens when a stage or PostgreSQL fails, on a real node with fail-closed policy: a scoring stage
 * that never answers yields a flagged DECLINE within the deadline; audit rows PostgreSQL refuses wait in
 * the spool and reach the table once it accepts inserts again.
 */
class DegradedAndSpoolIT {
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
                .query("SELECT degraded, degraded_reason, score, decision, features FROM audit.decisions "
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
    void auditRowsRefusedByPostgresWaitInTheSpoolAndArriveLater() throws Exception {
        it.db()
                .execute("CREATE FUNCTION audit.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "RAISE EXCEPTION 'audit outage drill'; END $$");
        it.db()
                .execute(
                        "CREATE TRIGGER refuse BEFORE INSERT ON audit.decisions FOR EACH ROW EXECUTE FUNCTION audit.refuse()");
        try {
            for (int i = 0; i < 25; i++) {
                HttpResponse<String> r = it.http().authorize(Http.tx("spool-" + i, "card_spool", "term_s", 10 + i));
                assertEquals(200, r.statusCode(), "decisions go on while PostgreSQL refuses rows: " + r.body());
            }
            Path spool = it.node().config().audit().spoolDir();
            Await.until(() -> spooled(spool) > 0, Duration.ofSeconds(20), 50);
            assertTrue(spooled(spool) > 0, "refused batches are in the spool");
            assertEquals(0, it.db().count("SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'spool-%'"));
        } finally {
            it.db().execute("DROP TRIGGER refuse ON audit.decisions");
        }
        assertEquals(
                25,
                it.db()
                        .awaitCount(
                                25,
                                Duration.ofSeconds(30),
                                "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'spool-%'"));
        Await.until(() -> spooled(it.node().config().audit().spoolDir()) == 0, Duration.ofSeconds(10), 50);
        assertEquals(0, spooled(it.node().config().audit().spoolDir()), "replayed batches leave the spool");
    }

    private static long spooled(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().contains(".batch.json"))
                    .count();
        }
    }
}
