package dev.fraudscore.node.idempotency;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Gives up a claim whose decision is not kept (the node was overloaded, or the decision was degraded): if the
 * entry is still exactly that claim, undecided, it becomes a release, so that a retry is decided afresh at once
 * instead of waiting for the claim to go stale, knowing whether this attempt already counted the transaction.
 * Anything else (decided, or taken over by someone else) is left alone.
 */
public final class Release implements EntryProcessor<String, String, Boolean>, DataSerializable {
    private String claim;
    private String released;

    public Release() {
        // for Hazelcast
    }

    public Release(String fingerprint, long claimedAtMillis, boolean counted) {
        this.claim = IdempotencyEntry.claimed(fingerprint, claimedAtMillis).encode();
        this.released = IdempotencyEntry.released(fingerprint, counted).encode();
    }

    @Override
    public Boolean process(Map.Entry<String, String> entry) {
        if (claim.equals(entry.getValue())) {
            entry.setValue(released);
            return true;
        }
        return false;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(claim);
        out.writeString(released);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        claim = in.readString();
        released = in.readString();
    }
}
