package dev.fraudscore.node.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import dev.fraudscore.features.VelocityState;

/**
 * When the two sides of a split cluster merge, a card's or terminal's two copies of velocity state are folded into
 * one by {@link VelocityState#mergeMax}: every window bucket keeps the larger count and sum, and both copies'
 * transaction ids are remembered. No count ends up lower than either side's.
 */
public final class VelocityMergePolicy
        implements SplitBrainMergePolicy<VelocityState, MergingValue<VelocityState>, Object> {
    public VelocityMergePolicy() {
        // for Hazelcast
    }

    @Override
    public Object merge(MergingValue<VelocityState> merging, MergingValue<VelocityState> existing) {
        if (existing == null || existing.getValue() == null) {
            return merging.getValue();
        }
        VelocityState kept = existing.getValue();
        if (merging != null && merging.getValue() != null) {
            kept.mergeMax(merging.getValue());
        }
        return kept;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
        // no state
    }

    @Override
    public void readData(ObjectDataInput in) {
        // no state
    }
}
