package dev.fraudscore.node.bus;

import dev.fraudscore.domain.Transaction;
import java.io.Serializable;

/**
 * A validated transaction entering the pipeline, with its {@link Origin}; {@code receivedNanos} is System.nanoTime()
 * at the edge. {@code alreadyCounted}: set by the decision stage when an earlier attempt, whose decision was not
 * kept, already counted the transaction in the velocity state.
 */
public record ScoreRequest(
        Transaction transaction,
        String fingerprint,
        Source source,
        long receivedNanos,
        boolean alreadyCounted,
        Origin origin)
        implements Serializable {

    public ScoreRequest(Transaction transaction, Source source, long receivedNanos, Origin origin) {
        this(transaction, transaction.fingerprint(), source, receivedNanos, false, origin);
    }

    public ScoreRequest counted() {
        return new ScoreRequest(transaction, fingerprint, source, receivedNanos, true, origin);
    }

    /** The idempotency and de-duplication key: the transaction id within its client's ids. */
    public String scopedId() {
        return origin.scope(transaction.transactionId());
    }
}
