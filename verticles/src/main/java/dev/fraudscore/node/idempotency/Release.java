package dev.fraudscore.node.idempotency;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Gives up a claim whose decision was not made (the node was overloaded): removes the entry if it is still
 * exactly that claim, undecided, so that a retry is decided afresh at once instead of waiting for the claim
 * to go stale. Anything else (decided, or taken over by someone else) is left alone.
 */
public final class Release implements EntryProcessor<String, String, Boolean>, DataSerializable {
    private String claim;

    public Release() {
        // for Hazelcast
    }

    public Release(String fingerprint, long claimedAtMillis) {
        this.claim = new IdempotencyEntry(fingerprint, claimedAtMillis, null).encode();
    }

    @Override
    public Boolean process(Map.Entry<String, String> entry) {
        if (claim.equals(entry.getValue())) {
            entry.setValue(null);
            return true;
        }
        return false;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(claim);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        claim = in.readString();
    }
}
