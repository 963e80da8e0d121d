package dev.fraudscore.node.audit;

import dev.fraudscore.node.failure.Failure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every decision's audit row, on local disk before its caller is answered: an append-only log of numbered
 * segment files ({@code 00000000000000000042.log}) written by one thread with group commit. Appends queue while
 * the previous group is written; each group is written in one call and, in {@link Durability#FSYNC} mode, forced
 * to disk with one fsync, then every append of the group completes on its own Vert.x context. The
 * {@link AuditVerticle} reads the log behind the writer and inserts the rows into PostgreSQL; a segment is deleted
 * once all its rows are there. The log is bounded by {@code audit.logMaxBytes}: past it, and while the disk refuses
 * writes, appends fail ({@link Failure#UNAVAILABLE}, answered 503) rather than a decision going unrecorded.
 */
public final class DecisionLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionLog.class);
    static final String SUFFIX = ".log";
    private static final int MAX_GROUP = 4096;

    /** When an append completes: once fsynced (survives a machine crash), or once written (survives kill -9). */
    public enum Durability {
        FSYNC,
        WRITE
    }

    /** A place in the log: a segment and a byte offset in it. */
    public record Position(long segment, long offset) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            return segment != o.segment ? Long.compare(segment, o.segment) : Long.compare(offset, o.offset);
        }
    }

    private record Append(byte[] payload, Context context, Promise<Void> done) {}

    private final Path dir;
    private final Durability durability;
    private final long segmentBytes;
    private final long maxBytes;
    private final BlockingQueue<Append> queue = new LinkedBlockingQueue<>();
    private final AtomicLong bytes = new AtomicLong();
    /** Bytes of the segments on disk whose rows are in PostgreSQL already (the reader's committed position). */
    private final AtomicLong consumed = new AtomicLong();

    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong writeErrors = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;
    private volatile Position durable;
    private volatile String failure;
    private FileChannel channel;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private long segment;
    private long offset;

    private DecisionLog(Path dir, Durability durability, long segmentBytes, long maxBytes) throws IOException {
        this.dir = dir;
        this.durability = durability;
        this.segmentBytes = segmentBytes;
        this.maxBytes = maxBytes;
        Files.createDirectories(dir);
        lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            throw new IOException("the decision log " + dir + " is in use by another process (audit.logDir must be"
                    + " a directory of its own for each node)");
        }
        long last = 0;
        for (Path p : segments(dir)) {
            bytes.addAndGet(Files.size(p));
            last = Math.max(last, number(p));
        }
        // a new segment at every start: an older one may end in a record torn by a crash, which the reader cuts off
        segment = last + 1;
        channel = open(segment);
        durable = new Position(segment, 0);
        writer = Thread.ofPlatform().name("audit-log-writer").daemon().start(this::writeLoop);
    }

    public static DecisionLog open(Path dir, Durability durability, long segmentBytes, long maxBytes)
            throws IOException {
        return new DecisionLog(dir, durability, segmentBytes, maxBytes);
    }

    private FileChannel open(long n) throws IOException {
        return FileChannel.open(file(n), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    Path file(long n) {
        return dir.resolve(String.format("%020d%s", n, SUFFIX));
    }

    static long number(Path p) {
        String name = p.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }

    /** The segment files, oldest first. */
    static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("\\d{20}\\.log"))
                    .sorted()
                    .toList();
        }
    }

    /**
     * Appends an audit row; completes on the caller's Vert.x context (if any) once the row is durable (as
     * configured). Fails at once while the log is over its cap or the disk refuses writes.
     */
    public Future<Void> append(String[] row) {
        if (failure != null) {
            // refused until a probe (the readiness check's, every health.intervalMs) finds the disk writable again
            return Future.failedFuture(Failure.UNAVAILABLE.exception("the audit log cannot be written: " + failure));
        }
        if (waiting() >= maxBytes) {
            return Future.failedFuture(Failure.UNAVAILABLE.exception("the audit log holds " + waiting()
                    + " bytes PostgreSQL has not taken yet (audit.logMaxBytes " + maxBytes + "); retry later"));
        }
        Context context = Vertx.currentContext();
        Promise<Void> done = Promise.promise();
        queue.add(new Append(LogRecords.payload(row), context, done));
        return done.future();
    }

    /**
     * After a failed write: tries to write and fsync a 64 KiB probe file beside the segments (blocking: call from a
     * worker thread); when that works the log takes appends again. True when the log is writable.
     */
    public boolean probe() {
        if (failure == null) {
            return true;
        }
        Path probe = dir.resolve("probe");
        try {
            try (FileChannel ch = FileChannel.open(
                    probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.deleteIfExists(probe);
            LOG.info("the audit log's disk takes writes again; checks are taken again");
            failure = null;
            return true;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // still failing: the next probe tries again
            }
            return false;
        }
    }

    /** True while the log cannot take more (over its cap, or the disk refuses writes). */
    public boolean full() {
        return failure != null || waiting() >= maxBytes;
    }

    /** Bytes of rows in the log that are not in PostgreSQL yet: what {@code audit.logMaxBytes} bounds. */
    public long waiting() {
        return Math.max(0, bytes.get() - consumed.get());
    }

    /** The reader committed this many more bytes into PostgreSQL. */
    void consumed(long n) {
        consumed.addAndGet(n);
    }

    public String failure() {
        return failure;
    }

    public long bytes() {
        return bytes.get();
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long syncs() {
        return syncs.get();
    }

    public long appended() {
        return appended.get();
    }

    public long writeErrors() {
        return writeErrors.get();
    }

    /** Where durable data ends now: the reader never reads past it. */
    public Position durable() {
        return durable;
    }

    Path dir() {
        return dir;
    }

    /** A segment the reader has put entirely into PostgreSQL: gone, and its bytes no longer count. */
    void delete(long n) throws IOException {
        if (n >= segment) {
            return; // the writer's segment stays
        }
        Path f = file(n);
        long size = Files.exists(f) ? Files.size(f) : 0;
        if (Files.deleteIfExists(f)) {
            bytes.addAndGet(-size);
            consumed.addAndGet(-size); // read to its end: every byte of it was consumed
        }
    }

    /** The reader cut a torn record off an older segment. */
    void truncated(long n) {
        bytes.addAndGet(-n);
    }

    private void writeLoop() {
        List<Append> group = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        while (running || !queue.isEmpty()) {
            try {
                Append first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                write(group, buffer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                group.clear();
            }
        }
    }

    private void write(List<Append> group, ByteBuffer buffer) {
        int size = 0;
        for (Append a : group) {
            size += LogRecords.size(a.payload());
        }
        ByteBuffer out = size <= buffer.capacity() ? buffer.clear() : ByteBuffer.allocate(size);
        for (Append a : group) {
            LogRecords.write(out, a.payload());
        }
        out.flip();
        try {
            if (channel == null) {
                channel = open(++segment); // after a failure: a fresh segment
                offset = 0;
            }
            while (out.hasRemaining()) {
                channel.write(out);
            }
            if (durability == Durability.FSYNC) {
                channel.force(false);
                syncs.incrementAndGet();
            }
            offset += size;
            bytes.addAndGet(size);
            appended.addAndGet(group.size());
            durable = new Position(segment, offset);
            complete(group, null);
            if (offset >= segmentBytes) {
                channel.close();
                channel = open(++segment);
                offset = 0;
                durable = new Position(segment, 0);
            }
        } catch (IOException e) {
            writeErrors.incrementAndGet();
            if (failure == null) {
                LOG.error(
                        "the audit log cannot be written ({}): checks are refused (503) until a probe can write",
                        e.toString());
            }
            failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            countPartialWrite();
            closeQuietly();
            complete(group, failure);
        }
    }

    /** Completes each append on its own context, one task per context for the whole group. */
    private static void complete(List<Append> group, String failure) {
        Map<Context, List<Promise<Void>>> byContext = new IdentityHashMap<>();
        for (Append a : group) {
            byContext.computeIfAbsent(a.context(), c -> new ArrayList<>()).add(a.done());
        }
        byContext.forEach((context, promises) -> {
            Runnable task = () -> {
                for (Promise<Void> p : promises) {
                    if (failure == null) {
                        p.complete();
                    } else {
                        p.fail(Failure.UNAVAILABLE.exception("the audit log cannot be written: " + failure));
                    }
                }
            };
            if (context == null) {
                task.run(); // appended from outside Vert.x (tools, tests): completed on the writer thread
            } else {
                context.runOnContext(v -> task.run());
            }
        });
    }

    /** Bytes of a group that reached the file before the failure still count until their segment is deleted. */
    private void countPartialWrite() {
        try {
            if (channel != null) {
                bytes.addAndGet(Math.max(0, channel.size() - offset));
            }
        } catch (IOException e) {
            LOG.debug("sizing a failed log segment: {}", e.toString());
        }
    }

    private void closeQuietly() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.debug("closing a failed log segment: {}", e.toString());
        }
        channel = null;
    }

    /** False once closed: nothing more is written into its directory. */
    public boolean isOpen() {
        return running;
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly();
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.debug("releasing the decision log's lock: {}", e.toString());
        }
    }
}
