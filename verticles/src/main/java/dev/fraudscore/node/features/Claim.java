package dev.fraudscore.node.features;

import com.hazelcast.map.EntryProcessor;
import dev.fraudscore.node.bus.Decision;

import java.io.Serializable;
import java.util.Map;

/**
 * Claims a transaction id for deciding, atomically on the key's owner. Outcomes: NEW (this caller
 * decides), DECIDED (same payload, decision known: return it), CONFLICT (the id was used with another
 * payload), IN_PROGRESS (same payload, still being decided elsewhere). A claim older than the stale limit
 * with no decision (its node died mid-decision) is taken over; the velocity update dedupes by transaction
 * id, so the takeover does not count the transaction twice.
 */
public final class Claim implements EntryProcessor<String, IdempotencyEntry, Claim.Result> {
    public enum Status { NEW, DECIDED, CONFLICT, IN_PROGRESS }

    public record Result(Status status, Decision decision) implements Serializable {
    }

    private final String fingerprint;
    private final long nowMillis;
    private final long staleMillis;

    public Claim(String fingerprint, long nowMillis, long staleMillis) {
        this.fingerprint = fingerprint;
        this.nowMillis = nowMillis;
        this.staleMillis = staleMillis;
    }

    @Override
    public Result process(Map.Entry<String, IdempotencyEntry> entry) {
        IdempotencyEntry existing = entry.getValue();
        if (existing == null) {
            entry.setValue(new IdempotencyEntry(fingerprint, nowMillis, null));
            return new Result(Status.NEW, null);
        }
        if (!existing.fingerprint().equals(fingerprint)) {
            return new Result(Status.CONFLICT, null);
        }
        if (existing.decision() != null) {
            return new Result(Status.DECIDED, existing.decision());
        }
        if (nowMillis - existing.claimedAtMillis() > staleMillis) {
            entry.setValue(new IdempotencyEntry(fingerprint, nowMillis, null));
            return new Result(Status.NEW, null);
        }
        return new Result(Status.IN_PROGRESS, null);
    }
}
