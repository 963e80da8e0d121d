package dev.fraudscore.node.kafka;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;

/** Raises a partition's committed-offset watermark to {@code offset}; never lowers it. Answers the watermark. */
public final class RaiseWatermark implements EntryProcessor<String, Long, Long>, DataSerializable {
    private long offset;

    public RaiseWatermark() {
        // for Hazelcast
    }

    public RaiseWatermark(long offset) {
        this.offset = offset;
    }

    @Override
    public Long process(Map.Entry<String, Long> entry) {
        Long current = entry.getValue();
        if (current == null || current < offset) {
            entry.setValue(offset);
            return offset;
        }
        return current;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(offset);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        offset = in.readLong();
    }
}
