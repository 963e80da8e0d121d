package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.bench.PrometheusText;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.support.Await;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dependency that fails (here the model: every message to the scoring stage is dropped, so each score misses
 * its deadline): decisions follow the fallback tiers, are flagged, are never kept for replay (the retry is
 * decided afresh and counted once), and the stage's circuit breaker opens, fails fast, probes and closes again.
 */
class FallbackAndBreakersIT {
    private static RunningNode it;

    @BeforeAll
    static void start() throws Exception {
        it = RunningNode.start("fallback_it", c -> {
            c.getJsonObject("scoring").put("timeoutMs", 300);
            c.getJsonObject("breakers")
                    .put("windowCalls", 10)
                    .put("minimumCalls", 4)
                    .put("openMs", 1500)
                    .put("halfOpenCalls", 2);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
    }

    private static final Handler<DeliveryContext<Object>> DROP_SCORING = ctx -> {
        if (!ctx.message().address().equals(Addresses.SCORING_SCORE)) {
            ctx.next();
        }
    };

    private static JsonObject decide(JsonObject tx) throws Exception {
        HttpResponse<String> r = it.http().authorize(tx);
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    private static PrometheusText metrics() throws Exception {
        return PrometheusText.parse(it.ops().get("/metrics").body());
    }

    private static double breaker(String stage) throws Exception {
        return metrics().sum("fraud_breaker_state", s -> stage.equals(s.label("stage")));
    }

    @Test
    void whileTheModelFailsDecisionsFollowTheFallbackAndARetryAfterwardsIsDecidedAfreshAndCountedOnce()
            throws Exception {
        JsonObject small = Http.tx("fb-small", "card_fb", "term_fb", 20);
        JsonObject medium = Http.tx("fb-medium", "card_fb", "term_fb", 300);
        JsonObject ecom = Http.tx("fb-ecom", "card_fb", "term_fb", 300).put("channel", "ECOM");
        it.node().vertx().eventBus().addOutboundInterceptor(DROP_SCORING);
        try {
            JsonObject a = decide(small);
            assertTrue(a.getBoolean("degraded"));
            assertEquals("scoring_unavailable", a.getString("degradedReason"));
            assertNull(a.getValue("score"));
            assertEquals("APPROVE", a.getString("decision"), "20 EUR: the first tier (up to 50)");
            assertEquals("REVIEW", decide(medium).getString("decision"), "300 EUR: the second tier (up to 500)");
            assertEquals("DECLINE", decide(ecom).getString("decision"), "300 EUR card-not-present: above 250");
        } finally {
            it.node().vertx().eventBus().removeOutboundInterceptor(DROP_SCORING);
        }
        awaitClosed("scoring");
        // the degraded answers were not kept: the same requests now get scored decisions, not replays
        for (JsonObject tx : new JsonObject[] {small, medium, ecom}) {
            HttpResponse<String> again = it.http().authorize(tx);
            assertEquals(200, again.statusCode(), again.body());
            JsonObject d = new JsonObject(again.body());
            assertFalse(d.getBoolean("degraded"), d.encode());
            assertFalse(d.getBoolean("replayed", false), d.encode());
            assertNotNull(d.getValue("score"));
        }
        // each of the three counted once in the card's velocity, whatever happened to its first attempt
        decide(Http.tx("fb-after", "card_fb", "term_fb", 5));
        it.db()
                .awaitCount(
                        1,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'fb-after'");
        assertEquals(
                4.0,
                ((Number) it.db()
                                .query("SELECT (features->>'card_count_1h')::float8 AS c FROM analyst.decisions "
                                        + "WHERE transaction_id = 'fb-after'")
                                .get(0)
                                .get("c"))
                        .doubleValue());
        assertTrue(
                metrics().sum("fraud_decisions_degraded_total", s -> "scoring_unavailable".equals(s.label("reason")))
                        >= 3,
                "degraded decisions are counted by reason");
    }

    @Test
    void aStageThatKeepsFailingTripsItsBreakerFailsFastAndClosesAgainOnceItRecovers() throws Exception {
        assertEquals(0.0, breaker("scoring"));
        it.node().vertx().eventBus().addOutboundInterceptor(DROP_SCORING);
        try {
            for (int i = 0; i < 4; i++) {
                decide(Http.tx("br-" + i, "card_br", "term_br", 10 + i));
            }
            assertTrue(Await.until(() -> breaker("scoring") == 1.0, Duration.ofSeconds(5), 20), "the breaker opened");
            // open: the next decision goes straight to the fallback instead of waiting out the 300 ms deadline
            JsonObject fast = decide(Http.tx("br-fast", "card_br", "term_br", 10));
            assertTrue(fast.getBoolean("degraded"));
            assertTrue(fast.getDouble("tookMs") < 150, "failed fast: " + fast.getDouble("tookMs") + " ms");
        } finally {
            it.node().vertx().eventBus().removeOutboundInterceptor(DROP_SCORING);
        }
        awaitClosed("scoring");
        assertFalse(decide(Http.tx("br-healthy", "card_br", "term_br", 10)).getBoolean("degraded"));
    }

    /** Decisions keep coming (each probes the breaker once it is half-open) until the breaker has closed. */
    private static void awaitClosed(String stage) throws Exception {
        int[] n = {0};
        assertTrue(
                Await.until(
                        () -> {
                            it.http()
                                    .authorize(Http.tx("probe-" + stage + "-" + n[0]++, "card_probe", "term_probe", 1));
                            return breaker(stage) == 0.0;
                        },
                        Duration.ofSeconds(20),
                        200),
                "the " + stage + " breaker closed again once the stage answered");
    }
}
