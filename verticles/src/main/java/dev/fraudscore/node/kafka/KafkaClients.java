package dev.fraudscore.node.kafka;

import dev.fraudscore.node.config.NodeConfig;
import java.util.HashMap;
import java.util.Map;

/** Kafka client settings shared by the node's producers and consumers. */
public final class KafkaClients {
    private KafkaClients() {}

    /** Idempotent, acks=all producer of string keys and JSON string values. */
    public static Map<String, String> producer(NodeConfig.Kafka kafka, String clientId) {
        Map<String, String> c = new HashMap<>();
        c.put("bootstrap.servers", kafka.bootstrapServers());
        c.put("client.id", clientId);
        c.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        c.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        c.put("acks", "all");
        c.put("enable.idempotence", "true");
        c.put("linger.ms", "2");
        c.put("compression.type", "lz4");
        c.put("delivery.timeout.ms", Long.toString(kafka.deliveryTimeoutMs()));
        return c;
    }

    /** Manually committed consumer in the node's group. */
    public static Map<String, String> consumer(NodeConfig.Kafka kafka, String clientId) {
        Map<String, String> c = new HashMap<>();
        c.put("bootstrap.servers", kafka.bootstrapServers());
        c.put("client.id", clientId);
        c.put("group.id", kafka.groupId());
        c.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        c.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        c.put("enable.auto.commit", "false");
        c.put("auto.offset.reset", "earliest");
        c.put("max.poll.records", Integer.toString(kafka.maxPollRecords()));
        // a node that dies loses its partitions to the survivors within seconds, not the default 45
        c.put("session.timeout.ms", Long.toString(kafka.sessionTimeoutMs()));
        c.put("heartbeat.interval.ms", Long.toString(Math.max(1000, kafka.sessionTimeoutMs() / 5)));
        return c;
    }
}
