package dev.fraudscore.node.features;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.node.bus.Decision;
import dev.fraudscore.node.bus.StageTimings;
import dev.fraudscore.node.json.DecisionCodec;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimTest {
    private static final Decision DECISION = new Decision(
            "t1",
            Outcome.DECLINE,
            0.97,
            List.of(new Reason("AMOUNT", 950.5, 2.25)),
            "xgb-1",
            new Thresholds(0.5, 0.9),
            false,
            null,
            Instant.parse("2026-11-21T10:00:00.123456Z"),
            "node-a",
            new StageTimings(1, 2, 3, 6),
            Double.NaN,
            null);

    private static Map.Entry<String, String> entry(String value) {
        return new AbstractMap.SimpleEntry<>("t1", value);
    }

    @Test
    void decisionSurvivesTheCompactCodecExactly() {
        assertEquals(DECISION, DecisionCodec.decode(DecisionCodec.encode(DECISION)));
        Decision degraded = new Decision(
                "t2",
                Outcome.APPROVE,
                Double.NaN,
                List.of(),
                null,
                new Thresholds(0.5, 0.9),
                true,
                "scoring_unavailable",
                Instant.EPOCH,
                "n",
                new StageTimings(0, 0, 0, 0),
                0.3,
                "challenger-1");
        assertEquals(degraded, DecisionCodec.decode(DecisionCodec.encode(degraded)));
        // a missing feature value can be a reason: NaN must survive too
        Decision nanReason = new Decision(
                "t3",
                Outcome.REVIEW,
                0.6,
                List.of(new Reason("AMOUNT_VS_CARD_BASELINE", Double.NaN, 0.8)),
                "xgb-1",
                new Thresholds(0.5, 0.9),
                false,
                null,
                Instant.EPOCH,
                "n",
                new StageTimings(0, 0, 0, 0),
                Double.NaN,
                null);
        assertEquals(nanReason, DecisionCodec.decode(DecisionCodec.encode(nanReason)));
    }

    @Test
    void claimLifecycle() {
        Map.Entry<String, String> e = entry(null);
        assertEquals(Claim.NEW, new Claim("fp", 1000, 5000).process(e));
        assertEquals(Claim.IN_PROGRESS, new Claim("fp", 2000, 5000).process(e));
        assertEquals(Claim.CONFLICT, new Claim("other", 2000, 5000).process(e));
        assertEquals(
                Claim.CONFLICT,
                new Claim("f", 2000, 5000).process(e),
                "a prefix of the fingerprint is another payload");
        assertEquals(Claim.NEW, new Claim("fp", 7000, 5000).process(e), "a stale claim is taken over");
        e.setValue(new IdempotencyEntry("fp", 7000, DECISION).encode());
        String decided = new Claim("fp", 8000, 5000).process(e);
        assertTrue(decided.startsWith(Claim.DECIDED));
        assertEquals(DECISION, DecisionCodec.decode(decided.substring(Claim.DECIDED.length())));
        assertEquals(new IdempotencyEntry("fp", 7000, DECISION), IdempotencyEntry.decode(e.getValue()));
    }
}
