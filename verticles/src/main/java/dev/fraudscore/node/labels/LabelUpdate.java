package dev.fraudscore.node.labels;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.fraudscore.features.VelocityState;
import java.io.IOException;
import java.util.Map;

/** Applies a change of fraud verdict (+1 / -1) for a transaction at {@code eventMillis} to one key's state, on its owner. */
public final class LabelUpdate implements EntryProcessor<String, VelocityState, Boolean>, DataSerializable {
    private long eventMillis;
    private int delta;

    public LabelUpdate() {
        // for Hazelcast
    }

    public LabelUpdate(long eventMillis, int delta) {
        this.eventMillis = eventMillis;
        this.delta = delta;
    }

    @Override
    public Boolean process(Map.Entry<String, VelocityState> entry) {
        VelocityState state = entry.getValue();
        if (state == null) {
            state = new VelocityState();
        }
        state.applyFraudLabel(eventMillis, delta);
        entry.setValue(state);
        return Boolean.TRUE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(eventMillis);
        out.writeInt(delta);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        eventMillis = in.readLong();
        delta = in.readInt();
    }
}
