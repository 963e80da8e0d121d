package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.support.Await;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.Kafka;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stream edge on a real KRaft broker: records on "transactions" go through the same pipeline as
 * HTTP, decisions come out on "decisions", alerts on "fraud-alerts", bad records on the DLQ, and offsets
 * are committed once decisions are audited. REVIEW starts at score 0 here so every decision alerts.
 */
class KafkaPipelineIT {
    private static RunningNode it;
    private static NodeConfig.Topics topics;
    private static Kafka kafka;

    @BeforeAll
    static void start() throws Exception {
        it = RunningNode.start(
                "kafka_it",
                c -> c.getJsonObject("decision").put("reviewThreshold", 0.0).put("declineThreshold", 1.0));
        topics = it.node().config().kafka().topics();
        kafka = new Kafka();
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        it.close();
    }

    private static JsonObject tx(String id, String card, double amount) {
        return Http.tx(id, card, "term_k", amount).put("timestamp", "2026-11-18T14:00:00Z");
    }

    @Test
    void recordsAreDecidedPublishedAuditedAlertedAndCommitted() throws Exception {
        int n = 30;
        for (int i = 0; i < n; i++) {
            String card = "kcard_" + (i % 5);
            kafka.send(topics.transactions(), card, tx("k-" + i, card, 10 + i).encode());
        }
        List<JsonObject> decisions =
                Kafka.values(kafka.read(topics.decisions(), n, Duration.ofSeconds(60), Kafka.txPrefix("k-")));
        assertEquals(n, decisions.size());
        for (JsonObject d : decisions) {
            assertEquals("KAFKA", d.getString("source"));
            assertTrue(d.getDouble("score") >= 0 && d.getDouble("score") <= 1);
            assertTrue(d.getString("modelVersion").startsWith("xgb-"));
            assertEquals(
                    d.getString("transactionId"), d.getJsonObject("transaction").getString("transactionId"));
        }
        // every decision is REVIEW or DECLINE at these thresholds, so every one has an alert with reasons
        List<JsonObject> alerts =
                Kafka.values(kafka.read(topics.alerts(), n, Duration.ofSeconds(30), Kafka.txPrefix("k-")));
        assertEquals(n, alerts.size());
        for (JsonObject a : alerts) {
            assertNotEquals("APPROVE", a.getString("decision"));
            assertFalse(a.getJsonArray("reasons").isEmpty());
            assertNotNull(a.getJsonObject("transaction").getString("cardId"));
        }
        // decisions are published only after their audit rows are durable: all rows are there already
        assertEquals(
                n,
                it.db()
                        .count(
                                "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'k-%' AND source = 'KAFKA'"));
        // card kcard_0 had six transactions; the last one saw all six
        assertEquals(
                6.0,
                ((Number) it.db()
                                .query("SELECT (features->>'card_count_1h')::float8 AS c FROM analyst.decisions "
                                        + "WHERE transaction_id = 'k-25'")
                                .get(0)
                                .get("c"))
                        .doubleValue());
        long[] committed = awaitCommitted();
        assertEquals(committed[1], committed[0], "committed offsets reach the end of the topic");
    }

    private static long[] awaitCommitted() throws Exception {
        long[][] ce = new long[1][];
        Await.until(
                () -> {
                    ce[0] = kafka.committedAndEnd(it.node().config().kafka().groupId(), topics.transactions());
                    return ce[0][0] >= ce[0][1];
                },
                Duration.ofSeconds(30),
                100);
        return ce[0];
    }

    @Test
    void malformedRecordsGoToTheDlqWithTheReasonAndThePartitionMovesOn() throws Exception {
        kafka.send(topics.transactions(), 0, "bad", "{this is not json");
        JsonObject missingAmount = tx("dlq-2", "kcard_dlq", 1);
        missingAmount.remove("amount");
        kafka.send(topics.transactions(), 0, "kcard_dlq", missingAmount.encode());
        kafka.send(
                topics.transactions(),
                0,
                "kcard_dlq",
                tx("dlq-3", "kcard_dlq", 1).put("cardId", "4111111111111111").encode());
        kafka.send(
                topics.transactions(),
                0,
                "kcard_dlq",
                tx("dlq-ok", "kcard_dlq", 12).encode());

        List<JsonObject> dead = Kafka.values(kafka.read(topics.dlq(), 3, Duration.ofSeconds(60)));
        assertEquals(3, dead.size());
        Map<String, JsonObject> byRule = dead.stream().collect(Collectors.toMap(d -> d.getString("rule"), d -> d));
        assertEquals(Set.of("malformed_json", "required", "not_a_pan"), byRule.keySet());
        assertEquals("amount", byRule.get("required").getString("field"));
        assertEquals("{this is not json", byRule.get("malformed_json").getString("record"));
        assertEquals(0, byRule.get("required").getInteger("partition"));

        List<ConsumerRecord<String, String>> decisions =
                kafka.read(topics.decisions(), 1, Duration.ofSeconds(30), Kafka.txPrefix("dlq-ok"));
        assertEquals(1, decisions.size(), "the good record behind the bad ones was decided");
        assertEquals(
                0, it.db().count("SELECT count(*) FROM audit.decisions WHERE transaction_id IN ('dlq-2', 'dlq-3')"));
    }

    @Test
    void redeliveredRecordGetsTheSameDecisionAndIsCountedOnce() throws Exception {
        String record = tx("redo-1", "kcard_redo", 40).encode();
        kafka.send(topics.transactions(), "kcard_redo", record);
        kafka.send(topics.transactions(), "kcard_redo", record);
        kafka.send(
                topics.transactions(),
                "kcard_redo",
                tx("redo-2", "kcard_redo", 41).encode());
        List<JsonObject> decisions =
                Kafka.values(kafka.read(topics.decisions(), 3, Duration.ofSeconds(30), Kafka.txPrefix("redo-")));
        List<JsonObject> first = decisions.stream()
                .filter(d -> d.getString("transactionId").equals("redo-1"))
                .toList();
        assertEquals(2, first.size());
        assertEquals(first.get(0).getString("decidedAt"), first.get(1).getString("decidedAt"));
        assertEquals(
                1, first.stream().filter(d -> d.getBoolean("replayed", false)).count());
        it.db()
                .awaitCount(
                        1,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'redo-2'");
        assertEquals(
                2.0,
                ((Number) it.db()
                                .query("SELECT (features->>'card_count_1h')::float8 AS c FROM analyst.decisions "
                                        + "WHERE transaction_id = 'redo-2'")
                                .get(0)
                                .get("c"))
                        .doubleValue());
        assertEquals(1, it.db().count("SELECT count(*) FROM audit.decisions WHERE transaction_id = 'redo-1'"));
    }
}
