package dev.fraudscore.features;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * When fraud labels become known in a replay: a label for a transaction at event time {@code t} is
 * released once the replay's event-time clock reaches {@code t + delay}. The trainer and the replay tool
 * both use this, so the labels the model trained with arrive online in the same order relative to the
 * transactions.
 */
public final class LabelSchedule<L> {
    private record Pending<L>(long releaseMillis, long sequence, L label) {}

    private final long delayMillis;
    private final PriorityQueue<Pending<L>> queue = new PriorityQueue<>((a, b) -> a.releaseMillis != b.releaseMillis
            ? Long.compare(a.releaseMillis, b.releaseMillis)
            : Long.compare(a.sequence, b.sequence));
    private long sequence;

    public LabelSchedule(Duration delay) {
        this.delayMillis = delay.toMillis();
    }

    public void add(long transactionMillis, L label) {
        queue.add(new Pending<>(transactionMillis + delayMillis, sequence++, label));
    }

    /** Labels whose release time is at or before {@code nowMillis}, in release order, removed from the schedule. */
    public List<L> due(long nowMillis) {
        List<L> out = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().releaseMillis <= nowMillis) {
            out.add(queue.poll().label);
        }
        return out;
    }

    public int size() {
        return queue.size();
    }
}
