package dev.fraudscore.node.decision;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.ScoreResult;
import dev.fraudscore.domain.StageTimings;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.node.risk.RiskLists;
import java.time.Instant;
import java.util.ArrayList;
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
    private final RiskLists lists;

    public DecisionPolicy(String nodeId, FallbackPolicy fallback, RiskLists lists) {
        this.nodeId = nodeId;
        this.fallback = fallback;
        this.lists = lists;
    }

    /**
     * The thresholds' outcome, unless a list entry decides: a block (wins over an allow) declines, an allow approves;
     * its stable code ({@code LIST_BLOCK_CARD}, ...) comes first in the reasons, the model's score and reasons stay.
     */
    public Decision scored(Transaction tx, ScoreResult score, StageTimings timings, Instant now) {
        RiskLists.Entry listed = lists.match(tx, now);
        Outcome outcome = listed != null ? listed(listed) : score.thresholds().apply(score.score());
        return new Decision(
                tx.transactionId(),
                outcome,
                score.score(),
                withList(listed, score.reasons()),
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

    private static Outcome listed(RiskLists.Entry entry) {
        return entry.list() == RiskLists.ListType.BLOCK ? Outcome.DECLINE : Outcome.APPROVE;
    }

    private static List<Reason> withList(RiskLists.Entry entry, List<Reason> model) {
        if (entry == null) {
            return model;
        }
        List<Reason> out = new ArrayList<>(model.size() + 1);
        out.add(new Reason(entry.code(), Double.NaN, 0));
        out.addAll(model);
        return out;
    }

    /** {@code why}: which dependency failed ({@link #FEATURES_UNAVAILABLE}, ...); the outcome is the fallback's. */
    public Decision degraded(Transaction tx, String why, Thresholds thresholds, StageTimings timings, Instant now) {
        RiskLists.Entry listed = lists.match(tx, now);
        Outcome outcome = listed != null ? listed(listed) : fallback.outcome(tx);
        return new Decision(
                tx.transactionId(),
                outcome,
                Double.NaN,
                withList(listed, List.of()),
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
