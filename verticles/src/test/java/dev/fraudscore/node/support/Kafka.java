package dev.fraudscore.node.support;

import dev.fraudscore.testkit.TestKafka;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients for tests, on the test thread (never an event loop). */
public final class Kafka implements AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final Admin admin;

    public Kafka() {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", TestKafka.bootstrapServers());
        p.put("acks", "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));
    }

    public void send(String topic, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    /** Sends without waiting for the acknowledgement; {@link #flush()} waits for all. */
    public void sendAsync(String topic, String key, String value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    public void flush() {
        producer.flush();
    }

    public void send(String topic, int partition, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, key, value)).get(30, TimeUnit.SECONDS);
    }

    /** Reads a topic from the beginning until {@code count} records have arrived or the deadline passes. */
    public List<ConsumerRecord<String, String>> read(String topic, int count, Duration timeout) {
        return read(topic, count, timeout, r -> true);
    }

    /** Reads a topic from the beginning until {@code count} records match or the deadline passes; returns the matches. */
    public List<ConsumerRecord<String, String>> read(
            String topic, int count, Duration timeout, Predicate<ConsumerRecord<String, String>> match) {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", TestKafka.bootstrapServers());
        c.put("group.id", "test-reader-" + UUID.randomUUID());
        c.put("auto.offset.reset", "earliest");
        c.put("enable.auto.commit", "false");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /** Matches JSON records whose transactionId starts with {@code prefix}. */
    public static Predicate<ConsumerRecord<String, String>> txPrefix(String prefix) {
        return r -> r.value() != null && r.value().contains("\"transactionId\":\"" + prefix);
    }

    public static List<JsonObject> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> new JsonObject(r.value())).toList();
    }

    /** Total committed offsets of a group on a topic, and the topic's total end offsets. */
    public long[] committedAndEnd(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (var p : admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic)
                .partitions()) {
            request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
        long c = committed.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic))
                .mapToLong(e -> e.getValue().offset())
                .sum();
        long end = ends.values().stream()
                .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                .sum();
        return new long[] {c, end};
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
