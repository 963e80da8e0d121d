package dev.fraudscore.node.features;

import com.hazelcast.map.EntryProcessor;
import dev.fraudscore.features.VelocityState;

import java.util.Map;

/** Applies a change of fraud verdict (+1 / -1) for a transaction at {@code eventMillis} to one key's state, on its owner. */
public final class LabelUpdate implements EntryProcessor<String, VelocityState, Boolean> {
    private final long eventMillis;
    private final int delta;

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
}
