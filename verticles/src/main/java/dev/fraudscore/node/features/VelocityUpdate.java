package dev.fraudscore.node.features;

import com.hazelcast.map.EntryProcessor;
import dev.fraudscore.features.VelocityState;
import dev.fraudscore.features.VelocityWindows;

import java.util.Map;

/**
 * Applies one transaction to a card's or terminal's velocity state, on the partition thread of the
 * member that owns the key: atomic per key across the cluster, never read-modify-write from the caller.
 * The backup replica runs the same processor, which is deterministic (event time, transaction id), so
 * primary and backup stay identical.
 */
public final class VelocityUpdate implements EntryProcessor<String, VelocityState, VelocityWindows> {
    private final String transactionId;
    private final long eventMillis;
    private final double amount;

    public VelocityUpdate(String transactionId, long eventMillis, double amount) {
        this.transactionId = transactionId;
        this.eventMillis = eventMillis;
        this.amount = amount;
    }

    @Override
    public VelocityWindows process(Map.Entry<String, VelocityState> entry) {
        VelocityState state = entry.getValue();
        if (state == null) {
            state = new VelocityState();
        }
        VelocityWindows windows = state.apply(transactionId, eventMillis, amount);
        entry.setValue(state);
        return windows;
    }
}
