package dev.fraudscore.node.audit;

import dev.fraudscore.node.audit.DecisionLog.Position;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the decision log behind its writer, never past what is durable. Blocking file I/O: use from a worker
 * thread, one at a time. A batch is read ahead of the {@link #committed() committed} position and only committed once
 * its rows are in PostgreSQL; after a failure reading starts again from the committed position. A record torn by a
 * crash at the end of an older segment (its checksum or length does not match) is cut off there, and reading goes on
 * with the next segment. The committed position is kept in a checkpoint file, so that a restart does not insert
 * everything again (inserting a row twice would do no harm: the insert is idempotent).
 */
final class LogReader {
    private static final Logger LOG = LoggerFactory.getLogger(LogReader.class);
    static final String CHECKPOINT = "checkpoint";

    /** Rows read, where reading stopped, and the segments read to their end. */
    record Batch(List<String[]> rows, Position end, List<Long> finished, long bytes) {}

    private final DecisionLog log;
    private Position committed;
    private Position next;

    LogReader(DecisionLog log) throws IOException {
        this.log = log;
        this.committed = start();
        this.next = committed;
        long before = committed.offset();
        for (Path p : DecisionLog.segments(log.dir())) {
            if (DecisionLog.number(p) < committed.segment()) {
                before += Files.size(p); // a segment left before its deletion: read to its end already
            }
        }
        log.consumed(before);
    }

    private Position start() throws IOException {
        Path checkpoint = log.dir().resolve(CHECKPOINT);
        List<Path> segments = DecisionLog.segments(log.dir());
        Position first =
                new Position(segments.isEmpty() ? log.durable().segment() : DecisionLog.number(segments.get(0)), 0);
        if (Files.exists(checkpoint)) {
            String text =
                    Files.readString(checkpoint, StandardCharsets.US_ASCII).trim();
            String[] p = text.split(" ");
            try {
                Position saved = new Position(Long.parseLong(p[0]), Long.parseLong(p[1]));
                if (saved.compareTo(first) > 0) {
                    return saved;
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                // written by a node before the checkpoint was replaced atomically, cut short by kill -9: rows from the
                // oldest segment are inserted again, which the audit key makes a no-op for the ones already there
                LOG.warn(
                        "audit log checkpoint unreadable ('{}'): reading again from the oldest segment {}",
                        text,
                        first);
            }
        }
        return first;
    }

    Position committed() {
        return committed;
    }

    /** Up to {@code max} rows from the read position. */
    Batch read(int max) throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<Long> finished = new ArrayList<>();
        Position durable = log.durable();
        long segment = next.segment();
        long offset = next.offset();
        long bytes = 0;
        while (rows.size() < max && segment <= durable.segment()) {
            Path f = log.file(segment);
            boolean older = segment < durable.segment();
            if (!Files.exists(f)) {
                if (!older) {
                    break;
                }
                segment++;
                offset = 0;
                continue;
            }
            long limit = older ? Files.size(f) : durable.offset();
            long from = offset;
            offset = readSegment(f, offset, limit, older, rows, max);
            bytes += offset - from;
            if (older && offset >= Files.size(f)) {
                finished.add(segment);
                segment++;
                offset = 0;
            } else {
                break;
            }
        }
        next = new Position(segment, offset);
        return new Batch(rows, next, finished, bytes);
    }

    /** Reads records of one segment from {@code offset} up to {@code limit}; answers where it stopped. */
    private long readSegment(Path f, long offset, long limit, boolean older, List<String[]> rows, int max)
            throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(LogRecords.HEADER);
            while (offset < limit && rows.size() < max) {
                header.clear();
                if (limit - offset < LogRecords.HEADER || readFully(ch, header, offset) < LogRecords.HEADER) {
                    return torn(ch, f, offset, older);
                }
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                if (length < 0 || offset + LogRecords.HEADER + length > limit) {
                    return torn(ch, f, offset, older);
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                readFully(ch, payload, offset + LogRecords.HEADER);
                String[] row = LogRecords.read(payload.array(), crc);
                if (row == null) {
                    return torn(ch, f, offset, older);
                }
                rows.add(row);
                offset += LogRecords.HEADER + length;
            }
            return offset;
        }
    }

    /** A record that is not whole: in an older segment the crash's leftover, cut off; in the writer's, not yet durable. */
    private long torn(FileChannel ch, Path f, long offset, boolean older) throws IOException {
        if (!older) {
            return offset;
        }
        long size = ch.size();
        LOG.warn(
                "{}: the last {} bytes are not a whole record (a write cut short by a crash); cut off",
                f,
                size - offset);
        ch.truncate(offset);
        log.truncated(size - offset);
        return offset;
    }

    private static int readFully(FileChannel ch, ByteBuffer into, long at) throws IOException {
        int total = 0;
        while (into.hasRemaining()) {
            int n = ch.read(into, at + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** The batch's rows are in PostgreSQL: commit its end, delete the segments read to their end. */
    void commit(Batch batch) throws IOException {
        committed = batch.end();
        log.consumed(batch.bytes());
        for (long segment : batch.finished()) {
            log.delete(segment);
        }
        if (!log.isOpen()) {
            return; // closed under the writer (shutdown): the rows are in PostgreSQL; read again they are no-ops
        }
        // replaced whole, never rewritten in place: a kill -9 leaves the old checkpoint or the new one
        Path next = log.dir().resolve(CHECKPOINT + ".next");
        Files.writeString(next, committed.segment() + " " + committed.offset(), StandardCharsets.US_ASCII);
        Files.move(
                next,
                log.dir().resolve(CHECKPOINT),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** The batch did not reach PostgreSQL: read again from the committed position. */
    void rewind() {
        next = committed;
    }
}
