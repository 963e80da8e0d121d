package dev.fraudscore.node.audit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fraudscore.node.Migrations;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.failure.ApiError;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.support.Await;
import dev.fraudscore.node.support.BlockedThreadWatch;
import dev.fraudscore.node.support.Db;
import dev.fraudscore.node.support.Events;
import dev.fraudscore.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision log and its writer into PostgreSQL, on a Vert.x instance of their own against a real PostgreSQL
 * database: every appended row arrives once; an outage keeps rows in the log; rows PostgreSQL refuses for their
 * content are quarantined without holding up the others; a record torn by a crash is cut off at start; the cap and a
 * full disk refuse appends (503) instead of losing rows; a scored decision replaces a degraded one for the same
 * transaction and nothing else changes a row.
 */
@ExtendWith(VertxExtension.class)
class AuditVerticleIT {
    private static String url;
    private static Db db;

    @BeforeAll
    static void database() throws Exception {
        url = TestPostgres.freshDatabase("audit_it");
        Migrations.migrate(url);
        db = new Db(url);
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
        assertEquals(List.of(), BlockedThreadWatch.warnings(), "an event loop was blocked");
    }

    /** The writer stops before the test's temporary directory is removed (it would write its checkpoint into it). */
    @AfterEach
    void undeploy(Vertx vertx) throws Exception {
        for (String id : vertx.deploymentIDs()) {
            await(vertx.undeploy(id));
        }
    }

    private static NodeConfig.Audit config(Path dir, long maxBytes) {
        return new NodeConfig.Audit(2, 50, 20, dir, DecisionLog.Durability.FSYNC, 4096, maxBytes, 100);
    }

    private static Future<String> deploy(Vertx vertx, DecisionLog log) {
        return vertx.deployVerticle(new AuditVerticle(
                config(log.dir(), log.maxBytes()),
                new NodeConfig.Postgres(url, "", 0, log.dir()),
                "audit-it",
                log,
                new SimpleMeterRegistry()));
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static String[] row(String id) {
        return AuditRows.row(Events.decided(id, "card_" + id.substring(0, id.indexOf('-')), 0.1));
    }

    private static void append(DecisionLog log, String prefix, int n) throws Exception {
        List<Future<Void>> appends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            appends.add(log.append(row(prefix + i)));
        }
        await(Future.all(appends));
    }

    private static long count(String prefix) throws Exception {
        return db.count("SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE ?", prefix + "%");
    }

