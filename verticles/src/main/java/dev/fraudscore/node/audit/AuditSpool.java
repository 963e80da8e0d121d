package dev.fraudscore.node.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Batches PostgreSQL could not take, on local disk (written with O_DSYNC), one file per batch, oldest
 * first. A batch is claimed for replay by renaming it, so several audit instances can drain one spool.
 * All file operations are Vert.x's asynchronous ones: nothing here blocks an event loop.
 */
final class AuditSpool {
    private static final String SUFFIX = ".batch.json";
    private static final String BATCH_PATTERN = ".*\\.batch\\.json";
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final FileSystem fs;
    private final String dir;
    private final String nodeId;

    AuditSpool(Vertx vertx, String dir, String nodeId) {
        this.fs = vertx.fileSystem();
        this.dir = dir;
        this.nodeId = nodeId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    Future<Void> init() {
        return fs.mkdirs(dir);
    }

    Future<Void> write(List<String[]> rows) {
        JsonArray json = new JsonArray(new ArrayList<>(rows.size()));
        for (String[] row : rows) {
            JsonArray r = new JsonArray(new ArrayList<>(row.length));
            for (String v : row) {
                r.add(v);
            }
            json.add(r);
        }
        String name = String.format(
                "%s/%015d-%s-%09d%s", dir, System.currentTimeMillis(), nodeId, SEQUENCE.incrementAndGet(), SUFFIX);
        String tmp = name + ".tmp";
        return fs.open(tmp, new OpenOptions().setWrite(true).setCreateNew(true).setDsync(true))
                .compose(file -> file.write(Buffer.buffer(json.encode())).eventually(file::close))
                .compose(v -> fs.move(tmp, name));
    }

    /** Spooled batch files, oldest first. */
    Future<List<String>> pending() {
        return fs.readDir(dir, BATCH_PATTERN).map(files -> {
            List<String> sorted = new ArrayList<>(files);
            sorted.sort(null);
            return sorted;
        });
    }

    /** Takes a batch file for replay (rename), reads its rows; the caller deletes the claimed file when done. */
    Future<Claimed> claim(String file) {
        String claimed = file + ".replaying";
        return fs.move(file, claimed).compose(v -> fs.readFile(claimed)).map(buffer -> {
            JsonArray json = new JsonArray(buffer);
            List<String[]> rows = new ArrayList<>(json.size());
            for (int i = 0; i < json.size(); i++) {
                JsonArray r = json.getJsonArray(i);
                String[] row = new String[r.size()];
                for (int c = 0; c < row.length; c++) {
                    row[c] = r.getString(c);
                }
                rows.add(row);
            }
            return new Claimed(claimed, rows);
        });
    }

    Future<Void> release(Claimed c) {
        return fs.move(c.path(), c.path().substring(0, c.path().length() - ".replaying".length()));
    }

    Future<Void> delete(Claimed c) {
        return fs.delete(c.path());
    }

    record Claimed(String path, List<String[]> rows) {}

    /** The bytes of every batch file in the spool, claimed ones included. */
    Future<Long> bytes() {
        return fs.readDir(dir, ".*\\.batch\\.json.*").compose(files -> {
            List<Future<Long>> sizes = new ArrayList<>();
            for (String f : files) {
                // a file replayed and deleted meanwhile counts nothing
                sizes.add(fs.props(f).map(p -> p.size()).otherwise(0L));
            }
            return Future.all(sizes)
                    .map(all -> sizes.stream().mapToLong(Future::result).sum());
        });
    }

    /** Files left claimed by a node that stopped mid-replay go back to the queue at start. */
    Future<Void> recoverClaimed() {
        return fs.readDir(dir, ".*\\.replaying").compose(files -> {
            List<Future<Void>> moves = new ArrayList<>();
            for (String f : files) {
                moves.add(fs.move(f, f.substring(0, f.length() - ".replaying".length())));
            }
            return Future.all(moves).mapEmpty();
        });
    }
}
