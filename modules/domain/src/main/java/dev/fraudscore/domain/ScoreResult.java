package dev.fraudscore.domain;

import java.io.Serializable;
import java.util.List;

/**
 * A model's verdict on one row: probability of fraud, the reasons, which model and the thresholds that go
 * with it, the batch it rode in, and the challenger's score when one runs in shadow (else NaN and null). {@code canary}:
 * the challenger decided this one (a canary share): the model, score, reasons and thresholds are the challenger's, and
 * {@code challengerScore}/{@code challengerVersion} the champion's.
 */
public record ScoreResult(
        double score,
        List<Reason> reasons,
        String modelVersion,
        Thresholds thresholds,
        int batchSize,
        double challengerScore,
        String challengerVersion,
        boolean canary)
        implements Serializable {

    /** The champion's verdict (no canary). */
    public ScoreResult(
            double score,
            List<Reason> reasons,
            String modelVersion,
            Thresholds thresholds,
            int batchSize,
            double challengerScore,
            String challengerVersion) {
        this(score, reasons, modelVersion, thresholds, batchSize, challengerScore, challengerVersion, false);
    }
}
