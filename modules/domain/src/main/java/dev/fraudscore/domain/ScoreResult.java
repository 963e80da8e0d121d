package dev.fraudscore.domain;

import java.io.Serializable;
import java.util.List;

/**
 * A model's verdict on one row: probability of fraud, the reasons, which model and the thresholds that go
 * with it, the batch it rode in, and the challenger's score when one runs in shadow (else NaN and null).
 */
public record ScoreResult(
        double score,
        List<Reason> reasons,
        String modelVersion,
        Thresholds thresholds,
        int batchSize,
        double challengerScore,
        String challengerVersion)
        implements Serializable {}
