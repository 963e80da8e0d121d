package dev.fraudscore.bench;

import dev.fraudscore.devinfra.FreePorts;
import dev.fraudscore.devinfra.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What exactly-once output would cost the stream path, measured on a broker of its own: the same decisions
 * (1 KB records keyed by card, 4 partitions) published at a fixed rate by the idempotent producer the node uses
 * (acks=all) and by a transactional producer committing every {@code --commit-ms} (what a read-process-write
 * transaction per batch of stream records would do). Prints, for each, the time until a {@code read_committed}
 * consumer may see a record (ack for the idempotent producer; the end of its transaction's commit for the
 * transactional one) and the broker's time per commit.
 *
 * <pre>KafkaTransactionCost --rate 2000 --seconds 20 --commit-ms 100</pre>
 */
public final class KafkaTransactionCost {
    private KafkaTransactionCost() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o =
                new java.util.LinkedHashMap<>(Map.of("rate", "2000", "seconds", "20", "commit-ms", "100"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        int rate = Integer.parseInt(o.get("rate"));
        int seconds = Integer.parseInt(o.get("seconds"));
        long commitMs = Long.parseLong(o.get("commit-ms"));
        Path dir = Files.createTempDirectory("kafka-tx-cost");
        try (KafkaBroker broker =
                KafkaBroker.start(dir.resolve("kafka"), FreePorts.next(), FreePorts.next(), Duration.ofSeconds(90))) {
            Properties admin = new Properties();
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (Admin a = Admin.create(admin)) {
                a.createTopics(List.of(new NewTopic("decisions", 4, (short) 1)))
                        .all()
                        .get();
            }
            System.out.printf("%d decisions/s for %d s each, 1 KB records, 4 partitions, one broker%n", rate, seconds);
            run(broker.bootstrapServers(), rate, seconds, 0); // warm-up of the broker and the JIT, not reported
            report("idempotent, acks=all (as the node)", run(broker.bootstrapServers(), rate, seconds, 0));
            report(
                    "transactional, commit every " + commitMs + " ms",
                    run(broker.bootstrapServers(), rate, seconds, commitMs));
        }
    }

    /** {visible latency histogram (us), commit time histogram (us)}. */
    private static Histogram[] run(String bootstrap, int rate, int seconds, long commitMs) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        if (commitMs > 0) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cost-" + UUID.randomUUID());
        }
        Histogram visible = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        Histogram commits = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        String value = "x".repeat(1000);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            if (commitMs > 0) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            List<long[]> open = new ArrayList<>(); // send times of the records in the open transaction
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            long start = System.nanoTime();
            long lastCommit = start;
            long total = (long) rate * seconds;
            for (long i = 0; i < total; i++) {
                long due = start + i * 1_000_000_000L / rate;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                long sent = System.nanoTime();
                if (commitMs == 0) {
                    producer.send(new ProducerRecord<>("decisions", "card-" + i % 5000, value), (m, e) -> {
                        synchronized (visible) {
                            visible.recordValue(
                                    Math.min((System.nanoTime() - sent) / 1000, visible.getHighestTrackableValue()));
                        }
                    });
                } else {
                    acks.add(producer.send(new ProducerRecord<>("decisions", "card-" + i % 5000, value)));
                    open.add(new long[] {sent});
                    if (System.nanoTime() - lastCommit >= commitMs * 1_000_000L) {
                        long c0 = System.nanoTime();
                        producer.commitTransaction();
                        long done = System.nanoTime();
                        commits.recordValue((done - c0) / 1000);
                        for (long[] s : open) {
                            visible.recordValue(Math.min((done - s[0]) / 1000, visible.getHighestTrackableValue()));
                        }
                        open.clear();
                        acks.clear();
                        producer.beginTransaction();
                        lastCommit = System.nanoTime();
                    }
                }
            }
            if (commitMs > 0) {
                producer.commitTransaction();
            }
            producer.flush();
        }
        return new Histogram[] {visible, commits};
    }

    private static void report(String name, Histogram[] h) {
        System.out.printf(
                "%-40s visible to read_committed after p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                name,
                h[0].getValueAtPercentile(50) / 1e3,
                h[0].getValueAtPercentile(99) / 1e3,
                h[0].getMaxValue() / 1e3);
        if (h[1].getTotalCount() > 0) {
            System.out.printf(
                    "; %d commits, each p50 %.1f ms, p99 %.1f ms",
                    h[1].getTotalCount(), h[1].getValueAtPercentile(50) / 1e3, h[1].getValueAtPercentile(99) / 1e3);
        }
        System.out.println();
    }
}
