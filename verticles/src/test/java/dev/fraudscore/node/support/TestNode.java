package dev.fraudscore.node.support;

import dev.fraudscore.devinfra.FreePorts;
import dev.fraudscore.node.FraudNode;
import dev.fraudscore.node.config.ConfigLoader;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.testkit.TestKafka;
import dev.fraudscore.testkit.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A real node for integration tests: its own fresh PostgreSQL database, the test JVM's real Kafka broker
 * (topics and group unique to this node), a one-member Hazelcast cluster of its own, free ports, and
 * the real model from models/.
 */
public final class TestNode {
    private TestNode() {}

    public static JsonObject config(String name) throws Exception {
        String unique = name + "-" + UUID.randomUUID().toString().substring(0, 6);
        JsonObject c = ConfigLoader.defaults();
        int hzPort = FreePorts.next();
        c.getJsonObject("node").put("id", unique);
        c.getJsonObject("http")
                .put("port", FreePorts.next())
                .put("host", "127.0.0.1")
                .put("instances", 2);
        // a fixed, high admission limit: tests send bursts of hundreds at once (AdmissionIT tests the adaptive one)
        c.getJsonObject("admission").put("adaptive", false).put("maxLimit", 10_000);
        c.getJsonObject("admin").put("port", 0);
        c.getJsonObject("postgres").put("url", TestPostgres.freshDatabase(name));
        JsonObject kafka = c.getJsonObject("kafka");
        kafka.put("bootstrapServers", TestKafka.bootstrapServers())
                .put("groupId", unique)
                .put("commitIntervalMs", 100);
        kafka.getJsonObject("topics")
                .put("transactions", unique + ".transactions")
                .put("decisions", unique + ".decisions")
                .put("alerts", unique + ".fraud-alerts")
                .put("dlq", unique + ".transactions.dlq")
                .put("labels", unique + ".labels");
        c.getJsonObject("cluster")
                .put("name", unique)
                .put("port", hzPort)
                .put("members", new JsonArray().add("127.0.0.1:" + hzPort));
        c.getJsonObject("scoring")
                .put("modelPath", Path.of("../models/fraud-model.json").toString())
                // the model tests load variants they write under @TempDir
                .put("modelsDir", System.getProperty("java.io.tmpdir"));
        // correctness tests on a cold JVM on a shared 2-core machine: deadlines far above any warm latency
        c.getJsonObject("features").put("timeoutMs", 5000);
        c.getJsonObject("idempotency").put("timeoutMs", 5000).put("httpStaleAfterMs", 20_500);
        c.getJsonObject("scoring").put("timeoutMs", 5000);
        c.getJsonObject("http").put("requestTimeoutMs", 20000).put("requestReadTimeoutMs", 30000);
        c.getJsonObject("audit")
                .put("logDir", Files.createTempDirectory("audit-log").toString())
                .put("maxDelayMs", 20);
        c.getJsonObject("security")
                .put("keysDir", Files.createTempDirectory("keys").toString())
                .put("refreshMs", 200);
        return c;
    }

    public static FraudNode start(String name, Consumer<JsonObject> overrides) throws Exception {
        JsonObject c = config(name);
        overrides.accept(c);
        return FraudNode.start(NodeConfig.from(c));
    }
}
