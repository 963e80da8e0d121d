package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.devinfra.FreePorts;
import dev.fraudscore.devinfra.KafkaBroker;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.Load;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kafka broker stopped under HTTP load, then started again on the same log: authorize-checks need no broker,
 * so they are all decided and the node stays ready (its /health says Kafka is down); stream ingestion resumes
 * where it stopped and no record is decided twice.
 */
class KafkaOutageIT {
    private static final int CARDS = 8;
    private static Path data;
    private static int port;
    private static int controller;
    private static KafkaBroker broker;
    private static RunningNode it;
    private static NodeConfig.Topics topics;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("kafka-outage");
        port = FreePorts.next();
        controller = FreePorts.next();
        broker = KafkaBroker.start(data, port, controller, Duration.ofSeconds(90));
        it = RunningNode.start("kafka_outage_it", c -> {
            c.getJsonObject("kafka").put("bootstrapServers", broker.bootstrapServers());
            c.getJsonObject("health").put("intervalMs", 200).put("timeoutMs", 500);
        });
        topics = it.node().config().kafka().topics();
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
        broker.close();
    }

    private static void produce(int from, int to) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all"),
                new StringSerializer(),
                new StringSerializer())) {
            for (int i = from; i < to; i++) {
                String card = "kgo-card-" + (i % CARDS);
                JsonObject tx = Http.tx("kgo-s-" + i, card, "kgo-term", 20)
                        .put(
                                "timestamp",
                                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
                p.send(new ProducerRecord<>(topics.transactions(), card, tx.encode()))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static long audited() throws Exception {
        return it.db().count("SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'kgo-s-%'");
    }

    @Test
    void httpDecidesThroughABrokerOutageAndTheStreamResumesWithoutDecidingAnythingTwice() throws Exception {
        produce(0, 40);
        assertEquals(
                40,
                it.db()
                        .awaitCount(
                                40,
                                Duration.ofSeconds(60),
                                "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'kgo-s-%'"));

        broker.close();
        Load load = new Load(it.http(), "kgo-http", 20);
        List<Integer> readiness = new ArrayList<>();
        List<String> kafkaHealth = new ArrayList<>();
        load.run(100, 8_000, () -> {
            try {
                if (System.nanoTime() / 1_000_000 % 200 < 5) {
                    readiness.add(it.http().get("/health/ready").statusCode());
                    kafkaHealth.add(new JsonObject(it.ops().get("/health").body())
                            .getJsonObject("checks")
                            .getJsonObject("kafka")
                            .getString("status"));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(Map.of(200, load.sent()), load.finish(), "every authorize-check decided while Kafka was down");
        assertFalse(readiness.contains(503), "the node stayed ready: " + readiness);
        assertTrue(kafkaHealth.contains("DOWN"), "/health reported Kafka down: " + kafkaHealth);

        broker = KafkaBroker.start(data, port, controller, Duration.ofSeconds(90));
        produce(40, 80);
        assertEquals(
                80,
                it.db()
                        .awaitCount(
                                80,
                                Duration.ofSeconds(90),
                                "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'kgo-s-%'"));
        assertEquals(
                80,
                it.db()
                        .count(
                                "SELECT count(DISTINCT transaction_id) FROM audit.decisions WHERE transaction_id LIKE 'kgo-s-%'"));
        // nothing counted twice: each card's next transaction sees exactly its ten stream transactions and itself
        for (int card = 0; card < CARDS; card++) {
            String id = "kgo-probe-" + card;
            HttpResponse<String> r = it.http().authorize(Http.tx(id, "kgo-card-" + card, "kgo-term", 1));
            assertEquals(200, r.statusCode(), r.body());
            it.db()
                    .awaitCount(
                            1,
                            Duration.ofSeconds(20),
                            "SELECT count(*) FROM audit.decisions WHERE transaction_id = ?",
                            id);
            assertEquals(
                    11.0,
                    ((Number) it.db()
                                    .query(
                                            "SELECT (features->>'card_count_1h')::float8 AS c "
                                                    + "FROM analyst.decisions WHERE transaction_id = ?",
                                            id)
                                    .get(0)
                                    .get("c"))
                            .doubleValue(),
                    "card " + card);
        }
        assertEquals(80, audited());
    }
}
