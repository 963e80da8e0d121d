package dev.fraudscore.node.features;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.fraudscore.features.VelocityState;
import java.io.IOException;
import java.util.Map;

/**
 * Reads a card's or terminal's velocity windows as of a time, on the key's owner, changing nothing (no lock, no
 * backup): the analysts' entity views. Answers the {@linkplain dev.fraudscore.features.VelocityWindows#pack packed}
 * windows, or null for a key with no state.
 */
public final class VelocityPeek implements EntryProcessor<String, VelocityState, double[]>, ReadOnly, DataSerializable {
    private long nowMillis;

    public VelocityPeek() {
        // for Hazelcast
    }

    public VelocityPeek(long nowMillis) {
        this.nowMillis = nowMillis;
    }

    @Override
    public double[] process(Map.Entry<String, VelocityState> entry) {
        VelocityState state = entry.getValue();
        return state == null ? null : state.peek(nowMillis).pack();
    }

    @Override
    public EntryProcessor<String, VelocityState, double[]> getBackupProcessor() {
        return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(nowMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        nowMillis = in.readLong();
    }
}
