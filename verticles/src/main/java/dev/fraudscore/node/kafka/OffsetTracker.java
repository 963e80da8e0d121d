package dev.fraudscore.node.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which offsets of each partition may be committed when records finish out of order: the committable
 * position is the lowest offset still in flight, or one past the highest finished when none is.
 * Plain Java; partitions are keyed by any value (topic-partition).
 */
public final class OffsetTracker<P> {
    private static final class Partition {
        final TreeSet<Long> inFlight = new TreeSet<>();
        long next = -1; // one past the highest offset seen
        long committed = -1; // last position handed out for commit
    }

    private final Map<P, Partition> partitions = new HashMap<>();
    private int inFlight;

    public void started(P partition, long offset) {
        Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
        if (p.inFlight.add(offset)) {
            inFlight++;
        }
        p.next = Math.max(p.next, offset + 1);
    }

    public void finished(P partition, long offset) {
        Partition p = partitions.get(partition);
        if (p != null && p.inFlight.remove(offset)) {
            inFlight--;
        }
    }

    public int inFlight() {
        return inFlight;
    }

    /** Positions that advanced since the last call (the offset of the next record to read, per partition). */
    public Map<P, Long> committable() {
        Map<P, Long> out = new HashMap<>();
        for (Map.Entry<P, Partition> e : partitions.entrySet()) {
            Partition p = e.getValue();
            long position = p.inFlight.isEmpty() ? p.next : p.inFlight.first();
            if (position > p.committed) {
                p.committed = position;
                out.put(e.getKey(), position);
            }
        }
        return out;
    }

    /** Forget partitions this consumer no longer owns. */
    public void revoke(P partition) {
        Partition p = partitions.remove(partition);
        if (p != null) {
            inFlight -= p.inFlight.size();
        }
    }
}
