package dev.fraudscore.node.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import dev.fraudscore.node.idempotency.IdempotencyEntry;

/**
 * When the two sides of a split cluster merge, a transaction id known to both keeps the entry that holds a
 * decision (so a retry gets that answer back), else the larger side's; an id known to one side only is kept.
 */
public final class IdempotencyMergePolicy implements SplitBrainMergePolicy<String, MergingValue<String>, Object> {
    public IdempotencyMergePolicy() {
        // for Hazelcast
    }

    @Override
    public Object merge(MergingValue<String> merging, MergingValue<String> existing) {
        String mine = existing == null ? null : existing.getValue();
        String theirs = merging == null ? null : merging.getValue();
        if (mine == null || theirs == null) {
            return mine != null ? mine : theirs;
        }
        boolean mineDecided = IdempotencyEntry.decode(mine).decision() != null;
        boolean theirsDecided = IdempotencyEntry.decode(theirs).decision() != null;
        return !mineDecided && theirsDecided ? theirs : mine;
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
