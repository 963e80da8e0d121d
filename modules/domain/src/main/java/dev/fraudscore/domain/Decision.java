package dev.fraudscore.domain;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * The platform's answer for one transaction. {@code challengerScore}/{@code challengerVersion}: a shadow
 * model's score, recorded but never used for the outcome (NaN and null when none ran). {@code degraded} is set when a stage failed or ran past its
 * deadline and the outcome came from the fail-open / fail-closed policy; {@code degradedReason} says why. {@code
 * canary}: the challenger decided (its card falls in the canary share): {@code modelVersion} is the challenger's, and
 * {@code challengerScore}/{@code challengerVersion} hold the champion's, which scored beside it.
 */
public record Decision(
        String transactionId,
        Outcome outcome,
        double score,
        List<Reason> reasons,
        String modelVersion,
        Thresholds thresholds,
        boolean degraded,
        String degradedReason,
        Instant decidedAt,
        String nodeId,
        StageTimings timings,
        double challengerScore,
        String challengerVersion,
        boolean canary)
        implements Serializable {

    /** A decision of the champion (no canary). */
    public Decision(
            String transactionId,
            Outcome outcome,
            double score,
            List<Reason> reasons,
            String modelVersion,
            Thresholds thresholds,
            boolean degraded,
            String degradedReason,
            Instant decidedAt,
            String nodeId,
            StageTimings timings,
            double challengerScore,
            String challengerVersion) {
        this(
                transactionId,
                outcome,
                score,
                reasons,
                modelVersion,
                thresholds,
                degraded,
                degradedReason,
                decidedAt,
                nodeId,
                timings,
                challengerScore,
                challengerVersion,
                false);
    }
}