    @Test
    void everyLoggedRowArrivesOnceAndFinishedSegmentsAreDeleted(Vertx vertx, @TempDir Path dir) throws Exception {
        try (DecisionLog log = DecisionLog.open(dir, DecisionLog.Durability.FSYNC, 4096, 1L << 30)) {
            await(deploy(vertx, log));
            List<String[]> rows = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                rows.add(row("ok-" + i));
            }
            List<Future<Void>> appends = new ArrayList<>();
            for (int pass = 0; pass < 2; pass++) { // replayed answers write their rows again: no second row
                for (String[] r : rows) {
                    appends.add(log.append(r));
                }
            }
            await(Future.all(appends));
            assertEquals(
                    120,
                    db.awaitCount(
                            120,
                            Duration.ofSeconds(30),
                            "SELECT count(*) FROM audit.decisions" + " WHERE transaction_id LIKE 'ok-%'"));
            assertTrue(log.syncs() > 0 && log.syncs() < 240, "group commit: " + log.syncs() + " fsyncs for 240 rows");
            assertTrue(
                    Await.until(() -> DecisionLog.segments(dir).size() <= 1, Duration.ofSeconds(10), 50),
                    "segments read to their end are deleted: " + DecisionLog.segments(dir));
            Thread.sleep(300);
            assertEquals(120, count("ok-"));
        }
    }

    @Test
    void aRecordLoggedBeforeAnUpgradeIsStoredAsItWasDecided(Vertx vertx, @TempDir Path dir) throws Exception {
        // what a node before V9/V11 logged: 30 columns, the features as a JSON object by name
        String[] current = row("old-1");
        String[] old = java.util.Arrays.copyOf(current, 30);
        old[19] = "{\"amount\": 12.5, \"card_count_1h\": 3.0}";
        old[18] = "[{\"code\": \"AMOUNT\", \"value\": 12.5, \"contribution\": 0.4}]";
        try (DecisionLog log = DecisionLog.open(dir, DecisionLog.Durability.FSYNC, 4096, 1L << 30)) {
            await(deploy(vertx, log));
            await(log.append(old));
            await(log.append(row("new-1")));
            db.awaitCount(
                    2,
                    Duration.ofSeconds(30),
                    "SELECT count(*) FROM audit.decisions WHERE transaction_id IN" + " ('old-1', 'new-1')");
        }
        java.util.Map<String, Object> before = db.query("SELECT client, feature_set, features->>'card_count_1h' AS c,"
                        + " feature_values FROM audit.decisions WHERE transaction_id = 'old-1'")
                .get(0);
        assertEquals("unscoped", before.get("client"), "no client was logged then");
        assertEquals("3.0", before.get("c"));
        assertNull(before.get("feature_values"));
        java.util.Map<String, Object> after = db.query("SELECT d.feature_set, d.features, a.features::text AS named"
                        + " FROM audit.decisions d JOIN analyst.decisions a USING (transaction_id, client, event_time)"
                        + " WHERE d.transaction_id = 'new-1'")
                .get(0);
        assertNull(after.get("features"), "new rows keep the values as an array only");
        assertTrue(after.get("named").toString().contains("\"card_count_1h\": 1"), after.toString());
        assertEquals(
                "[{\"code\": \"AMOUNT\", \"value\": 12.5, \"contribution\": 0.4}]",
                db.query("SELECT reasons::text AS r FROM analyst.decisions WHERE transaction_id = 'new-1'")
                        .get(0)
                        .get("r"),
                "reasons kept as arrays read back in their JSON shape");
        assertEquals(
                "[{\"code\": \"AMOUNT\", \"value\": 12.5, \"contribution\": 0.4}]",
                db.query("SELECT reasons::text AS r FROM analyst.decisions WHERE transaction_id = 'old-1'")
                        .get(0)
                        .get("r"),
                "and the JSON of a record logged before");
        assertTrue(
                db.query("SELECT features::text AS f FROM analyst.decisions WHERE transaction_id = 'old-1'")
                        .get(0)
                        .get("f")
                        .toString()
                        .contains("\"card_count_1h\": 3.0"),
                "the view reads both forms by name");
    }

    @Test
    void whilePostgresRefusesRowsWaitInTheLogAndArriveAfter(Vertx vertx, @TempDir Path dir) throws Exception {
        try (DecisionLog log = DecisionLog.open(dir, DecisionLog.Durability.FSYNC, 1 << 20, 1L << 30)) {
            await(deploy(vertx, log));
            db.execute("CREATE FUNCTION audit.refuse_it() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "RAISE EXCEPTION 'audit outage drill'; END $$");
            db.execute("CREATE TRIGGER refuse_it BEFORE INSERT ON audit.decisions FOR EACH ROW"
                    + " EXECUTE FUNCTION audit.refuse_it()");
            try {
                append(log, "outage-", 30); // durable although PostgreSQL refuses
                Thread.sleep(500);
                assertEquals(0, count("outage-"));
                assertTrue(log.waiting() > 0, "rows wait in the log");
            } finally {
                db.execute("DROP TRIGGER refuse_it ON audit.decisions");
                db.execute("DROP FUNCTION audit.refuse_it()");
            }
            assertEquals(
                    30,
                    db.awaitCount(
                            30,
                            Duration.ofSeconds(30),
                            "SELECT count(*) FROM audit.decisions" + " WHERE transaction_id LIKE 'outage-%'"));
        }
    }

    @Test
    void rowsRefusedForTheirContentAreQuarantinedAndDoNotHoldUpTheOthers(Vertx vertx, @TempDir Path dir)
            throws Exception {
        try (DecisionLog log = DecisionLog.open(dir, DecisionLog.Durability.FSYNC, 1 << 20, 1L << 30)) {
            append(log, "poison-a", 10);
            String[] yearZero = row("poison-year0");
            yearZero[AuditRows.EVENT_TIME] = "0000-01-01T00:00:00Z";
            String[] badIp = row("poison-ip");
            badIp[12] = "not-an-ip";
            await(log.append(yearZero));
            await(log.append(badIp));
            append(log, "poison-b", 10);
            await(deploy(vertx, log));
            assertEquals(
                    20,
                    db.awaitCount(
                            20,
                            Duration.ofSeconds(30),
                            "SELECT count(*) FROM audit.decisions"
                                    + " WHERE transaction_id LIKE 'poison-a%' OR transaction_id LIKE 'poison-b%'"));
            assertEquals(
                    2,
                    db.awaitCount(
                            2,
                            Duration.ofSeconds(30),
                            "SELECT count(*) FROM audit.quarantine" + " WHERE transaction_id LIKE 'poison-%'"));
            List<Map<String, Object>> q = db.query("SELECT transaction_id, sqlstate, error FROM audit.quarantine"
                    + " WHERE transaction_id LIKE 'poison-%' ORDER BY transaction_id");
            assertEquals("poison-ip", q.get(0).get("transaction_id"));
            assertEquals("22P02", q.get(0).get("sqlstate"), "invalid inet: " + q.get(0));
            assertEquals("poison-year0", q.get(1).get("transaction_id"));
            assertTrue(((String) q.get(1).get("sqlstate")).startsWith("22"), "year 0: " + q.get(1));
            assertEquals(0, count("poison-year0") + count("poison-ip"));
        }
    }

    @Test
    void aCheckpointEmptiedByAKillIsReadAsNoneAndEveryRowArrivesOnce(Vertx vertx, @TempDir Path dir) throws Exception {
        try (DecisionLog log = DecisionLog.open(dir, DecisionLog.Durability.FSYNC, 1 << 20, 1L << 30)) {
            append(log, "ckpt-", 4);
        }
        // what kill -9 left when the checkpoint was rewritten in place (truncated, not yet written)
        Files.writeString(dir.resolve(LogReader.CHECKPOINT), "");
        try (DecisionLog log = DecisionLog.open(dir, DecisionLog.Durability.FSYNC, 1 << 20, 1L << 30)) {
            await(deploy(vertx, log));
            append(log, "after-ckpt-", 2);
            assertEquals(
                    4,
                    db.awaitCount(
                            4,
                            Duration.ofSeconds(30),
                            "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'ckpt-%'"));
            assertEquals(
                    2,
                    db.awaitCount(
                            2,
                            Duration.ofSeconds(30),
                            "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'after-ckpt-%'"));
            assertTrue(
                    Await.until(
                            () -> !Files.readString(dir.resolve(LogReader.CHECKPOINT))
                                    .isBlank(),
                            Duration.ofSeconds(10),
                            50),
                    "the checkpoint is written again");
        }
    }

    @Test
    void aRecordTornByACrashIsCutOffAtStartAndTheWholeOnesArrive(Vertx vertx, @TempDir Path dir) throws Exception {
        Path segment;
        try (DecisionLog log = DecisionLog.open(dir, DecisionLog.Durability.FSYNC, 1 << 20, 1L << 30)) {
            append(log, "torn-", 5);
            segment = DecisionLog.segments(dir).getLast();
        }
        // what kill -9 in the middle of a write leaves: the first half of a record
        byte[] payload = LogRecords.payload(row("torn-half"));
        ByteBuffer whole = ByteBuffer.allocate(LogRecords.size(payload));
        LogRecords.write(whole, payload);
        long before = Files.size(segment);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(whole.array(), 0, whole.capacity() / 2));
        }
        try (DecisionLog log = DecisionLog.open(dir, DecisionLog.Durability.FSYNC, 1 << 20, 1L << 30)) {
            await(deploy(vertx, log));
            append(log, "after-torn-", 3);
            assertEquals(
                    5,
                    db.awaitCount(
                            5,
                            Duration.ofSeconds(30),
                            "SELECT count(*) FROM audit.decisions" + " WHERE transaction_id LIKE 'torn-%'"));
            assertEquals(
                    3,
                    db.awaitCount(
                            3,
                            Duration.ofSeconds(30),
                            "SELECT count(*) FROM audit.decisions" + " WHERE transaction_id LIKE 'after-torn-%'"));
            assertEquals(0, count("torn-half"));
            assertTrue(
                    Await.until(() -> !Files.exists(segment), Duration.ofSeconds(10), 50),
                    "the older segment is read to its cut-off end and deleted (" + before + " bytes before)");
        }
    }

    @Test
    void aScoredDecisionReplacesADegradedOneAndNothingElseChangesARow(Vertx vertx, @TempDir Path dir) throws Exception {
        try (DecisionLog log = DecisionLog.open(dir, DecisionLog.Durability.FSYNC, 1 << 20, 1L << 30)) {
            await(deploy(vertx, log));
            String[] scored = row("retry-1");
            String[] degraded = scored.clone();
            degraded[AuditRows.DEGRADED] = "true";
            degraded[AuditRows.DEGRADED + 1] = "FEATURES_UNAVAILABLE";
            await(log.append(degraded));
            db.awaitCount(
                    1,
                    Duration.ofSeconds(30),
                    "SELECT count(*) FROM audit.decisions WHERE degraded AND" + " transaction_id = 'retry-1'");
            await(log.append(scored));
            assertEquals(
                    1,
                    db.awaitCount(
                            1,
                            Duration.ofSeconds(30),
                            "SELECT count(*) FROM audit.decisions WHERE NOT"
                                    + " degraded AND transaction_id = 'retry-1'"));
            String[] later = scored.clone();
            later[AuditRows.NODE_ID] = "another-node";
            await(log.append(degraded));
            await(log.append(later));
            Thread.sleep(500);
            assertEquals(
                    List.of(Map.of("degraded", false, "node_id", "test-node")),
                    db.query("SELECT degraded, node_id FROM audit.decisions WHERE transaction_id = 'retry-1'"));
        }
    }

    @Test
    void pastItsCapTheLogRefusesAppendsUntilPostgresHasTakenTheRows(Vertx vertx, @TempDir Path dir) throws Exception {
        try (DecisionLog log = DecisionLog.open(dir, DecisionLog.Durability.FSYNC, 4096, 16_384)) {
            int appended = 0;
            while (!log.full() && appended < 10_000) {
                await(log.append(row("cap-" + appended)));
                appended++;
            }
            assertTrue(log.full(), "full after " + appended + " rows, " + log.bytes() + " bytes");
            ExecutionException refused = assertThrows(ExecutionException.class, () -> await(log.append(row("cap-x"))));
            assertEquals(Failure.UNAVAILABLE, ApiError.of(refused.getCause()).failure());
            await(deploy(vertx, log));
            assertEquals(
                    appended,
                    db.awaitCount(
                            appended,
                            Duration.ofSeconds(30),
                            "SELECT count(*) FROM" + " audit.decisions WHERE transaction_id LIKE 'cap-%'"));
            assertTrue(Await.until(() -> !log.full(), Duration.ofSeconds(10), 50), "room again: " + log.waiting());
            await(log.append(row("cap-x")));
        }
    }

    @Test
    void aFullDiskFailsAppendsReportsItOnceAndTheLogRecovers(Vertx vertx, @TempDir Path tmp) throws Exception {
        Path mount = tmp.resolve("small-disk");
        Files.createDirectories(mount);
        assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString()),
                "needs root to mount a 256 KiB tmpfs as a disk that fills up");
        try {
            Path dir = mount.resolve("log");
            Path filler = mount.resolve("filler");
            try (DecisionLog log = DecisionLog.open(dir, DecisionLog.Durability.FSYNC, 1 << 20, 1L << 30)) {
                Files.write(filler, new byte[256 * 1024 - 32 * 1024]); // room for a few dozen rows
                int written = 0;
                int refused = 0;
                for (int i = 0; i < 1000 && refused == 0; i++) {
                    try {
                        await(log.append(row("disk-a" + i)));
                        written++;
                    } catch (ExecutionException e) {
                        assertEquals(
                                Failure.UNAVAILABLE, ApiError.of(e.getCause()).failure());
                        refused++;
                    }
                }
                assertEquals(1, refused, "a full disk fails the append that does not fit (" + written + " did)");
                assertNotNull(log.failure(), "and is reported");
                assertTrue(log.full());
                ExecutionException atOnce = assertThrows(ExecutionException.class, () -> await(log.append(row("x-1"))));
                assertEquals(Failure.UNAVAILABLE, ApiError.of(atOnce.getCause()).failure());
                assertEquals(1, log.writeErrors(), "refused at once until a probe can write: one failed write");
                Files.delete(filler);
                assertTrue(
                        Await.until(
                                () -> {
                                    try {
                                        log.probe(); // what the readiness check does every health.intervalMs
                                        await(log.append(row("disk-b0")));
                                        return true;
                                    } catch (ExecutionException e) {
                                        return false;
                                    }
                                },
                                Duration.ofSeconds(10),
                                200),
                        "writes again once there is room");
                assertNull(log.failure());
                await(deploy(vertx, log));
                assertEquals(
                        written,
                        db.awaitCount(
                                written,
                                Duration.ofSeconds(30),
                                "SELECT count(*) FROM" + " audit.decisions WHERE transaction_id LIKE 'disk-a%'"));
                assertEquals(
                        1,
                        db.awaitCount(
                                1,
                                Duration.ofSeconds(30),
                                "SELECT count(*) FROM audit.decisions" + " WHERE transaction_id = 'disk-b0'"));
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }
}
