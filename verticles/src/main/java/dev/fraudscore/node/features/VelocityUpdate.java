package dev.fraudscore.node.features;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.fraudscore.features.VelocityState;
import dev.fraudscore.features.VelocityWindows;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Applies one transaction to a card's or terminal's velocity state, on the partition thread of the
 * member that owns the key: atomic per key across the cluster, never read-modify-write from the caller.
 * The backup replica runs the same processor, which is deterministic (event time, transaction id), so
 * primary and backup stay identical. Answers with the windows packed in a {@code double[]} (first value:
 * 1 when the transaction id had been seen before); processor and answer serialize without reflection.
 */
public final class VelocityUpdate implements EntryProcessor<String, VelocityState, double[]>, DataSerializable {
    private String transactionId;
    private long eventMillis;
    private double amount;
    private boolean alreadyCounted;

    public VelocityUpdate() {
        // for Hazelcast
    }

    /** {@code alreadyCounted}: an earlier attempt counted this transaction; compute the windows, count nothing. */
    public VelocityUpdate(String transactionId, long eventMillis, double amount, boolean alreadyCounted) {
        this.transactionId = transactionId;
        this.eventMillis = eventMillis;
        this.amount = amount;
        this.alreadyCounted = alreadyCounted;
    }

    @Override
    public double[] process(Map.Entry<String, VelocityState> entry) {
        VelocityState state = entry.getValue();
        if (state == null) {
            state = new VelocityState();
        }
        VelocityWindows windows = state.apply(transactionId, eventMillis, amount, alreadyCounted);
        entry.setValue(state);
        double[] packed = windows.pack();
        double[] out = new double[packed.length + 1];
        out[0] = windows.duplicate() ? 1 : 0;
        System.arraycopy(packed, 0, out, 1, packed.length);
        return out;
    }

    /** The windows a {@link #process} answer carries. */
    public static VelocityWindows windows(double[] answer) {
        return VelocityWindows.unpack(Arrays.copyOfRange(answer, 1, answer.length), answer[0] == 1);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(transactionId);
        out.writeLong(eventMillis);
        out.writeDouble(amount);
        out.writeBoolean(alreadyCounted);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        transactionId = in.readString();
        eventMillis = in.readLong();
        amount = in.readDouble();
        alreadyCounted = in.readBoolean();
    }
}
