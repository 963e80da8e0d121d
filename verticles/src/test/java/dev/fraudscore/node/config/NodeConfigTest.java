package dev.fraudscore.node.config;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.domain.Channel;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Transaction;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
    @Test
    void defaultsAreValid() {
        NodeConfig c = NodeConfig.load(null, Map.of());
        assertEquals(8080, c.http().port());
        assertTrue(c.kafka().embedded());
        assertTrue(c.postgres().embedded());
        assertEquals(Outcome.REVIEW, c.decision().fallback().outcome(tx("120.00", null)));
        assertEquals(Outcome.DECLINE, c.decision().fallback().outcome(tx("300.00", Channel.ECOM)));
        assertFalse(c.nodeId().isBlank());
    }

    private static Transaction tx(String amount, Channel channel) {
        return new Transaction(
                "t",
                "c",
                "m",
                new BigDecimal(amount),
                "EUR",
                OffsetDateTime.parse("2026-11-24T10:00:00Z"),
                null,
                null,
                null,
                null,
                null,
                channel);
    }

    @Test
    void envNamesFollowTheKeyPath() {
        assertEquals("FRAUD_HTTP_PORT", ConfigLoader.envName("http.port"));
        assertEquals("FRAUD_SCORING_BATCH_MAX_SIZE", ConfigLoader.envName("scoring.batchMaxSize"));
        assertEquals("FRAUD_KAFKA_TOPICS_DLQ", ConfigLoader.envName("kafka.topics.dlq"));
    }

    @Test
    void kafkaClientPropertiesPassThroughFromTheEnvironment() {
        NodeConfig c = NodeConfig.load(
                null,
                Map.of(
                        "FRAUD_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL",
                        "FRAUD_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512"));
        assertEquals("SASL_SSL", c.kafka().properties().get("security.protocol"));
        assertEquals(
                "SCRAM-SHA-512",
                dev.fraudscore.node.kafka.KafkaClients.consumer(c.kafka(), "x").get("sasl.mechanism"));
        assertEquals(
                "SASL_SSL",
                dev.fraudscore.node.kafka.KafkaClients.admin(c.kafka(), Map.of())
                        .get("security.protocol"));
    }

    @Test
    void fileThenEnvironmentOverrideDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("node.yaml");
        Files.writeString(
                file, "http:\n  port: 9000\nscoring:\n  batchMaxSize: 32\ndecision:\n  reviewThreshold: 0.4\n");
        NodeConfig c = NodeConfig.load(
                file,
                Map.of(
                        "FRAUD_HTTP_PORT",
                        "9100",
                        "FRAUD_CLUSTER_MEMBERS",
                        "10.0.0.1:5701, 10.0.0.2:5701",
                        "FRAUD_DECISION_FALLBACK_DEFAULT",
                        "DECLINE"));
        assertEquals(9100, c.http().port());
        assertEquals(32, c.scoring().batchMaxSize());
        assertEquals(0.4, c.decision().reviewThreshold());
        assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701"), c.cluster().members());
        assertEquals(Outcome.DECLINE, c.decision().fallback().outcome(tx("1.00", null)));
        assertEquals(
                Outcome.APPROVE, c.decision().fallback().outcome(tx("1.00", Channel.ECOM)), "ECOM keeps its own tiers");
    }

    private static ConfigException refused(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> NodeConfig.load(null, env));
    }

    @Test
    void badValuesNameTheirKey() {
        assertEquals("http.port", refused(Map.of("FRAUD_HTTP_PORT", "eighty")).key());
        assertTrue(refused(Map.of("FRAUD_HTTP_PORT", "70000")).getMessage().contains("between 0 and 65535"));
        assertEquals(
                "scoring.workerPoolSize",
                refused(Map.of("FRAUD_SCORING_WORKER_POOL_SIZE", "0")).key());
        assertEquals(
                "decision.fallback.ecom",
                refused(Map.of("FRAUD_DECISION_FALLBACK_ECOM", "10 APPROVE, 5 REVIEW, DECLINE"))
                        .key());
        assertEquals(
                "decision.fallback.atm",
                refused(Map.of("FRAUD_DECISION_FALLBACK_ATM", "100 APPROVE, MAYBE"))
                        .key());
        assertEquals(
                "admission.minLimit",
                refused(Map.of("FRAUD_ADMISSION_MIN_LIMIT", "5000")).key());
        assertEquals(
                "decision.reviewThreshold",
                refused(Map.of("FRAUD_DECISION_REVIEW_THRESHOLD", "0.9", "FRAUD_DECISION_DECLINE_THRESHOLD", "0.5"))
                        .key());
        assertEquals(
                "decision.ruleGuardShare",
                refused(Map.of("FRAUD_DECISION_RULE_GUARD_SHARE", "0")).key());
        assertEquals(
                "postgres.url",
                refused(Map.of("FRAUD_POSTGRES_URL", "jdbc:postgresql://x/y")).key());
        assertEquals(
                "cluster.members",
                refused(Map.of("FRAUD_CLUSTER_MEMBERS", "127.0.0.1:5701-5703x")).key());
        assertEquals("FRAUD_HTTP_PROT", refused(Map.of("FRAUD_HTTP_PROT", "1")).key());
    }

    @Test
    void unknownOrWronglyTypedFileKeysAreRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "scoring:\n  batchSize: 10\n");
        assertEquals(
                "scoring.batchSize",
                assertThrows(ConfigException.class, () -> NodeConfig.load(file, Map.of()))
                        .key());
        Files.writeString(file, "http:\n  port: high\n");
        assertEquals(
                "http.port",
                assertThrows(ConfigException.class, () -> NodeConfig.load(file, Map.of()))
                        .key());
        Files.writeString(file, "http: [1, 2]\n");
        assertEquals(
                "http",
                assertThrows(ConfigException.class, () -> NodeConfig.load(file, Map.of()))
                        .key());
    }

    @Test
    void queueMustHoldAtLeastOneBatch() {
        JsonObject c = ConfigLoader.defaults();
        c.getJsonObject("scoring").put("batchMaxSize", 100).put("queueMaxSize", 50);
        assertEquals(
                "scoring.queueMaxSize",
                assertThrows(ConfigException.class, () -> NodeConfig.from(c)).key());
    }
}
