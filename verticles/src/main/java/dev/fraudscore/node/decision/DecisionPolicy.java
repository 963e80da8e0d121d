package dev.fraudscore.node.decision;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.ScoreResult;
import dev.fraudscore.domain.StageTimings;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.node.risk.RiskLists;
import dev.fraudscore.node.risk.RiskRules;
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
    private final RiskRules rules;

    public DecisionPolicy(String nodeId, FallbackPolicy fallback, RiskLists lists, RiskRules rules) {
        this.nodeId = nodeId;
        this.fallback = fallback;
        this.lists = lists;
        this.rules = rules;
    }

    /**
     * The outcome, first of: a list entry (a block, which wins over an allow, declines; an allow approves), the first
     * active rule with an action that holds, the thresholds applied to the model's score plus the score adjustments of
     * the active rules that held. The list's code comes first in the reasons, then the codes of the rules that held
     * (shadow ones as {@code SHADOW_..}), then the model's; the decision's score stays the model's.
     * {@code features}: the row the model scored.
     */
    public Decision scored(Transaction tx, ScoreResult score, float[] features, StageTimings timings, Instant now) {
        RiskLists.Entry listed = lists.match(tx, now);
        RiskRules.Verdict ruled = rules.evaluate(tx, features, score.score(), listed);
        Outcome outcome = listed != null ? listed(listed) : ruled.outcome(score.thresholds(), score.score());
        return new Decision(
                tx.transactionId(),
                outcome,
                score.score(),
                reasons(listed, ruled, score.reasons()),
                score.modelVersion(),
                score.thresholds(),
                false,
                null,
                now,
                nodeId,
                timings,
                score.challengerScore(),
                score.challengerVersion(),
                score.canary());
    }

    private static Outcome listed(RiskLists.Entry entry) {
        return entry.list() == RiskLists.ListType.BLOCK ? Outcome.DECLINE : Outcome.APPROVE;
    }

    private static List<Reason> reasons(RiskLists.Entry entry, RiskRules.Verdict ruled, List<Reason> model) {
        if (entry == null && ruled.reasons().isEmpty()) {
            return model;
        }
        List<Reason> out = new ArrayList<>(model.size() + 1 + ruled.reasons().size());
        if (entry != null) {
            out.add(new Reason(entry.code(), Double.NaN, 0));
        }
        out.addAll(ruled.reasons());
        out.addAll(model);
        return out;
    }

    /** {@code why}: which dependency failed ({@link #FEATURES_UNAVAILABLE}, ...); the outcome is the fallback's. */
    public Decision degraded(Transaction tx, String why, Thresholds thresholds, StageTimings timings, Instant now) {
        RiskLists.Entry listed = lists.match(tx, now);
        RiskRules.Verdict ruled = rules.evaluate(tx, null, Double.NaN, listed);
        Outcome outcome =
                listed != null ? listed(listed) : ruled.outcome() != null ? ruled.outcome() : fallback.outcome(tx);
        return new Decision(
                tx.transactionId(),
                outcome,
                Double.NaN,
                reasons(listed, ruled, List.of()),
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
