package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.devinfra.EmbeddedPostgresServer;
import dev.fraudscore.devinfra.FreePorts;
import dev.fraudscore.node.support.Db;
import dev.fraudscore.node.support.Kafka;
import dev.fraudscore.node.support.Load;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped under steady load, then started again on the same data: a decision needs no database, so
 * no check is refused and the node stays ready (its /health says PostgreSQL is down, naming no host); the audit
 * rows wait in the decision log and every decided transaction has its row once PostgreSQL is back.
 */
class PostgresOutageIT {
    private static final int RATE = 100;
    private static Path data;
    private static int port;
    private static EmbeddedPostgresServer postgres;
    private static RunningNode it;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("pg-outage").resolve("data");
        port = FreePorts.next();
        postgres = EmbeddedPostgresServer.start(data, port);
        it = RunningNode.start("pg_outage_it", c -> {
            c.getJsonObject("postgres").put("url", postgres.uri("postgres"));
            c.getJsonObject("audit").put("retryIntervalMs", 200);
            // shorter than the outage: a transient failure of a transaction record would be dead-lettered by now,
            // a label's must not be
            c.getJsonObject("kafka").put("retryForMs", 2500);
            c.getJsonObject("idempotency").put("streamStaleAfterMs", 2000);
            c.getJsonObject("health").put("intervalMs", 200).put("timeoutMs", 500);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
        postgres.close();
    }

    @Test
    void decisionsGoOnWhilePostgresIsDownAndEveryRowArrivesAfterwards() throws Exception {
        Load load = new Load(it.http(), "pgo", 20);
        List<Integer> readiness = new ArrayList<>();
        List<String> postgresHealth = new ArrayList<>();
        long[] phase = {0};
        long start = System.nanoTime();
        load.run(RATE, 12_000, () -> {
            long t = (System.nanoTime() - start) / 1_000_000;
            try {
                if (phase[0] == 0 && t > 2_000) {
                    phase[0] = 1;
                    postgres.close(); // the outage: the server stops
                    try (Kafka kafka = new Kafka()) {
                        kafka.send(
                                it.node().config().kafka().topics().labels(),
                                "card_pgo",
                                new JsonObject()
                                        .put("transactionId", "pgo-label-1")
                                        .put("fraud", true)
                                        .put("source", "chargeback")
                                        .put("cardId", "card_pgo")
                                        .put("terminalId", "term_pgo")
                                        .put("timestamp", "2026-11-01T10:00:00Z")
                                        .encode());
                    }
                } else if (phase[0] == 1 && t > 8_000) {
                    phase[0] = 2;
                    postgres = EmbeddedPostgresServer.start(data, port);
                }
                if (t % 200 < 5) {
                    HttpResponse<String> ready = it.http().get("/health/ready");
                    readiness.add(ready.statusCode());
                    JsonObject pg = new JsonObject(it.ops().get("/health").body())
                            .getJsonObject("checks")
                            .getJsonObject("postgres");
                    postgresHealth.add(pg.getString("status"));
                    assertFalse(
                            ready.body().contains("127.0.0.1") || ready.body().contains(Integer.toString(port)),
                            "health answers name no internal host: " + ready.body());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Map<Integer, Long> statuses = load.finish();
        assertEquals(Map.of(200, load.sent()), statuses, "every check decided; none refused because of PostgreSQL");
        assertFalse(readiness.contains(503), "the node stayed ready: " + readiness);
        assertTrue(postgresHealth.contains("DOWN"), "/health reported PostgreSQL down: " + postgresHealth);
        // every decided transaction has exactly one audit row once PostgreSQL is back (through a new connection:
        // the test's own went down with the server)
        try (Db db = new Db(postgres.uri("postgres"))) {
            assertEquals(
                    load.sent(),
                    db.awaitCount(
                            load.sent(),
                            Duration.ofSeconds(60),
                            "SELECT count(DISTINCT transaction_id) FROM audit.decisions WHERE transaction_id LIKE 'pgo-%'"));
            assertEquals(
                    load.sent(), db.count("SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'pgo-%'"));
            assertEquals(
                    1,
                    db.awaitCount(
                            1,
                            Duration.ofSeconds(60),
                            "SELECT count(*) FROM audit.label_history WHERE transaction_id = 'pgo-label-1'"),
                    "a label record that failed for longer than kafka.retryForMs while PostgreSQL was down is stored"
                            + " once it is back, not dead-lettered");
        }
    }
}
