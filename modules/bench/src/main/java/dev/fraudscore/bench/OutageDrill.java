package dev.fraudscore.bench;

import dev.fraudscore.devinfra.EmbeddedPostgresServer;
import dev.fraudscore.devinfra.FreePorts;
import dev.fraudscore.devinfra.KafkaBroker;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A dependency that a decision does not need goes away under load, and comes back. The drill starts a PostgreSQL
 * and a Kafka broker of its own and a node on them ({@code ops/run.sh}); sends {@code --rate} authorize-checks a
 * second (and, for Kafka, {@code --kafka-rate} records a second) for {@code --seconds}; stops the dependency at
 * {@code --at} for {@code --outage} seconds and starts it again on the same data; then checks that no check was
 * refused because of it, that the node stayed ready, and that every decided transaction has exactly one audit row
 * (and, for Kafka, that every record was decided once).
 *
 * <pre>OutageDrill --dependency postgres|kafka --rate 500 --seconds 60 --at 10 --outage 30</pre>
 */
public final class OutageDrill {
    private OutageDrill() {}

    private final Map<Integer, AtomicLong> finalStatuses = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> refusedBy = new ConcurrentHashMap<>();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private final Histogram[] latency = {hist(), hist(), hist()};
    private final long[] readiness503 = new long[3];
    private final long[] readinessSamples = new long[3];

    private static Histogram hist() {
        return new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
    }

