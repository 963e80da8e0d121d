package dev.fraudscore.node.idempotency;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Claims a transaction id for deciding, atomically on the key's owner, and answers a {@link ClaimResult} in
 * its wire form. A released entry (an attempt whose decision was not kept) is claimed at once; a claim older than
 * the stale limit with no decision (its node died) is taken over; the velocity update dedupes by transaction id,
 * so a takeover does not count the transaction twice. Entries are {@link IdempotencyEntry#encode() encoded
 * strings}.
 */
public final class Claim implements EntryProcessor<String, String, String>, DataSerializable {
    private String fingerprint;
    private long nowMillis;
    private long staleMillis;

    public Claim() {
        // for Hazelcast
    }

    public Claim(String fingerprint, long nowMillis, long staleMillis) {
        this.fingerprint = fingerprint;
        this.nowMillis = nowMillis;
        this.staleMillis = staleMillis;
    }

    @Override
    public String process(Map.Entry<String, String> entry) {
        String stored = entry.getValue();
        if (stored == null) {
            return take(entry, false);
        }
        // cheap checks on the encoded form: fingerprint first, then whether a decision follows
        int a = stored.indexOf('|');
        int b = stored.indexOf('|', a + 1);
        if (a != fingerprint.length() || !stored.regionMatches(0, fingerprint, 0, a)) {
            return new ClaimResult.Conflict().wire();
        }
        if (b + 1 < stored.length()) {
            return "D" + stored.substring(b + 1);
        }
        if (stored.charAt(a + 1) == 'r') {
            // released by an attempt whose decision was not kept: decide afresh, counting only if it did not
            return take(entry, stored.charAt(a + 2) == '1');
        }
        if (nowMillis - Long.parseLong(stored.substring(a + 1, b)) > staleMillis) {
            // its node died mid-decision; the velocity update dedupes by transaction id
            return take(entry, false);
        }
        return new ClaimResult.InProgress().wire();
    }

    private String take(Map.Entry<String, String> entry, boolean counted) {
        entry.setValue(IdempotencyEntry.claimed(fingerprint, nowMillis).encode());
        return new ClaimResult.Fresh(nowMillis, counted).wire();
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(fingerprint);
        out.writeLong(nowMillis);
        out.writeLong(staleMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        fingerprint = in.readString();
        nowMillis = in.readLong();
        staleMillis = in.readLong();
    }
}
