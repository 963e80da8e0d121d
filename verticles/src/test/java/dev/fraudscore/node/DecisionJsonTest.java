package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.StageTimings;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.node.json.DecisionCodec;
import dev.fraudscore.node.json.DecisionJson;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionJsonTest {
    private static Decision decision(double score, boolean degraded) {
        return new Decision(
                "t1",
                Outcome.REVIEW,
                score,
                List.of(new Reason("AMOUNT", 950.0, 2.34567f)),
                degraded ? null : "xgb-1",
                new Thresholds(0.5, 0.9),
                degraded,
                degraded ? "scoring_unavailable" : null,
                Instant.parse("2026-11-21T10:00:00Z"),
                "node-a",
                new StageTimings(10, 20, 30, 70),
                Double.NaN,
                null);
    }

    @Test
    void responseCarriesDecisionScoreReasonsModelAndThresholds() {
        JsonObject j = DecisionJson.decision(decision(0.61234567, false), false, 1.5);
        assertEquals("REVIEW", j.getString("decision"));
        assertEquals(0.612346, j.getDouble("score"));
        assertEquals("AMOUNT", j.getJsonArray("reasons").getJsonObject(0).getString("code"));
        assertEquals(2.3457, j.getJsonArray("reasons").getJsonObject(0).getDouble("contribution"));
        assertEquals(0.9, j.getJsonObject("thresholds").getDouble("decline"));
        assertEquals(70, j.getJsonObject("timingsMicros").getLong("total"));
        assertFalse(j.containsKey("replayed"));
        assertFalse(j.containsKey("degradedReason"));
    }

    @Test
    void degradedDecisionHasNullScoreAndSaysWhy() {
        JsonObject j = DecisionJson.decision(decision(Double.NaN, true), true, 1.5);
        assertTrue(j.containsKey("score"));
        assertNull(j.getValue("score"));
        assertEquals("scoring_unavailable", j.getString("degradedReason"));
        assertTrue(j.getBoolean("replayed"));
        assertDoesNotThrow(j::encode);
    }

    @Test
    void aCanaryDecisionIsMarkedAndSurvivesTheCompactCodecAsAChampionsDoes() {
        Decision champion = decision(0.2, false);
        Decision canary = new Decision(
                "t2",
                Outcome.APPROVE,
                0.1,
                List.of(),
                "xgb-challenger",
                new Thresholds(0.5, 0.9),
                false,
                null,
                Instant.parse("2026-11-21T10:00:00Z"),
                "node-a",
                new StageTimings(1, 2, 3, 6),
                0.3,
                "xgb-1",
                true);
        assertEquals(champion, DecisionCodec.decode(DecisionCodec.encode(champion)));
        assertEquals(canary, DecisionCodec.decode(DecisionCodec.encode(canary)));
        assertTrue(DecisionJson.decision(canary, false, 1).getBoolean("canary"));
        assertFalse(DecisionJson.decision(champion, false, 1).containsKey("canary"));
    }
}
