package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.node.support.Db;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.NodeProcesses;
import dev.fraudscore.testkit.TestKafka;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The stream path's delivery guarantee, with a node killed mid-stream: two node JVMs consume "transactions"; one is
 * killed with kill -9 while records flow, and started again. A {@code read_committed} consumer of "decisions" then
 * finds every input once it keeps the first record per transactionId (the idempotency key): at least one decision
 * per input, every copy of one input carrying the same decision (a redelivered record is answered with its
 * remembered decision, marked replayed), and every input audited exactly once.
 */
class KafkaNodeKillIT {
    private static final int RECORDS = 1500;

    @Test
    void afterAKillEveryInputIsDecidedAndAuditedOnceAndItsCopiesOnDecisionsAgree() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(
                        2,
                        // two members: the survivor must keep deciding alone (a majority quorum of two would stop it)
                        Map.of("FRAUD_KAFKA_SESSION_TIMEOUT_MS", "6000", "FRAUD_CLUSTER_QUORUM", "1"));
                Db db = new Db(nodes.postgresUrl)) {
            nodes.startAll();
            String topic = nodes.clusterName + ".transactions";
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                long start = System.nanoTime();
                for (int i = 0; i < RECORDS; i++) {
                    String card = "kk_card_" + (i % 60);
                    producer.send(new ProducerRecord<>(
                            topic,
                            card,
                            Http.tx("kk-" + i, card, "kk_term_" + (i % 7), 10 + i % 90)
                                    .encode()));
                    if (i == RECORDS / 3) {
                        producer.flush();
                        nodes.kill(1); // mid-stream: records in flight, offsets not committed
                    }
                    // about 250 records a second
                    long due = start + i * 4_000_000L;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
            nodes.start(1); // its decision log moves into PostgreSQL once it runs again
            nodes.awaitReady(1, Duration.ofSeconds(150));
            assertEquals(
                    RECORDS,
                    db.awaitCount(
                            RECORDS,
                            Duration.ofSeconds(120),
                            "SELECT count(*) FROM" + " audit.decisions WHERE transaction_id LIKE 'kk-%'"));
            assertEquals(
                    RECORDS,
                    db.count(
                            "SELECT count(DISTINCT transaction_id) FROM audit.decisions WHERE transaction_id LIKE 'kk-%'"),
                    "every input audited exactly once");

            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
            c.put(ConsumerConfig.GROUP_ID_CONFIG, nodes.clusterName + "-reader");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            Map<String, JsonObject> first = new HashMap<>();
            int copies = 0;
            int replayedCopies = 0;
            try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(nodes.clusterName + ".decisions"));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (first.size() < RECORDS && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        JsonObject d = new JsonObject(r.value());
                        String id = d.getString("transactionId");
                        copies++;
                        JsonObject kept = first.putIfAbsent(id, d);
                        if (kept != null) {
                            replayedCopies += d.getBoolean("replayed", false) ? 1 : 0;
                            assertEquals(kept.getString("decision"), d.getString("decision"), id);
                            assertEquals(kept.getValue("score"), d.getValue("score"), id);
                            assertEquals(kept.getString("decidedAt"), d.getString("decidedAt"), id);
                        }
                    }
                }
            }
            assertEquals(RECORDS, first.size(), "every input has a decision on the topic");
            System.out.printf(
                    "decisions: %d inputs, %d records on the topic (%d extra copies, %d of them marked replayed)%n",
                    RECORDS, copies, copies - RECORDS, replayedCopies);
        }
    }
}
