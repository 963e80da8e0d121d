package dev.fraudscore.node.audit;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.node.Migrations;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.Codecs;
import dev.fraudscore.node.bus.DecisionEvent;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.support.Await;
import dev.fraudscore.node.support.BlockedThreadWatch;
import dev.fraudscore.node.support.Db;
import dev.fraudscore.node.support.Events;
import dev.fraudscore.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit writer alone on a Vert.x instance, against a real PostgreSQL database of its own: rows are
 * committed in batches and acknowledged; batches PostgreSQL refuses go to the spool and reach the table once
 * it accepts them again; a batch that a crashed writer left claimed is replayed when the writer starts.
 */
@ExtendWith(VertxExtension.class)
class AuditVerticleIT {
    private static final DeliveryOptions WAIT = new DeliveryOptions().setSendTimeout(30_000);
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

    private static Future<String> deploy(Vertx vertx, Path spool) {
        Codecs.register(vertx);
        NodeConfig.Audit audit = new NodeConfig.Audit(1, 2, 50, 20, spool, 100, 1L << 30);
        return vertx.deployVerticle(new AuditVerticle(
                audit, new NodeConfig.Postgres(url, 0, spool), "audit-it", new SimpleMeterRegistry(), new SpoolSize()));
    }

    private static void await(Future<?> f) throws Exception {
        f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static Future<?> write(Vertx vertx, String prefix, int n) {
        List<Future<?>> acks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            acks.add(vertx.eventBus()
                    .request(Addresses.AUDIT_WRITE, Events.decided(prefix + i, "card_" + prefix, 0.1), WAIT));
        }
        return Future.all(acks);
    }

    private static long spooled(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().contains(".batch.json"))
                    .count();
        }
    }

    @Test
    void everyAcknowledgedRowIsCommitted(Vertx vertx, @TempDir Path spool) throws Exception {
        await(deploy(vertx, spool).compose(id -> write(vertx, "ok-", 120)));
        assertEquals(120, db.count("SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'ok-%'"));
        assertEquals(0, spooled(spool));
    }

    @Test
    void refusedBatchesWaitInTheSpoolAndArriveOncePostgresTakesThem(Vertx vertx, @TempDir Path spool) throws Exception {
        await(deploy(vertx, spool));
        db.execute("CREATE FUNCTION audit.refuse_it() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "RAISE EXCEPTION 'audit outage drill'; END $$");
        db.execute(
                "CREATE TRIGGER refuse_it BEFORE INSERT ON audit.decisions FOR EACH ROW EXECUTE FUNCTION audit.refuse_it()");
        try {
            // acknowledged although PostgreSQL refuses: the rows are durable in the spool
            await(write(vertx, "spool-", 30));
            assertTrue(spooled(spool) > 0, "refused batches are in the spool");
            assertEquals(0, db.count("SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'spool-%'"));
        } finally {
            db.execute("DROP TRIGGER refuse_it ON audit.decisions");
        }
        assertEquals(
                30,
                db.awaitCount(
                        30,
                        Duration.ofSeconds(30),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'spool-%'"));
        assertTrue(
                Await.until(() -> spooled(spool) == 0, Duration.ofSeconds(10), 50), "replayed batches leave the spool");
    }

    @Test
    void aBatchLeftClaimedByACrashedWriterIsReplayedAtStart(Vertx vertx, @TempDir Path spool) throws Exception {
        // what a writer that died mid-replay leaves behind: a claimed batch file
        DecisionEvent event = Events.decided("orphan-1", "card_orphan", 0.2);
        JsonArray row = new JsonArray();
        for (String v : AuditRows.row(event)) {
            row.add(v);
        }
        Files.writeString(
                spool.resolve("000000000000001-dead-node-000000001.batch.json.replaying"),
                new JsonArray().add(row).encode());
        await(deploy(vertx, spool));
        assertEquals(
                1,
                db.awaitCount(
                        1,
                        Duration.ofSeconds(30),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'orphan-1'"));
        assertTrue(Await.until(() -> spooled(spool) == 0, Duration.ofSeconds(10), 50));
    }
}
