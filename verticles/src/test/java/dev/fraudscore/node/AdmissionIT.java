package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.bench.PrometheusText;
import dev.fraudscore.node.config.ConfigLoader;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.Kafka;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Admission control as a new user gets it (the default adaptive limit): it refuses nothing a node can serve.
 * Traffic starts at once on a node just started; 64 closed-loop clients; a Kafka backlog does not starve callers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdmissionIT {
    private static RunningNode it;

    @BeforeAll
    static void start() throws Exception {
        JsonObject defaults = ConfigLoader.defaults().getJsonObject("admission");
        it = RunningNode.start("admission_it", c -> c.put("admission", defaults.copy()));
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
    }

    /** {@code clients} threads, each sending its next check when the previous is answered, paced to {@code perClientRate}/s. */
    private static Map<Integer, Long> closedLoop(String prefix, int clients, long millis, int perClientRate)
            throws Exception {
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (int c = 0; c < clients; c++) {
            int client = c;
            pool.submit(() -> {
                long n = 0;
                while (System.nanoTime() < end) {
                    long next = System.nanoTime() + (perClientRate > 0 ? 1_000_000_000L / perClientRate : 0);
                    HttpResponse<String> r = it.http()
                            .authorize(Http.tx(
                                    prefix + "-" + client + "-" + n++,
                                    prefix + "-card-" + (n % 50),
                                    prefix + "-t",
                                    12));
                    statuses.computeIfAbsent(r.statusCode(), s -> new AtomicLong())
                            .incrementAndGet();
                    LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                }
                return null;
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(millis + 60_000, TimeUnit.MILLISECONDS));
        Map<Integer, Long> out = new TreeMap<>();
        statuses.forEach((s, n) -> out.put(s, n.get()));
        return out;
    }

    @Test
    @Order(1)
    void sixteenClientsFromTheFirstSecondAfterStartAreNeverRefused() throws Exception {
        Map<Integer, Long> statuses = closedLoop("adm16", 16, 4_000, 20);
        assertEquals(1, statuses.size(), "only 200s: " + statuses);
        assertTrue(statuses.containsKey(200), statuses.toString());
    }

    @Test
    @Order(2)
    void sixtyFourClosedLoopClientsAreNeverRefused() throws Exception {
        Map<Integer, Long> statuses = closedLoop("adm64", 64, 5_000, 0);
        assertEquals(1, statuses.size(), "only 200s: " + statuses);
        assertTrue(statuses.get(200) > 500, statuses.toString());
    }

    @Test
    @Order(3)
    void aKafkaBacklogDoesNotStarveAuthorizeChecks() throws Exception {
        try (Kafka kafka = new Kafka()) {
            for (int i = 0; i < 3_000; i++) {
                kafka.sendAsync(
                        it.node().config().kafka().topics().transactions(),
                        "bl-card-" + (i % 300),
                        Http.tx("bl-" + i, "bl-card-" + (i % 300), "bl-t", 15).encode());
            }
            kafka.flush();
        }
        Map<Integer, Long> statuses = closedLoop("admkb", 16, 4_000, 0);
        assertEquals(1, statuses.size(), "only 200s while the stream backlog is decided: " + statuses);
        PrometheusText m = PrometheusText.parse(it.ops().get("/metrics").body());
        assertEquals(0.0, m.sum("fraud_admission_refused_total"), "nothing refused in this class");
    }
}
