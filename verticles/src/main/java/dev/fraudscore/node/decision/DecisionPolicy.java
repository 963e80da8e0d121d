package dev.fraudscore.node.decision;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.ScoreResult;
import dev.fraudscore.domain.StageTimings;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.Transaction;
import java.time.Instant;
import java.util.List;

/**
 * What the platform answers for a transaction: the model's score against the thresholds when there is one,
 * else a degraded decision (flagged, with the reason, no score) whose outcome the {@link FallbackPolicy} sets. Plain
 * logic: no Vert.x, no clock of its own.
 */
public final class DecisionPolicy {
    public static final String FEATURES_UNAVAILABLE = "features_unavailable";
    public static final String SCORING_UNAVAILABLE = "scoring_unavailable";
    public static final String IDEMPOTENCY_UNAVAILABLE = "idempotency_unavailable";

    private final String nodeId;
    private final FallbackPolicy fallback;

    public DecisionPolicy(String nodeId, FallbackPolicy fallback) {
        this.nodeId = nodeId;
        this.fallback = fallback;
    }

    public Decision scored(Transaction tx, ScoreResult score, StageTimings timings, Instant now) {
        Outcome outcome = score.thresholds().apply(score.score());
        return new Decision(
                tx.transactionId(),
                outcome,
                score.score(),
                score.reasons(),
                score.modelVersion(),
                score.thresholds(),
                false,
                null,
                now,
                nodeId,
                timings,
                score.challengerScore(),
                score.challengerVersion());
    }

    /** {@code why}: which dependency failed ({@link #FEATURES_UNAVAILABLE}, ...); the outcome is the fallback's. */
    public Decision degraded(Transaction tx, String why, Thresholds thresholds, StageTimings timings, Instant now) {
        Outcome outcome = fallback.outcome(tx);
        return new Decision(
                tx.transactionId(),
                outcome,
                Double.NaN,
                List.of(),
                null,
                thresholds,
                true,
                why,
                now,
                nodeId,
                timings,
                Double.NaN,
                null);
    }
}
