package dev.fraudscore.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The node-loss drill, against a cluster started by {@code ops/cluster.sh start}: steady load through the
 * load balancer (HTTP, open loop) and on Kafka, {@code kill -9} of one node, its restart, then checks:
 * every transaction eventually decided (failed attempts are retried with the same transactionId, as a
 * payments system would), every card's velocity count equal to its decided transactions, every Kafka
 * record audited, the restarted node taking traffic again. Prints the figures; exits 1 if a check fails.
 */
public final class Drill {
    private Drill() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of(
                "lb",
                "http://127.0.0.1:8080",
                "db",
                "",
                "kafka",
                "127.0.0.1:19092",
                "dir",
                "var/cluster",
                "rate",
                "300",
                "seconds",
                "40",
                "kill-node",
                "2",
                "kill-at",
                "10",
                "restart-at",
                "20",
                "cards",
                "200"));
        o.put("kafka-rate", "100");
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        ApiKey.useDir(Path.of(o.get("dir"), "keys")); // the keys ops/cluster.sh's nodes wrote
        new Drill().run(o);
    }

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong firstTryOk = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong neverDecided = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong lastFailureNanos = new AtomicLong();
    private final Map<Integer, Long> decidedPerCard = new ConcurrentHashMap<>();
    private final Map<String, Long> failureCauses = new ConcurrentHashMap<>();
    private final Map<Long, Long> failuresBySecond = new ConcurrentHashMap<>();
    private volatile long startNanos;
    private volatile long restartedNanos;
    private volatile long rejoinedNanos;
    private volatile String killedNode;

    private void run(Map<String, String> o) throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        int rate = Integer.parseInt(o.get("rate"));
        int seconds = Integer.parseInt(o.get("seconds"));
        int cards = Integer.parseInt(o.get("cards"));
        int killNode = Integer.parseInt(o.get("kill-node"));
        killedNode = "node-" + killNode;
        URI lb = URI.create(o.get("lb"));
        Vertx vertx = Vertx.vertx();
        Context ctx = vertx.getOrCreateContext();
        HttpClient client = Retrying.client(vertx, lb, 64);
        KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", o.get("kafka"), "acks", "all"),
                new StringSerializer(),
                new StringSerializer());
        int kafkaRate = Integer.parseInt(o.get("kafka-rate"));
        Map<Integer, Long> kafkaPerCard = new ConcurrentHashMap<>();
        AtomicLong kafkaSent = new AtomicLong();

        System.out.printf(
                "drill %s: %d req/s through %s and %d records/s on Kafka for %d s; kill -9 node-%d at %s s, restart at %s s%n",
                run, rate, lb, kafkaRate, seconds, killNode, o.get("kill-at"), o.get("restart-at"));
        long start = System.nanoTime();
        startNanos = start;
        long killAt = start + TimeUnit.SECONDS.toNanos(Long.parseLong(o.get("kill-at")));
        long restartAt = start + TimeUnit.SECONDS.toNanos(Long.parseLong(o.get("restart-at")));
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long killedNanos = 0;
        boolean restarted = false;
        long n = 0;
        while (System.nanoTime() < end) {
            long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
            while (n < due) {
                long id = n++;
                int card = (int) (id % cards);
                JsonObject tx = new JsonObject()
                        .put("transactionId", "dr-" + run + "-" + id)
                        .put("cardId", "dr-h-" + run + "-" + card)
                        .put("terminalId", "dr-t-" + (id % 97))
                        .put("amount", 10 + id % 90)
                        .put("currency", "EUR")
                        .put(
                                "timestamp",
                                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
                sent.incrementAndGet();
                pending.incrementAndGet();
                ctx.runOnContext(v -> attempt(vertx, client, tx, card, 0));
            }
            long kdue = (System.nanoTime() - start) * kafkaRate / 1_000_000_000L;
            while (kafkaSent.get() < kdue) {
                long id = kafkaSent.getAndIncrement();
                int card = (int) (id % cards);
                kafkaPerCard.merge(card, 1L, Long::sum);
                String cardId = "dr-k-" + run + "-" + card;
                producer.send(new ProducerRecord<>(
                        "transactions",
                        cardId,
                        new JsonObject()
                                .put("transactionId", "drk-" + run + "-" + id)
                                .put("cardId", cardId)
                                .put("terminalId", "dr-t-" + (id % 97))
                                .put("amount", 25)
                                .put("currency", "EUR")
                                .put(
                                        "timestamp",
                                        Instant.now()
                                                .truncatedTo(ChronoUnit.MILLIS)
                                                .toString())
                                .encode()));
            }
            if (killedNanos == 0 && System.nanoTime() >= killAt) {
                long pid = Long.parseLong(Files.readString(Path.of(o.get("dir"), "node-" + killNode + ".pid"))
                        .trim());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                killedNanos = System.nanoTime();
                System.out.printf("t=%.1fs kill -9 node-%d (pid %d)%n", (killedNanos - start) / 1e9, killNode, pid);
            }
            if (!restarted && System.nanoTime() >= restartAt) {
                restarted = true;
                restartedNanos = System.nanoTime();
                new ProcessBuilder("bash", "ops/cluster.sh", "start-node", Integer.toString(killNode))
                        .redirectErrorStream(true)
                        .redirectOutput(
                                Path.of(o.get("dir"), "drill-restart.log").toFile())
                        .start();
                System.out.printf("t=%.1fs restarting node-%d%n", (restartedNanos - start) / 1e9, killNode);
            }
            Thread.sleep(2);
        }
        producer.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        // the restarted node must take traffic again: keep asking until a response comes from it
        long rejoinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int probe = 0;
        while (rejoinedNanos == 0 && System.nanoTime() < rejoinDeadline) {
            JsonObject tx = new JsonObject()
                    .put("transactionId", "dr-" + run + "-rejoin-" + probe++)
                    .put("cardId", "dr-rejoin-" + run)
                    .put("terminalId", "dr-t-0")
                    .put("amount", 1)
                    .put("currency", "EUR")
                    .put("timestamp", Instant.now().toString());
            CountDownLatch one = new CountDownLatch(1);
            ctx.runOnContext(v -> post(client, tx).onComplete(ar -> {
                if (ar.succeeded() && killedNode.equals(ar.result().getString("node"))) {
                    rejoinedNanos = System.nanoTime();
                }
                one.countDown();
            }));
            one.await(10, TimeUnit.SECONDS);
        }

        // every card's velocity equals its decided transactions: one probe per card, read back from the audit trail
        long mismatches = 0;
        long kafkaAudited;
        try (Connection c = connect(o.get("db"))) {
            kafkaAudited = awaitCount(
                    c,
                    "SELECT count(DISTINCT transaction_id) FROM audit.decisions WHERE transaction_id LIKE ?",
                    "drk-" + run + "-%",
                    kafkaSent.get());
            for (int card = 0; card < cards; card++) {
                mismatches += probe(
                                ctx,
                                client,
                                c,
                                "dr-h-" + run + "-" + card,
                                decidedPerCard.getOrDefault(card, 0L),
                                run,
                                "h" + card)
                        ? 0
                        : 1;
                mismatches += probe(
                                ctx,
                                client,
                                c,
                                "dr-k-" + run + "-" + card,
                                kafkaPerCard.getOrDefault(card, 0L),
                                run,
                                "k" + card)
                        ? 0
                        : 1;
            }
        }
        double recovery = lastFailureNanos.get() == 0 || killedNanos == 0
                ? 0
                : Math.max(0, (lastFailureNanos.get() - killedNanos) / 1e9);
        System.out.println();
        System.out.println("drill figures");
        System.out.printf(
                "  HTTP requests        %,d sent, %,d decided at the first attempt, %,d needed retries, %,d never decided%n",
                sent.get(), firstTryOk.get(), retried.get(), neverDecided.get());
        System.out.printf(
                "  failed attempts      %,d by cause %s%n", failedAttempts.get(), new TreeMap<>(failureCauses));
        System.out.printf(
                "  failures by second   %s (t = seconds since the load began)%n", new TreeMap<>(failuresBySecond));
        System.out.printf("  recovery             last failed attempt %.2f s after the kill%n", recovery);
        System.out.printf(
                "  rejoin               node-%d served traffic %.1f s after its restart began%n",
                killNode, rejoinedNanos == 0 ? -1 : (rejoinedNanos - restartedNanos) / 1e9);
        System.out.printf("  Kafka                %,d records produced, %,d audited%n", kafkaSent.get(), kafkaAudited);
        System.out.printf(
                "  velocity             %d of %d cards (HTTP and Kafka) with a count different from their decided transactions%n",
                mismatches, 2 * cards);
        boolean ok =
                neverDecided.get() == 0 && mismatches == 0 && kafkaAudited == kafkaSent.get() && rejoinedNanos != 0;
        System.out.println(ok ? "DRILL PASSED" : "DRILL FAILED");
        producer.close();
        client.close().await();
        vertx.close().await();
        System.exit(ok ? 0 : 1);
    }

    private void attempt(Vertx vertx, HttpClient client, JsonObject tx, int card, int tries) {
        post(client, tx).onComplete(ar -> {
            if (ar.succeeded() && ar.result().getInteger("status") == 200) {
                if (tries == 0) {
                    firstTryOk.incrementAndGet();
                } else {
                    retried.incrementAndGet();
                }
                decidedPerCard.merge(card, 1L, Long::sum);
                if (rejoinedNanos == 0
                        && restartedNanos != 0
                        && killedNode.equals(ar.result().getString("node"))) {
                    rejoinedNanos = System.nanoTime();
                }
                pending.decrementAndGet();
                return;
            }
            failedAttempts.incrementAndGet();
            lastFailureNanos.set(System.nanoTime());
            String cause = ar.succeeded()
                    ? "HTTP " + ar.result().getInteger("status") + (tries > 0 ? " (retry)" : "")
                    : ar.cause().getClass().getSimpleName() + (tries > 0 ? " (retry)" : "");
            failureCauses.merge(cause, 1L, Long::sum);
            failuresBySecond.merge((System.nanoTime() - startNanos) / 1_000_000_000L, 1L, Long::sum);
            if (tries >= 60) {
                neverDecided.incrementAndGet();
                pending.decrementAndGet();
                return;
            }
            // same transactionId, same payload: idempotent; after the answer's Retry-After when it gave one, else
            // (a connection lost with the killed node) a quarter of a second
            String retryAfter = ar.succeeded() ? ar.result().getString("retryAfter") : null;
            long pauseMs = retryAfter != null && retryAfter.matches("\\d+") ? Long.parseLong(retryAfter) * 1000 : 250;
            vertx.setTimer(Math.max(pauseMs, 50), id -> attempt(vertx, client, tx, card, tries + 1));
        });
    }

    private static Future<JsonObject> post(HttpClient client, JsonObject tx) {
        Buffer body = tx.toBuffer();
        return client.request(new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setURI("/v1/authorize-check")
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Authorization", "Bearer " + ApiKey.forPath("/v1/authorize-check"))
                        .setTimeout(10_000))
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().map(b -> {
                    JsonObject j = resp.statusCode() == 200 ? new JsonObject(b.toString()) : new JsonObject();
                    String retryAfter = resp.getHeader("Retry-After");
                    return j.put("status", resp.statusCode())
                            .put("retryAfter", retryAfter == null ? null : retryAfter.trim());
                }));
    }

    private boolean probe(
            Context ctx, HttpClient client, Connection c, String card, long decided, String run, String tag)
            throws Exception {
        String id = "dr-" + run + "-probe-" + tag;
        JsonObject tx = new JsonObject()
                .put("transactionId", id)
                .put("cardId", card)
                .put("terminalId", "dr-t-1")
                .put("amount", 1)
                .put("currency", "EUR")
                .put("timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        Promise<JsonObject> p = Promise.promise();
        ctx.runOnContext(v -> post(client, tx).onComplete(p));
        p.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        awaitCount(c, "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE ?", id, 1);
        try (PreparedStatement s = c.prepareStatement(
                "SELECT (features->>'card_count_1h')::float8 FROM audit.decisions WHERE transaction_id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                double count = r.next() ? r.getDouble(1) : -1;
                if (count != decided + 1) {
                    System.out.printf(
                            "  card %s: velocity count %.0f, expected %d decided + the probe%n", card, count, decided);
                    return false;
                }
                return true;
            }
        }
    }

    private static long awaitCount(Connection c, String sql, String like, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long n;
        do {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, like);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    n = r.getLong(1);
                }
            }
            if (n >= expected) {
                return n;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return n;
    }

    static Connection connect(String uri) throws Exception {
        URI u = URI.create(uri);
        String info = u.getUserInfo() == null ? "postgres" : u.getUserInfo();
        return DriverManager.getConnection(
                "jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getPath(),
                info.split(":", 2)[0],
                info.contains(":") ? info.split(":", 2)[1] : "");
    }
}
