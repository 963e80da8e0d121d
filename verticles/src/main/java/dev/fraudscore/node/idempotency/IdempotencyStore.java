package dev.fraudscore.node.idempotency;

import com.hazelcast.map.IMap;
import dev.fraudscore.domain.Decision;
import dev.fraudscore.node.cluster.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;

/**
 * The cluster's memory of transaction ids (a Hazelcast map of {@link IdempotencyEntry encoded entries}):
 * claim an id before deciding it, remember the decision once made, release a claim whose decision was not
 * made. Every call runs atomically on the key's owner and completes on the caller's context within its
 * deadline.
 */
public final class IdempotencyStore {
    private final IMap<String, String> map;
    private final Context context;

    /** {@code context}: the verticle context every answer completes on. */
    public IdempotencyStore(IMap<String, String> map, Context context) {
        this.map = map;
        this.context = context;
    }

    /** Claims {@code key} for a payload with {@code fingerprint}; a claim older than {@code staleAfterMs} is taken over. */
    public Future<ClaimResult> claim(String key, String fingerprint, long staleAfterMs, long timeoutMs) {
        Claim claim = new Claim(fingerprint, System.currentTimeMillis(), staleAfterMs);
        return OnContext.future(map.submitToKey(key, claim), context, timeoutMs).map(ClaimResult::fromWire);
    }

    /** Stores the decision, so that a retry with the same payload gets it back. */
    public Future<Void> remember(
            String key, String fingerprint, long claimedAtMillis, Decision decision, long timeoutMs) {
        String entry =
                IdempotencyEntry.decided(fingerprint, claimedAtMillis, decision).encode();
        return OnContext.future(map.setAsync(key, entry), context, timeoutMs);
    }

    /**
     * Gives up this caller's claim without a decision to keep, so that a retry is decided afresh at once;
     * {@code counted}: this attempt counted the transaction in the velocity state.
     */
    public Future<Boolean> release(
            String key, String fingerprint, long claimedAtMillis, boolean counted, long timeoutMs) {
        return OnContext.future(
                map.submitToKey(key, new Release(fingerprint, claimedAtMillis, counted)), context, timeoutMs);
    }
}
