package dev.fraudscore.node.features;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Claims a transaction id for deciding, atomically on the key's owner. Answers NEW (this caller decides),
 * {@code DECIDED|<decision>} (same payload, decision known: return it), CONFLICT (the id was used with
 * another payload), IN_PROGRESS (same payload, still being decided elsewhere). A claim older than the
 * stale limit with no decision (its node died mid-decision) is taken over; the velocity update dedupes by
 * transaction id, so the takeover does not count the transaction twice. Entries are
 * {@link IdempotencyEntry#encode() encoded strings}.
 */
public final class Claim implements EntryProcessor<String, String, String>, DataSerializable {
    public static final String NEW = "NEW";
    public static final String CONFLICT = "CONFLICT";
    public static final String IN_PROGRESS = "IN_PROGRESS";
    public static final String DECIDED = "DECIDED|";

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
            entry.setValue(new IdempotencyEntry(fingerprint, nowMillis, null).encode());
            return NEW;
        }
        // cheap checks on the encoded form: fingerprint first, then whether a decision follows
        int a = stored.indexOf('|');
        int b = stored.indexOf('|', a + 1);
        if (!stored.regionMatches(0, fingerprint, 0, a) || a != fingerprint.length()) {
            return CONFLICT;
        }
        if (b + 1 < stored.length()) {
            return DECIDED + stored.substring(b + 1);
        }
        if (nowMillis - Long.parseLong(stored.substring(a + 1, b)) > staleMillis) {
            entry.setValue(new IdempotencyEntry(fingerprint, nowMillis, null).encode());
            return NEW;
        }
        return IN_PROGRESS;
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
