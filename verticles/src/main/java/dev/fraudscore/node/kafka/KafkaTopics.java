package dev.fraudscore.node.kafka;

import dev.fraudscore.node.config.NodeConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the node's topics when they are missing. Blocking: called at start-up, before Vert.x. */
public final class KafkaTopics {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    private KafkaTopics() {}

    public static void ensure(NodeConfig.Kafka kafka) throws Exception {
        if (!kafka.createTopics()) {
            return;
        }
        NodeConfig.Topics t = kafka.topics();
        try (Admin admin = Admin.create(new HashMap<String, Object>(KafkaClients.admin(kafka, Map.of())))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : List.of(t.transactions(), t.decisions(), t.alerts(), t.dlq(), t.labels())) {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, kafka.partitions(), (short) kafka.replicationFactor())
                            .configs(Map.of("min.insync.replicas", Integer.toString(kafka.minInsyncReplicas()))));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            LOG.info(
                    "created Kafka topics {}",
                    missing.stream().map(NewTopic::name).toList());
        }
    }
}
