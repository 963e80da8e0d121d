package dev.fraudscore.node.bus;

import dev.fraudscore.domain.Reason;

import java.io.Serializable;
import java.util.List;

/** A model's verdict on one row: probability of fraud, the reasons, which model, and the batch it rode in. */
public record ScoreResult(double score, List<Reason> reasons, String modelVersion, int batchSize) implements Serializable {
}
