package dev.fraudscore.node.bus;

import dev.fraudscore.domain.Transaction;
import java.io.Serializable;

/**
 * A validated transaction entering the pipeline; {@code receivedNanos} is System.nanoTime() at the edge.
 * {@code alreadyCounted}: set by the decision stage when an earlier attempt, whose decision was not kept, already
 * counted the transaction in the velocity state.
 */
public record ScoreRequest(
        Transaction transaction, String fingerprint, Source source, long receivedNanos, boolean alreadyCounted)
        implements Serializable {

    public ScoreRequest(Transaction transaction, String fingerprint, Source source, long receivedNanos) {
        this(transaction, fingerprint, source, receivedNanos, false);
    }

    public ScoreRequest counted() {
        return new ScoreRequest(transaction, fingerprint, source, receivedNanos, true);
    }
}
