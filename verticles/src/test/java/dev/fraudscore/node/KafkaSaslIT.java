package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.devinfra.FreePorts;
import dev.fraudscore.devinfra.KafkaBroker;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kafka.properties reach every Kafka client of a node: a real broker whose listener authenticates with SASL (PLAIN,
 * the mechanism the test broker can run without a KDC or certificates; SASL_SSL adds TLS under the same settings)
 * refuses a client without the right credentials, and a node given them through kafka.properties creates its
 * topics, consumes a transaction from the stream, decides it and publishes the decision.
 */
class KafkaSaslIT {
    private static final String JAAS =
            "org.apache.kafka.common.security.plain.PlainLoginModule required" + " username=\"fraud\" password=\"%s\";";
    private static KafkaBroker broker;
    private static String sasl;
    private static RunningNode it;

    @BeforeAll
    static void start() throws Exception {
        int port = FreePorts.next();
        int saslPort = FreePorts.next();
        broker = KafkaBroker.start(
                Files.createTempDirectory("sasl-broker"),
                port,
                FreePorts.next(),
                Duration.ofSeconds(120),
                saslPort,
                Map.of("fraud", "fraud-secret"));
        sasl = "127.0.0.1:" + saslPort;
        it = RunningNode.start(
                "kafka_sasl",
                c -> c.getJsonObject("kafka")
                        .put("bootstrapServers", sasl)
                        .put(
                                "properties",
                                new JsonObject()
                                        .put("security.protocol", "SASL_PLAINTEXT")
                                        .put("sasl.mechanism", "PLAIN")
                                        .put("sasl.jaas.config", JAAS.formatted("fraud-secret"))));
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
        broker.close();
    }

    @Test
    void aWrongPasswordIsRefusedByTheBroker() {
        try (Admin admin = Admin.create(Map.of(
                "bootstrap.servers",
                sasl,
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                JAAS.formatted("wrong"),
                "request.timeout.ms",
                "10000",
                "default.api.timeout.ms",
                "20000"))) {
            ExecutionException e = assertThrows(
                    ExecutionException.class, () -> admin.listTopics().names().get(30, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause(), e.toString());
        }
    }

    @Test
    void aNodeWithTheCredentialsInKafkaPropertiesDecidesTheStream() throws Exception {
        Map<String, Object> p = Map.of(
                "bootstrap.servers",
                broker.bootstrapServers(), // the plaintext listener: the test's own producer
                "acks",
                "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(
                            it.node().config().kafka().topics().transactions(),
                            "card_sasl",
                            Http.tx("sasl-1", "card_sasl", "term_sasl", 30).encode()))
                    .get(30, TimeUnit.SECONDS);
        }
        assertEquals(
                1,
                it.db()
                        .awaitCount(
                                1,
                                Duration.ofSeconds(60),
                                "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'sasl-1' AND client = 'kafka'"));
    }
}
