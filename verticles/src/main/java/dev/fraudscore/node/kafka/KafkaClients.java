package dev.fraudscore.node.kafka;

import dev.fraudscore.node.config.NodeConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * Kafka client settings shared by the node's producers, consumers and admin clients; {@code kafka.properties} (security
 * settings such as SASL_SSL) are added to every one of them.
 */
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
        c.putAll(kafka.properties());
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
        c.putAll(kafka.properties());
        return c;
    }

    /** An admin client's settings: the bootstrap servers, {@code extra}, then {@code kafka.properties}. */
    public static Map<String, String> admin(NodeConfig.Kafka kafka, Map<String, String> extra) {
        Map<String, String> c = new HashMap<>(extra);
        c.put("bootstrap.servers", kafka.bootstrapServers());
        c.putAll(kafka.properties());
        return c;
    }
}
