package dev.fraudscore.node.bus;

import dev.fraudscore.domain.Transaction;
import java.io.Serializable;

/** A validated transaction entering the pipeline; {@code receivedNanos} is System.nanoTime() at the edge. */
public record ScoreRequest(Transaction transaction, String fingerprint, Source source, long receivedNanos)
        implements Serializable {}
