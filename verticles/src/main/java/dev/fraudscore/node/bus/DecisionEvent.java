package dev.fraudscore.node.bus;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Transaction;
import java.io.Serializable;

/**
 * A decision with everything behind it: the input, the feature values the model saw (null when the
 * features stage failed or for an idempotent replay), where it came from and who sent it, and whether it is a
 * replay of an earlier decision for the same transaction id.
 */
public record DecisionEvent(
        Transaction transaction, Source source, float[] features, Decision decision, boolean replayed, Origin origin)
        implements Serializable {}
