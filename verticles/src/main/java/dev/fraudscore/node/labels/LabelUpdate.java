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
    private long changeId;
    private long eventMillis;
    private int delta;

    public LabelUpdate() {
        // for Hazelcast
    }

    /** {@code changeId}: the change's id in {@code audit.label_history}; a key applies each change once. */
    public LabelUpdate(long changeId, long eventMillis, int delta) {
        this.changeId = changeId;
        this.eventMillis = eventMillis;
        this.delta = delta;
    }

    @Override
    public Boolean process(Map.Entry<String, VelocityState> entry) {
        VelocityState state = entry.getValue();
        if (state == null) {
            state = new VelocityState();
        }
        boolean applied = state.applyFraudLabelOnce(changeId, eventMillis, delta);
        if (applied) {
            entry.setValue(state);
        }
        return applied;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(changeId);
        out.writeLong(eventMillis);
        out.writeInt(delta);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        changeId = in.readLong();
        eventMillis = in.readLong();
        delta = in.readInt();
    }
}
