package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.fraudscore.bench.PrometheusText;
import dev.fraudscore.devinfra.FreePorts;
import dev.fraudscore.node.cluster.HazelcastSetup;
import dev.fraudscore.node.cluster.Maps;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.support.Await;
import dev.fraudscore.node.support.Db;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.Kafka;
import dev.fraudscore.node.support.RunningNode;
import dev.fraudscore.testkit.TestKafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A whole Kafka partition delivered again from offset 0 after its ids were forgotten (the idempotency window
 * passed): its consumer group is reset while the node is down, the idempotency map is emptied, and a node starts
 * again on the same cluster state (a Hazelcast member of the test's keeps it). Every record is decided again, none
 * is counted twice in the card's velocity (the card has more transactions than the 64 ids it remembers) and none
 * is audited twice.
 */
class KafkaRedeliveryIT {
    private static final int RECORDS = 80;

    @Test
    void aPartitionRedeliveredFromOffsetZeroAfterTheIdempotencyWindowIsNeitherCountedNorAuditedTwice()
            throws Exception {
        int helperPort = FreePorts.next();
        JsonObject[] saved = new JsonObject[1];
        RunningNode first = RunningNode.start("redelivery_it", c -> {
            JsonObject cluster = c.getJsonObject("cluster");
            cluster.put("quorum", 1)
                    .put(
                            "members",
                            new JsonArray()
                                    .add("127.0.0.1:" + cluster.getInteger("port"))
                                    .add("127.0.0.1:" + helperPort));
            saved[0] = c.copy();
        });
        JsonObject helperConfig = saved[0].copy();
        helperConfig.getJsonObject("cluster").put("port", helperPort);
        helperConfig.getJsonObject("node").put("id", "redelivery-keeper");
        HazelcastInstance keeper = Hazelcast.newHazelcastInstance(HazelcastSetup.config(NodeConfig.from(helperConfig)));
        RunningNode second = null;
        try (Db db = new Db(first.node().config().postgres().url())) {
            NodeConfig.Kafka k = first.node().config().kafka();
            try (Kafka kafka = new Kafka()) {
                for (int i = 0; i < RECORDS; i++) {
                    kafka.send(
                            k.topics().transactions(),
                            "card_redeliver",
                            Http.tx("rd-" + i, "card_redeliver", "term_rd", 10 + i)
                                    .encode());
                }
            }
            assertEquals(
                    RECORDS,
                    db.awaitCount(
                            RECORDS,
                            Duration.ofSeconds(60),
                            "SELECT count(*) FROM" + " audit.decisions WHERE transaction_id LIKE 'rd-%'"));
            assertTrue(
                    Await.until(() -> keeper.getCluster().getMembers().size() == 2, Duration.ofSeconds(30), 100),
                    "the keeper holds the cluster's state beside the node");
            assertTrue(
                    Await.until(() -> keeper.getPartitionService().isClusterSafe(), Duration.ofSeconds(60), 100),
                    "every entry has its backup on the keeper");
            first.close();
            first = null;
            // the idempotency window passes, and an operator replays the partition from the start
            keeper.getMap(Maps.IDEMPOTENCY).clear();
            Properties admin = new Properties();
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
            try (Admin a = Admin.create(admin)) {
                Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
                for (int p = 0; p < k.partitions(); p++) {
                    zero.put(new TopicPartition(k.topics().transactions(), p), new OffsetAndMetadata(0));
                }
                a.alterConsumerGroupOffsets(k.groupId(), zero).all().get();
            }
            JsonObject again = saved[0].copy();
            again.getJsonObject("http").put("port", FreePorts.next());
            FraudNode node = FraudNode.start(NodeConfig.from(again));
            second = new RunningNode(
                    node,
                    new Http(node.httpPort(), node.config().security().keysDir()),
                    new Db(node.config().postgres().url()));
            RunningNode s = second;
            assertTrue(
                    Await.until(
                            () -> PrometheusText.parse(s.ops().get("/metrics").body())
                                            .sum("fraud_decisions_total")
                                    >= RECORDS,
                            Duration.ofSeconds(90),
                            250),
                    "every record of the partition was decided again");
            Thread.sleep(1000);
            assertEquals(
                    RECORDS,
                    db.count("SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'rd-%'"),
                    "no transaction audited twice");
            assertEquals(
                    200,
                    second.http()
                            .authorize(Http.tx("rd-probe", "card_redeliver", "term_rd", 5))
                            .statusCode());
            db.awaitCount(
                    1,
                    Duration.ofSeconds(20),
                    "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'rd-probe'");
            double count = ((Number) db.query("SELECT (features->>'card_count_1h')::float8 AS c FROM analyst.decisions"
                                    + " WHERE transaction_id = 'rd-probe'")
                            .get(0)
                            .get("c"))
                    .doubleValue();
            assertEquals(RECORDS + 1.0, count, "the card counted each of its " + RECORDS + " transactions once");
        } finally {
            if (first != null) {
                first.close();
            }
            if (second != null) {
                second.close();
            }
            keeper.shutdown();
        }
    }
}