    public static void main(String[] args) {
        try {
            drill(args);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void drill(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of(
                "dependency",
                "postgres",
                "rate",
                "500",
                "seconds",
                "60",
                "at",
                "10",
                "outage",
                "30",
                "kafka-rate",
                "100",
                "dir",
                "var/drill"));
        o.put("warmup", "15");
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        new OutageDrill().run(o);
    }

    private void run(Map<String, String> o) throws Exception {
        String dependency = o.get("dependency");
        int rate = Integer.parseInt(o.get("rate"));
        int seconds = Integer.parseInt(o.get("seconds"));
        long at = Long.parseLong(o.get("at")) * 1000;
        long outage = Long.parseLong(o.get("outage")) * 1000;
        int kafkaRate = dependency.equals("kafka") ? Integer.parseInt(o.get("kafka-rate")) : 0;
        Path dir = Path.of(o.get("dir"), dependency + "-" + System.currentTimeMillis());
        Files.createDirectories(dir);
        int pgPort = FreePorts.next();
        int kafkaPort = FreePorts.next();
        int controller = FreePorts.next();
        EmbeddedPostgresServer postgres =
                EmbeddedPostgresServer.start(dir.resolve("postgres").toAbsolutePath(), pgPort);
        KafkaBroker kafka =
                KafkaBroker.start(dir.resolve("kafka").toAbsolutePath(), kafkaPort, controller, Duration.ofSeconds(90));
        String run = Long.toString(System.currentTimeMillis(), 36);
        System.out.printf(
                "drill %s: %s stopped at t=%d s for %d s, under %d checks/s%s for %d s%n",
                run,
                dependency,
                at / 1000,
                outage / 1000,
                rate,
                kafkaRate > 0 ? " and " + kafkaRate + " records/s" : "",
                seconds);
        Vertx vertx = Vertx.vertx();
        try (DrillNode node = new DrillNode(
                        dir,
                        postgres.uri("postgres"),
                        kafka.bootstrapServers(),
                        Map.of("FRAUD_HEALTH_INTERVAL_MS", "500", "FRAUD_AUDIT_RETRY_INTERVAL_MS", "500"));
                KafkaProducer<String, String> producer = new KafkaProducer<>(
                        Map.of(
                                "bootstrap.servers",
                                kafka.bootstrapServers(),
                                "acks",
                                "all",
                                "delivery.timeout.ms",
                                "600000",
                                "max.block.ms",
                                "600000"),
                        new StringSerializer(),
                        new StringSerializer())) {
            Context ctx = vertx.getOrCreateContext();
            HttpClient client = Retrying.client(vertx, node.url, 256);
            // every refused attempt, whatever its final answer, by rule
            Retrying retrying = new Retrying(vertx, client, 600, retried)
                    .onRetry(rule -> refusedBy
                            .computeIfAbsent(rule, r -> new AtomicLong())
                            .incrementAndGet());
            java.net.http.HttpClient probe = java.net.http.HttpClient.newHttpClient(); // the readiness prober
            // a warm-up at the same rate, not counted: a cold JIT is not what the drill measures
            long warmStart = System.nanoTime();
            long warm = 0;
            long warmMillis = Long.parseLong(o.get("warmup")) * 1000;
            while (System.nanoTime() - warmStart < TimeUnit.MILLISECONDS.toNanos(warmMillis)) {
                for (long due = (System.nanoTime() - warmStart) / 1_000_000 * rate / 1000; warm < due; warm++) {
                    send(ctx, retrying, run + "w", warm, -1);
                }
                Thread.sleep(2);
            }
            while (pending.get() > 0) {
                Thread.sleep(20);
            }
            finalStatuses.clear();
            refusedBy.clear();
            retried.set(0);
            long start = System.nanoTime();
            long sent = 0;
            // records on their own thread: a producer blocks while the broker is away (waiting for metadata)
            AtomicLong producedCount = new AtomicLong();
            long streamStart = System.nanoTime();
            Thread streamThread = Thread.ofPlatform().name("drill-producer").start(() -> {
                long n = 0;
                while (System.nanoTime() - streamStart < TimeUnit.SECONDS.toNanos(seconds)) {
                    long t = (System.nanoTime() - streamStart) / 1_000_000;
                    for (long due = t * kafkaRate / 1000; n < due; n++) {
                        String card = "ok-" + run + "-card-" + (n % 200);
                        producer.send(new ProducerRecord<>(
                                "transactions",
                                card,
                                new JsonObject()
                                        .put("transactionId", "ok-" + run + "-" + n)
                                        .put("cardId", card)
                                        .put("terminalId", "ok-term")
                                        .put("amount", 25)
                                        .put("currency", "EUR")
                                        .put(
                                                "timestamp",
                                                Instant.now()
                                                        .truncatedTo(ChronoUnit.MILLIS)
                                                        .toString())
                                        .encode()));
                        producedCount.set(n + 1);
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            AtomicReference<KafkaBroker> broker = new AtomicReference<>(kafka);
            AtomicReference<EmbeddedPostgresServer> database = new AtomicReference<>(postgres);
            Thread restart = null;
            boolean down = false;
            boolean up = false;
            long nextProbe = 0;
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
                long t = (System.nanoTime() - start) / 1_000_000;
                int phase = t < at ? 0 : t < at + outage ? 1 : 2;
                if (!down && t >= at) {
                    down = true;
                    if (dependency.equals("kafka")) {
                        kafka.close();
                    } else {
                        postgres.close();
                    }
                    System.out.printf("t=%.1fs %s stopped%n", t / 1000.0, dependency);
                }
                if (!up && t >= at + outage) {
                    up = true;
                    // started on a thread of its own: the load goes on at its rate while the server comes up
                    restart = Thread.ofPlatform().start(() -> {
                        try {
                            if (dependency.equals("kafka")) {
                                broker.set(KafkaBroker.start(
                                        dir.resolve("kafka").toAbsolutePath(),
                                        kafkaPort,
                                        controller,
                                        Duration.ofSeconds(90)));
                            } else {
                                database.set(EmbeddedPostgresServer.start(
                                        dir.resolve("postgres").toAbsolutePath(), pgPort));
                            }
                            System.out.printf(
                                    "t=%.1fs %s started again%n", (System.nanoTime() - start) / 1e9, dependency);
                        } catch (Exception e) {
                            throw new IllegalStateException("could not start " + dependency + " again", e);
                        }
                    });
                }
                for (long due = t * rate / 1000; sent < due; sent++) {
                    send(ctx, retrying, run, sent, phase);
                }
                if (t >= nextProbe) {
                    nextProbe = t + 500;
                    HttpResponse<Void> ready = probe.send(
                            HttpRequest.newBuilder(node.url.resolve("/health/ready"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    readinessSamples[phase]++;
                    if (ready.statusCode() != 200) {
                        readiness503[phase]++;
                    }
                }
                Thread.sleep(2);
            }
            long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (pending.get() > 0 && System.nanoTime() < wait) {
                Thread.sleep(50);
            }
            streamThread.join();
            if (restart != null) {
                restart.join();
            }
            kafka = broker.get();
            postgres = database.get();
            producer.flush();
            long produced = producedCount.get();
            long decided = finalStatuses.getOrDefault(200, new AtomicLong()).get();
            long[] rows = awaitRows(postgres.uri("postgres"), "dr-" + run + "-%", decided);
            long[] records =
                    kafkaRate > 0 ? awaitRows(postgres.uri("postgres"), "ok-" + run + "-%", produced) : new long[2];
            System.out.println();
            System.out.println("drill figures");
            System.out.printf(
                    "  checks          %,d sent, final answers %s, %,d retried after a 503 (Retry-After)%n",
                    sent, counts(finalStatuses), retried.get());
            System.out.printf(
                    "  refused         %s (attempts answered 503, by rule)%n", new TreeMap<>(counts(refusedBy)));
            String[] names = {"before", "during", "after"};
            for (int p = 0; p < 3; p++) {
                System.out.printf(
                        "  %-7s         accepted p50 %.1f ms, p99 %.1f ms over %,d; readiness 503 in %d of %d samples%n",
                        names[p],
                        latency[p].getValueAtPercentile(50) / 1e3,
                        latency[p].getValueAtPercentile(99) / 1e3,
                        latency[p].getTotalCount(),
                        readiness503[p],
                        readinessSamples[p]);
            }
            System.out.printf(
                    "  audit rows      %,d distinct of %,d decided checks, %,d rows in all (duplicates %,d)%n",
                    rows[0], decided, rows[1], rows[1] - rows[0]);
            if (kafkaRate > 0) {
                System.out.printf(
                        "  Kafka records   %,d produced, %,d audited, %,d audit rows in all (decided twice: %,d)%n",
                        produced, records[0], records[1], records[1] - records[0]);
            }
            boolean ok = finalStatuses.keySet().stream().allMatch(s -> s == 200)
                    && refusedBy.isEmpty()
                    && readiness503[1] == 0
                    && rows[0] == decided
                    && rows[1] == rows[0]
                    && (kafkaRate == 0 || (records[0] == produced && records[1] == records[0]));
            System.out.println(ok ? "DRILL PASSED" : "DRILL FAILED");
            client.close().await();
            vertx.close().await();
            kafka.close();
            postgres.close();
            System.exit(ok ? 0 : 1);
        }
    }

    private void send(Context ctx, Retrying retrying, String run, long n, int phase) {
        pending.incrementAndGet();
        Buffer body = new JsonObject()
                .put("transactionId", "dr-" + run + "-" + n)
                .put("cardId", "dr-" + run + "-card-" + n % 500)
                .put("terminalId", "dr-term-" + n % 97)
                .put("amount", 10 + n % 90)
                .put("currency", "EUR")
                .put("timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString())
                .toBuffer();
        long t0 = System.nanoTime();
        ctx.runOnContext(v -> retrying.post("/v1/authorize-check", body).onComplete(ar -> {
            Retrying.Answer a = ar.result();
            if (phase < 0) {
                pending.decrementAndGet();
                return;
            }
            finalStatuses.computeIfAbsent(a.status(), s -> new AtomicLong()).incrementAndGet();
            if (a.status() == 200) {
                synchronized (latency) {
                    latency[phase].recordValue(
                            Math.min((System.nanoTime() - t0) / 1000, latency[phase].getHighestTrackableValue()));
                }
            }
            pending.decrementAndGet();
        }));
    }

    private static Map<String, Long> counts(Map<?, AtomicLong> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v.get()));
        return out;
    }

    /** {distinct transaction ids, rows} like {@code like}, once at least {@code expected} distinct are there (2 min at most). */
    private static long[] awaitRows(String uri, String like, long expected) throws Exception {
        URI u = URI.create(uri);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        long[] n = {0, 0};
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(
                            "jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getPath(), "postgres", "");
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery(
                            "SELECT count(DISTINCT transaction_id), count(*) FROM audit.decisions WHERE transaction_id LIKE '"
                                    + like + "'")) {
                r.next();
                n = new long[] {r.getLong(1), r.getLong(2)};
                if (n[0] >= expected) {
                    return n;
                }
            } catch (SQLException e) {
                // PostgreSQL just started again: try once more
            }
            Thread.sleep(500);
        }
        return n;
    }
}
