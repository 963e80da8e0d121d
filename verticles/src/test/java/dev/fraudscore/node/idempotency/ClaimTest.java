package dev.fraudscore.node.idempotency;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.StageTimings;
import dev.fraudscore.domain.Thresholds;
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

    private static ClaimResult claim(Map.Entry<String, String> e, String fingerprint, long now) {
        return ClaimResult.fromWire(new Claim(fingerprint, now, 5000).process(e));
    }

    @Test
    void claimLifecycle() {
        Map.Entry<String, String> e = entry(null);
        assertEquals(new ClaimResult.Fresh(1000, false), claim(e, "fp", 1000));
        assertEquals(new ClaimResult.InProgress(), claim(e, "fp", 2000));
        assertEquals(new ClaimResult.Conflict(), claim(e, "other", 2000));
        assertEquals(new ClaimResult.Conflict(), claim(e, "f", 2000), "a prefix of the fingerprint is another payload");
        assertEquals(new ClaimResult.Fresh(7000, false), claim(e, "fp", 7000), "a stale claim is taken over");
        e.setValue(IdempotencyEntry.decided("fp", 7000, DECISION).encode());
        assertEquals(new ClaimResult.Decided(DECISION), claim(e, "fp", 8000));
        assertEquals(IdempotencyEntry.decided("fp", 7000, DECISION), IdempotencyEntry.decode(e.getValue()));
    }

    @Test
    void releaseGivesUpOnlyTheCallersOwnUndecidedClaimAndRemembersWhatWasCounted() {
        Map.Entry<String, String> e = entry(null);
        claim(e, "fp", 1000);
        assertFalse(new Release("fp", 999, true).process(e), "another claim (a takeover) is left alone");
        assertFalse(new Release("other", 1000, true).process(e));
        assertTrue(new Release("fp", 1000, true).process(e));
        assertEquals(IdempotencyEntry.released("fp", true), IdempotencyEntry.decode(e.getValue()));
        assertEquals(new ClaimResult.Conflict(), claim(e, "other", 1200), "another payload is still a conflict");
        assertEquals(
                new ClaimResult.Fresh(1500, true),
                claim(e, "fp", 1500),
                "a retry is decided afresh at once, knowing the transaction was counted");
        assertEquals(new ClaimResult.InProgress(), claim(e, "fp", 1600), "and holds the claim");
        assertTrue(new Release("fp", 1500, false).process(e));
        assertEquals(new ClaimResult.Fresh(1700, false), claim(e, "fp", 1700));
        e.setValue(IdempotencyEntry.decided("fp", 1700, DECISION).encode());
        assertFalse(new Release("fp", 1700, true).process(e), "a decided entry is never released");
        assertEquals(new ClaimResult.Decided(DECISION), claim(e, "fp", 1800));
    }

    @Test
    void everyClaimResultSurvivesItsWireForm() {
        for (ClaimResult r : List.of(
                new ClaimResult.Fresh(42, true),
                new ClaimResult.Decided(DECISION),
                new ClaimResult.Conflict(),
                new ClaimResult.InProgress())) {
            assertEquals(r, ClaimResult.fromWire(r.wire()));
        }
    }
}
