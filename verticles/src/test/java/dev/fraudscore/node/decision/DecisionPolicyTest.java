package dev.fraudscore.node.decision;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.ScoreResult;
import dev.fraudscore.domain.StageTimings;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.node.config.NodeConfig.FailMode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionPolicyTest {
    private static final Thresholds THRESHOLDS = new Thresholds(0.5, 0.9);
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
        DecisionPolicy policy = new DecisionPolicy("node-a", FailMode.OPEN);
        assertEquals(
                Outcome.APPROVE, policy.scored(TX, score(0.49), TIMINGS, NOW).outcome());
        assertEquals(Outcome.REVIEW, policy.scored(TX, score(0.5), TIMINGS, NOW).outcome());
        assertEquals(
                Outcome.DECLINE, policy.scored(TX, score(0.9), TIMINGS, NOW).outcome());
        Decision d = policy.scored(TX, score(0.7), TIMINGS, NOW);
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
    void aDegradedDecisionIsFlaggedUnscoredAndFollowsTheFailMode() {
        Decision open = new DecisionPolicy("n", FailMode.OPEN)
                .degraded(TX, DecisionPolicy.SCORING_UNAVAILABLE, THRESHOLDS, TIMINGS, NOW);
        assertEquals(Outcome.APPROVE, open.outcome());
        assertTrue(open.degraded());
        assertEquals("scoring_unavailable", open.degradedReason());
        assertTrue(Double.isNaN(open.score()));
        assertNull(open.modelVersion());
        assertTrue(open.reasons().isEmpty());
        Decision closed = new DecisionPolicy("n", FailMode.CLOSED)
                .degraded(TX, DecisionPolicy.FEATURES_UNAVAILABLE, THRESHOLDS, TIMINGS, NOW);
        assertEquals(Outcome.DECLINE, closed.outcome());
        assertEquals("features_unavailable", closed.degradedReason());
    }
}
