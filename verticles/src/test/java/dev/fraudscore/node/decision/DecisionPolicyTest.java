package dev.fraudscore.node.decision;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.domain.Channel;
import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.ScoreResult;
import dev.fraudscore.domain.StageTimings;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.node.risk.RiskLists;
import dev.fraudscore.node.risk.RiskRules;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionPolicyTest {
    private static final Thresholds THRESHOLDS = new Thresholds(0.5, 0.9);
    private static final FallbackPolicy FALLBACK = new FallbackPolicy(
            FallbackPolicy.parse(List.of("50 APPROVE", "500 REVIEW", "DECLINE")),
            Map.of(Channel.ECOM, FallbackPolicy.parse(List.of("25 APPROVE", "250 REVIEW", "DECLINE"))));
    private static final StageTimings TIMINGS = new StageTimings(1, 2, 3, 6);
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final Transaction TX = new Transaction(
            "t-1",
            "card_1",
            "term_1",
            new BigDecimal("42.50"),
            "EUR",
            OffsetDateTime.parse("2026-11-24T09:59:59Z"),
            null,
            null,
            null,
            null,
            null,
            null);

    private static ScoreResult score(double s) {
        return new ScoreResult(s, List.of(new Reason("AMOUNT", 42.5, 1.2)), "xgb-1", THRESHOLDS, 1, 0.3, "xgb-2");
    }

    @Test
    void aScoreIsJudgedAgainstItsModelsThresholds() {
        DecisionPolicy policy = new DecisionPolicy("node-a", FALLBACK, new RiskLists(), new RiskRules());
        assertEquals(
                Outcome.APPROVE,
                policy.scored(TX, score(0.49), null, TIMINGS, NOW).outcome());
        assertEquals(
                Outcome.REVIEW,
                policy.scored(TX, score(0.5), null, TIMINGS, NOW).outcome());
        assertEquals(
                Outcome.DECLINE,
                policy.scored(TX, score(0.9), null, TIMINGS, NOW).outcome());
        Decision d = policy.scored(TX, score(0.7), null, TIMINGS, NOW);
        assertEquals("t-1", d.transactionId());
        assertEquals(0.7, d.score());
        assertEquals("xgb-1", d.modelVersion());
        assertEquals("AMOUNT", d.reasons().get(0).code());
        assertFalse(d.degraded());
        assertNull(d.degradedReason());
        assertEquals(0.3, d.challengerScore());
        assertEquals("xgb-2", d.challengerVersion());
        assertEquals("node-a", d.nodeId());
        assertEquals(NOW, d.decidedAt());
        assertEquals(TIMINGS, d.timings());
    }

    @Test
    void aDegradedDecisionIsFlaggedUnscoredAndFollowsTheFallbackTiers() {
        DecisionPolicy policy = new DecisionPolicy("n", FALLBACK, new RiskLists(), new RiskRules());
        Decision small = policy.degraded(TX, DecisionPolicy.SCORING_UNAVAILABLE, THRESHOLDS, TIMINGS, NOW);
        assertEquals(Outcome.APPROVE, small.outcome(), "42.50 is within the first tier");
        assertTrue(small.degraded());
        assertEquals("scoring_unavailable", small.degradedReason());
        assertTrue(Double.isNaN(small.score()));
        assertNull(small.modelVersion());
        assertTrue(small.reasons().isEmpty());
        Decision ecom = policy.degraded(
                withChannel(TX, Channel.ECOM), DecisionPolicy.FEATURES_UNAVAILABLE, THRESHOLDS, TIMINGS, NOW);
        assertEquals(Outcome.REVIEW, ecom.outcome(), "card not present has lower tiers");
        assertEquals("features_unavailable", ecom.degradedReason());
    }

    @Test
    void tiersAreInclusiveAscendingAndEndWithACatchAll() {
        FallbackPolicy p = new FallbackPolicy(
                FallbackPolicy.parse(List.of("50 APPROVE", "500 REVIEW", "DECLINE")),
                Map.of(Channel.ATM, FallbackPolicy.parse(List.of("100 APPROVE", "DECLINE"))));
        assertEquals(Outcome.APPROVE, p.outcome(amount("50")));
        assertEquals(Outcome.REVIEW, p.outcome(amount("50.01")));
        assertEquals(Outcome.REVIEW, p.outcome(amount("500")));
        assertEquals(Outcome.DECLINE, p.outcome(amount("500.01")));
        assertEquals(Outcome.APPROVE, p.outcome(amount("0")), "a card verification");
        assertEquals(Outcome.DECLINE, p.outcome(withChannel(amount("150"), Channel.ATM)), "ATM: no review");
        assertEquals(Outcome.REVIEW, p.outcome(withChannel(amount("150"), Channel.POS)), "no own tiers: the default");
        assertNull(FallbackPolicy.parse(List.of()), "empty: the default tiers");
        for (List<String> bad : List.of(
                List.of("50 APPROVE"),
                List.of("500 APPROVE", "50 REVIEW", "DECLINE"),
                List.of("APPROVE", "DECLINE"),
                List.of("fifty APPROVE", "DECLINE"),
                List.of("50 MAYBE", "DECLINE"))) {
            assertThrows(IllegalArgumentException.class, () -> FallbackPolicy.parse(bad), bad.toString());
        }
    }

    private static Transaction amount(String a) {
        return new Transaction(
                "t", "c", "m", new BigDecimal(a), "EUR", TX.timestamp(), null, null, null, null, null, null);
    }

    private static Transaction withChannel(Transaction t, Channel channel) {
        return new Transaction(
                t.transactionId(),
                t.cardId(),
                t.terminalId(),
                t.amount(),
                t.currency(),
                t.timestamp(),
                t.customerId(),
                t.deviceId(),
                t.ipAddress(),
                t.mcc(),
                t.country(),
                channel);
    }
}
