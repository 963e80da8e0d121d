package dev.fraudscore.bench;

import dev.fraudscore.features.LabelSchedule;
import dev.fraudscore.model.HandbookCsv;
import dev.fraudscore.model.HandbookData;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Streams a handbook-format CSV through a running platform in timestamp order, feeding each fraud label
 * back {@code --label-delay-days} of event time after its transaction, so every feature is computed
 * online as in production.
 * <ul>
 *   <li>{@code --mode http} (default): POST /v1/authorize-check and /v1/labels. Never two transactions of
 *   one card or of one terminal in flight at once, and labels applied only once every earlier transaction
 *   is decided: the online features equal the offline ones exactly.</li>
 *   <li>{@code --mode kafka}: records on "transactions" (keyed by card) and "labels"; faster, card order
 *   kept by the partitioning, terminal order and label timing only approximately.</li>
 * </ul>
 * Transaction ids are {@code <prefix>-<TRANSACTION_ID>}, cards {@code card-<CUSTOMER_ID>}, terminals
 * {@code term-<TERMINAL_ID>}, amounts in EUR, timestamps read as UTC.
 */
public final class Replay {
    private Replay() {}

    record Tx(String id, String card, String terminal, double amount, String timestamp, long millis, int fraud) {}

    /** The options and their defaults. */
    public static Map<String, String> defaults() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("data", ""); // empty: data/handbook/, else ../shared/data/handbook/ (HandbookData)
        o.put("simulate", ""); // DAYS: simulated transactions instead of the handbook's
        o.put("seed", "42");
        o.put("url", "http://127.0.0.1:8080");
        o.put("metrics", "http://127.0.0.1:8081"); // the node's admin port: /metrics
        o.put("mode", "http");
        o.put("bootstrap", "127.0.0.1:19092");
        o.put("from", "2018-04-01");
        o.put("to", "2100-01-01");
        o.put("label-delay-days", "7");
        o.put("concurrency", "32");
        o.put("prefix", "hb");
        o.put("genuine-labels", "false");
        // 0: each label applied before the first transaction at or after its due time (exact); N: the labels due
        // are applied once every N seconds of event time (up to N s late), so that with a label per transaction
        // (--genuine-labels) the HTTP sink does not wait for every transaction in flight before almost each one
        o.put("label-every-seconds", "0");
        o.put("topic", "transactions");
        o.put("labels-topic", "labels");
        o.put("keys", ""); // empty: FRAUD_API_KEY, else var/keys (ApiKey)
        return o;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = defaults();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !o.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + o.keySet());
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        HandbookData.runTool(() -> {
            Summary s = run(o);
            System.out.println(s.render());
            System.exit(s.errors.get() == 0 ? 0 : 1);
        });
    }

    /** Counts and timings of a replay. */
    public static final class Summary {
        final AtomicLong sent = new AtomicLong();
        public final AtomicLong done = new AtomicLong();
        public final AtomicLong errors = new AtomicLong();
        public final AtomicLong labels = new AtomicLong();
        /** Attempts repeated after a 503 or a 409 in_progress (same transactionId, after Retry-After). */
        public final AtomicLong retried = new AtomicLong();
        /** What was never decided (or labelled), with its last answer; the first ones kept for the report. */
        final List<String> undecided = new ArrayList<>();

        final Map<String, Long> outcomes = new TreeMap<>();
        final Map<Integer, Long> statuses = new TreeMap<>();
        final Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        double seconds;
        long total;
        String mode;
        /** Kafka mode: from the first record sent until the node had audited every one. */
        double endToEndSeconds;

        long audited;
        String cpu;

        synchronized void record(int status, String outcome, long micros) {
            statuses.merge(status, 1L, Long::sum);
            if (outcome != null) {
                outcomes.merge(outcome, 1L, Long::sum);
            }
            latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
        }

        /** A transaction or label whose last answer after all retries was not a 200. */
        synchronized void undecided(String what, Retrying.Answer last) {
            errors.incrementAndGet();
            if (undecided.size() < 20) {
                undecided.add(what + " -> " + last.status() + " " + last.body());
            }
        }

        synchronized String errorStatuses() {
            Map<Integer, Long> e = new TreeMap<>(statuses);
            e.remove(200);
            return e.isEmpty() ? "" : e.toString();
        }

        public String render() {
            StringBuilder b =
                    new StringBuilder("\nreplay summary (").append(mode).append(")\n");
            b.append(String.format(
                    "  transactions  %,d sent, %,d answered, %,d errors%n", sent.get(), done.get(), errors.get()));
            b.append(String.format("  labels        %,d fed back%n", labels.get()));
            b.append(String.format(
                    "  retried       %,d attempts repeated after 503 or 409 in_progress (Retry-After honoured)%n",
                    retried.get()));
            if (errors.get() > 0) {
                b.append(String.format("  NOT DECIDED   %,d; the first of them:%n", errors.get()));
                synchronized (this) {
                    undecided.forEach(u -> b.append("    ").append(u).append('\n'));
                }
            }
            b.append(String.format("  decisions     %s%n", outcomes));
            b.append(String.format("  statuses      %s%n", statuses));
            b.append(String.format(
                    "  elapsed       %.1f s, %,.0f transactions/s%n", seconds, done.get() / Math.max(seconds, 1e-3)));
            if (endToEndSeconds > 0) {
                b.append(String.format(
                        "  end to end    %,d decided and audited in %.1f s: %,.0f transactions/s%n",
                        audited, endToEndSeconds, audited / endToEndSeconds));
            }
            if (cpu != null) {
                b.append("  ").append(cpu).append('\n');
            }
            if (latency.getTotalCount() > 0) {
                b.append(String.format(
                        "  latency ms    p50 %.2f  p99 %.2f  max %.2f%n",
                        latency.getValueAtPercentile(50) / 1e3,
                        latency.getValueAtPercentile(99) / 1e3,
                        latency.getMaxValue() / 1e3));
            }
            return b.toString();
        }
    }

    public static Summary run(Map<String, String> o) throws Exception {
        if (!o.getOrDefault("keys", "").isEmpty()) {
            ApiKey.useDir(Path.of(o.get("keys")));
        }
        ApiKey.useReplay(); // the handbook's own event times, however old
        Path data = HandbookData.resolve(o).file();
        LocalDate from = LocalDate.parse(o.get("from"));
        LocalDate to = LocalDate.parse(o.get("to"));
        String prefix = o.get("prefix");
        boolean genuineLabels = Boolean.parseBoolean(o.get("genuine-labels"));
        Summary summary = new Summary();
        summary.mode = o.get("mode");
        long[] total = {0};
        HandbookCsv.forEach(data, r -> {
            LocalDate d = r.timestamp().toLocalDate();
            if (!d.isBefore(from) && !d.isAfter(to)) {
                total[0]++;
            }
        });
        summary.total = total[0];
        Sink sink = switch (o.get("mode")) {
            case "http" -> new HttpSink(URI.create(o.get("url")), Integer.parseInt(o.get("concurrency")), summary);
            case "kafka" -> new KafkaSink(o.get("bootstrap"), o.get("topic"), o.get("labels-topic"), summary);
            default -> throw new IllegalArgumentException("--mode is http or kafka");
        };
        LabelSchedule<Tx> schedule = new LabelSchedule<>(Duration.ofDays(Long.parseLong(o.get("label-delay-days"))));
        long labelEveryMillis = Long.parseLong(o.get("label-every-seconds")) * 1000;
        long[] nextLabels = {Long.MIN_VALUE};
        URI node = URI.create(o.get("metrics"));
        NodeMetrics before = NodeMetrics.scrape(node);
        long start = System.nanoTime();
        try (Progress p = new Progress(
                summary.total,
                summary.done,
                () -> String.format(
                        "labels %,d  errors %,d %s",
                        summary.labels.get(), summary.errors.get(), summary.errorStatuses()))) {
            HandbookCsv.forEach(data, r -> {
                LocalDate d = r.timestamp().toLocalDate();
                if (d.isBefore(from) || d.isAfter(to)) {
                    return;
                }
                long t = r.timestamp().toInstant().toEpochMilli();
                Tx tx = new Tx(
                        prefix + "-" + r.transactionId(),
                        "card-" + r.customerId(),
                        "term-" + r.terminalId(),
                        r.amount(),
                        r.timestamp().toString(),
                        t,
                        r.fraud());
                if (t >= nextLabels[0]) {
                    List<Tx> due = schedule.due(t);
                    if (!due.isEmpty()) {
                        sink.labels(due);
                    }
                    nextLabels[0] = labelEveryMillis == 0 ? Long.MIN_VALUE : t + labelEveryMillis;
                }
                sink.transaction(tx);
                if (tx.fraud() == 1 || genuineLabels) {
                    schedule.add(t, tx);
                }
            });
            sink.close();
        }
        summary.seconds = (System.nanoTime() - start) / 1e9;
        if (summary.mode.equals("kafka") && before != null) {
            awaitAudited(node, before, summary.sent.get() - summary.errors.get(), start, summary);
        }
        summary.cpu = NodeMetrics.cpuPerDecision(before, NodeMetrics.scrape(node));
        return summary;
    }

    /**
     * Kafka mode: the producer's acks say nothing about decisions, so wait until the node has committed an
     * audit row for every record sent (its audit-row counter has grown by that many) and take the time of
     * that moment as the end to end figure. Gives up when the count stops moving for a minute.
     */
    static void awaitAudited(URI node, NodeMetrics before, long expected, long start, Summary summary)
            throws InterruptedException {
        double last = -1;
        long lastMove = System.nanoTime();
        while (true) {
            NodeMetrics now = NodeMetrics.scrape(node);
            double audited = now == null ? last : now.get(NodeMetrics.AUDITED) - before.get(NodeMetrics.AUDITED);
            if (audited >= expected) {
                summary.endToEndSeconds = (now.atNanos() - start) / 1e9;
                summary.audited = (long) audited;
                return;
            }
            if (audited != last) {
                last = audited;
                lastMove = System.nanoTime();
            } else if (System.nanoTime() - lastMove > TimeUnit.MINUTES.toNanos(1)) {
                summary.audited = (long) Math.max(audited, 0);
                System.err.printf("audit rows stopped at %,d of %,d expected%n", summary.audited, expected);
                summary.errors.addAndGet(expected - summary.audited);
                return;
            }
            Thread.sleep(200);
        }
    }

    static JsonObject txJson(Tx tx) {
        return new JsonObject()
                .put("transactionId", tx.id())
                .put("cardId", tx.card())
                .put("terminalId", tx.terminal())
                .put("amount", tx.amount())
                .put("currency", "EUR")
                .put("timestamp", tx.timestamp());
    }

    static JsonObject labelJson(Tx tx) {
        return new JsonObject()
                .put("transactionId", tx.id())
                .put("fraud", tx.fraud() == 1)
                .put("source", "replay")
                .put("cardId", tx.card())
                .put("terminalId", tx.terminal())
                .put("timestamp", tx.timestamp());
    }

    interface Sink {
        void transaction(Tx tx);

        void labels(List<Tx> labels);

        void close();
    }

    /** HTTP with per-card and per-terminal ordering and a barrier before each batch of labels. */
    static final class HttpSink implements Sink {
        private final Vertx vertx = Vertx.vertx();
        /** Every request starts on this one event-loop context, never from the reading thread. */
        private final Context context = vertx.getOrCreateContext();

        private final HttpClient client;
        private final Retrying retrying;
        private final int concurrency;
        private final Summary summary;
        private final Set<String> busy = new HashSet<>();
        private int inFlight;

        HttpSink(URI url, int concurrency, Summary summary) {
            this.concurrency = concurrency;
            this.summary = summary;
            this.client = vertx.httpClientBuilder()
                    .with(new HttpClientOptions()
                            .setDefaultHost(url.getHost())
                            .setDefaultPort(url.getPort())
                            .setKeepAlive(true))
                    .with(new PoolOptions().setHttp1MaxSize(concurrency))
                    .build();
            // a transaction is retried for up to about ten minutes of 503s before the replay gives up on it
            this.retrying = new Retrying(vertx, client, 600, summary.retried);
        }

        private synchronized void awaitSlot(Tx tx) {
            while (inFlight >= concurrency || busy.contains(tx.card()) || busy.contains(tx.terminal())) {
                waitQuietly();
            }
            inFlight++;
            busy.add(tx.card());
            busy.add(tx.terminal());
        }

        private synchronized void release(Tx tx) {
            inFlight--;
            busy.remove(tx.card());
            busy.remove(tx.terminal());
            notifyAll();
        }

        private synchronized void drain() {
            while (inFlight > 0) {
                waitQuietly();
            }
        }

        private void waitQuietly() {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private Future<Retrying.Answer> post(String path, JsonObject body) {
            Promise<Retrying.Answer> promise = Promise.promise();
            Buffer payload = body.toBuffer();
            context.runOnContext(v -> retrying.post(path, payload).onComplete(promise));
            return promise.future();
        }

        @Override
        public void transaction(Tx tx) {
            awaitSlot(tx);
            summary.sent.incrementAndGet();
            long t0 = System.nanoTime();
            post("/v1/authorize-check", txJson(tx)).onComplete(ar -> {
                long micros = (System.nanoTime() - t0) / 1000;
                Retrying.Answer a = ar.result();
                if (a.status() == 200) {
                    summary.record(200, a.json().getString("decision"), micros);
                } else {
                    summary.undecided(tx.id(), a);
                    summary.record(a.status(), null, micros);
                }
                summary.done.incrementAndGet();
                release(tx);
            });
        }

        @Override
        public void labels(List<Tx> labels) {
            drain();
            List<Future<Retrying.Answer>> posts = new ArrayList<>(labels.size());
            for (Tx tx : labels) {
                posts.add(post("/v1/labels", labelJson(tx)));
            }
            CompletableFuture<Void> all = new CompletableFuture<>();
            Future.join(posts).onComplete(ar -> all.complete(null));
            all.join();
            for (int i = 0; i < posts.size(); i++) {
                Retrying.Answer a = posts.get(i).result();
                if (a.status() == 200) {
                    summary.labels.incrementAndGet();
                } else {
                    summary.undecided("label " + labels.get(i).id(), a);
                }
            }
        }

        @Override
        public void close() {
            drain();
            client.close().await();
            vertx.close().await();
        }
    }

    /** Kafka: transactions keyed by card, labels on "labels" when due; waits for the producer's acks. */
    static final class KafkaSink implements Sink {
        private final KafkaProducer<String, String> producer;
        private final Summary summary;
        private final String topic;
        private final String labelsTopic;

        KafkaSink(String bootstrap, String topic, String labelsTopic, Summary summary) {
            this.summary = summary;
            this.topic = topic;
            this.labelsTopic = labelsTopic;
            Map<String, Object> c = Map.of(
                    "bootstrap.servers",
                    bootstrap,
                    "acks",
                    "all",
                    "linger.ms",
                    "5",
                    "batch.size",
                    "262144",
                    "compression.type",
                    "lz4");
            producer = new KafkaProducer<>(c, new StringSerializer(), new StringSerializer());
        }

        @Override
        public void transaction(Tx tx) {
            summary.sent.incrementAndGet();
            producer.send(new ProducerRecord<>(topic, tx.card(), txJson(tx).encode()), (md, e) -> {
                if (e != null) {
                    summary.errors.incrementAndGet();
                }
                summary.done.incrementAndGet();
            });
        }

        @Override
        public void labels(List<Tx> labels) {
            producer.flush();
            for (Tx tx : labels) {
                producer.send(
                        new ProducerRecord<>(
                                labelsTopic, tx.card(), labelJson(tx).encode()),
                        (md, e) -> {
                            if (e != null) {
                                summary.errors.incrementAndGet();
                            } else {
                                summary.labels.incrementAndGet();
                            }
                        });
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(60));
        }
    }
}
