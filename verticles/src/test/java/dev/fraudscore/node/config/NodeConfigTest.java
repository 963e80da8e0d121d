package dev.fraudscore.node.config;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertEquals(NodeConfig.FailMode.OPEN, c.decision().failMode());
        assertFalse(c.nodeId().isBlank());
    }

    @Test
    void envNamesFollowTheKeyPath() {
        assertEquals("FRAUD_HTTP_PORT", ConfigLoader.envName("http.port"));
        assertEquals("FRAUD_SCORING_BATCH_MAX_SIZE", ConfigLoader.envName("scoring.batchMaxSize"));
        assertEquals("FRAUD_KAFKA_TOPICS_DLQ", ConfigLoader.envName("kafka.topics.dlq"));
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
                        "FRAUD_DECISION_FAIL_MODE",
                        "closed"));
        assertEquals(9100, c.http().port());
        assertEquals(32, c.scoring().batchMaxSize());
        assertEquals(0.4, c.decision().reviewThreshold());
        assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701"), c.cluster().members());
        assertEquals(NodeConfig.FailMode.CLOSED, c.decision().failMode());
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
                "decision.failMode",
                refused(Map.of("FRAUD_DECISION_FAIL_MODE", "maybe")).key());
        assertEquals(
                "decision.reviewThreshold",
                refused(Map.of("FRAUD_DECISION_REVIEW_THRESHOLD", "0.9", "FRAUD_DECISION_DECLINE_THRESHOLD", "0.5"))
                        .key());
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
