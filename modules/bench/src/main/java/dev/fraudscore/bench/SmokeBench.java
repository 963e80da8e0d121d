package dev.fraudscore.bench;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Smoke benchmark: drives N authorize-checks at a running node from {@code concurrency} connections,
 * closed loop (each connection sends its next request when the previous answer arrives), and prints
 * throughput and latency percentiles. Every request is a new transaction of one of {@code cards} cards at
 * one of {@code terminals} terminals, so the velocity state grows as in real traffic.
 *
 * <pre>SmokeBench --url http://127.0.0.1:8080 --metrics http://127.0.0.1:8081 --requests 20000 --concurrency 32 --warmup 2000</pre>
 */
public final class SmokeBench {
    private SmokeBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        String[][] defaults = {
            {"url", "http://127.0.0.1:8080"},
            {"metrics", "http://127.0.0.1:8081"}, // the node's admin port: /metrics
            {"requests", "20000"},
            {"concurrency", "32"},
            {"warmup", "2000"},
            {"cards", "10000"},
            {"terminals", "2000"},
            {"rate", "0"},
            {"echo", "false"},
            {"threads", "2"},
            {"attempts", "120"}
        };
        for (String[] d : defaults) {
            o.put(d[0], d[1]);
        }
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !o.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + o.keySet());
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        URI url = URI.create(o.get("url"));
        URI metrics = URI.create(o.get("metrics"));
        int concurrency = Integer.parseInt(o.get("concurrency"));
        int threads = Math.max(1, Math.min(Integer.parseInt(o.get("threads")), concurrency));
        Vertx vertx = Vertx.vertx();
        String run = Long.toString(System.currentTimeMillis(), 36);
        Load load = new Load(
                vertx,
                url,
                threads,
                concurrency,
                run,
                Integer.parseInt(o.get("cards")),
                Integer.parseInt(o.get("terminals")));
        load.maxAttempts = Integer.parseInt(o.get("attempts"));

        int warmup = Integer.parseInt(o.get("warmup"));
        if (warmup > 0) {
            System.out.printf("warm-up: %,d requests%n", warmup);
            load.run(warmup, concurrency, "w");
            Thread.sleep(500); // the warm-up's last audit batches land before the "before" figures are taken
        }
        int requests = Integer.parseInt(o.get("requests"));
        int rate = Integer.parseInt(o.get("rate"));
        NodeMetrics before = NodeMetrics.scrape(metrics);
        long benchCpuBefore = processCpuNanos();
        Result r;
        if (rate > 0) {
            System.out.printf(
                    "measuring: %,d requests at a constant %,d/s from %d generator event loops (open loop; latency from"
                            + " each request's intended send time)%n",
                    requests, rate, threads);
            r = load.openLoop(requests, rate, "o");
        } else {
            System.out.printf(
                    "measuring: %,d requests, %d concurrent, closed loop, against %s%n", requests, concurrency, url);
            r = load.run(requests, concurrency, "m");
        }
        NodeMetrics after = NodeMetrics.scrape(metrics);
        long benchCpu = processCpuNanos() - benchCpuBefore;
        String audit = before == null ? null : awaitAudited(metrics, before, r.ok);
        Histogram h = r.latency;
        System.out.printf(
                "transactions %,d  decided %,d  never decided %,d  attempts by status %s%n",
                requests, r.ok, r.errors, r.statuses);
        System.out.printf(
                "retried %,d attempts after a 503 or 409 in_progress, same transactionId, after Retry-After%n",
                r.retried);
        System.out.printf("throughput %,.0f decisions/s (200) over %.2f s%n", r.ok / r.seconds, r.seconds);
        System.out.printf(
                "accepted attempts: latency ms  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
                h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(90) / 1e3,
                h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3,
                h.getMaxValue() / 1e3);
        System.out.printf("decisions %s%n", r.decisions);
        if (r.refused != null && r.refused.getTotalCount() > 0) {
            System.out.printf(
                    "refused attempts (503) %,d, answered in p50 %.3f ms, p99 %.3f ms%n",
                    r.refused.getTotalCount(),
                    r.refused.getValueAtPercentile(50) / 1e3,
                    r.refused.getValueAtPercentile(99) / 1e3);
        }
        if (audit != null) {
            System.out.println(audit);
        }
        String cpu = NodeMetrics.cpuPerDecision(before, after);
        if (cpu != null) {
            System.out.println(cpu);
        }
        System.out.printf(
                "load generator CPU %.2f s (%.0f us per request)%n", benchCpu / 1e9, benchCpu / 1e3 / requests);
        if (Boolean.parseBoolean(o.get("echo"))) {
            double echo = Echo.measure(vertx, requests, concurrency);
            System.out.printf(
                    "bare Vert.x HTTP echo on this machine, same load shape: %,.0f req/s; platform = %.1f%% of it%n",
                    echo, 100 * (r.ok / r.seconds) / echo);
        }
        load.close();
        vertx.close().await();
    }

    /**
     * Nothing accepted may be lost: waits (up to 30 s) until the node's committed audit rows have grown by at
     * least the number of 200 answers, and says how many landed. Counts every row the node wrote in the
     * meantime, so run it on a node no one else is using.
     */
    static String awaitAudited(URI metrics, NodeMetrics before, long accepted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        double audited = 0;
        while (System.nanoTime() < deadline) {
            NodeMetrics now = NodeMetrics.scrape(metrics);
            audited = now == null ? audited : now.get(NodeMetrics.AUDITED) - before.get(NodeMetrics.AUDITED);
            if (audited >= accepted) {
                break;
            }
            Thread.sleep(100);
        }
        return String.format(
                "audited %,.0f rows for %,d accepted decisions%s",
                audited, accepted, audited >= accepted ? "" : ": MISSING " + (accepted - (long) audited));
    }

    /** CPU time of this JVM (the load generator), from the platform MXBean. */
    static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    record Result(
            Histogram latency,
            long ok,
            long errors,
            Map<Integer, Long> statuses,
            Map<String, Long> decisions,
            double seconds,
            Histogram refused,
            long retried) {}

    /** What came back: latencies of accepted and refused (503) answers apart, statuses, decisions; done after the last. */
    static final class Tally {
        final Histogram accepted = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        final Histogram refused = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        final Map<Integer, Long> statuses = new TreeMap<>();
        final Map<String, Long> decisions = new TreeMap<>();
        private final AtomicLong ok = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private final AtomicLong finished = new AtomicLong();
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final int requests;

        Tally(int requests) {
            this.requests = requests;
        }

        private final AtomicLong retried = new AtomicLong();

        /** Records one attempt's answer (status -1: no answer) and how long it took. */
        void attempt(int status, long micros) {
            synchronized (accepted) {
                (status == 503 ? refused : accepted).recordValue(Math.min(micros, accepted.getHighestTrackableValue()));
            }
        }

        /** A transaction's final status after its retries; true when it was the last transaction. */
        boolean finish(int status) {
            if (status == 200) {
                ok.incrementAndGet();
            } else {
                errors.incrementAndGet();
            }
            if (finished.incrementAndGet() == requests) {
                done.complete(null);
                return true;
            }
            return false;
        }

        Result result(long startNanos) throws Exception {
            done.get(30, TimeUnit.MINUTES);
            return new Result(
                    accepted,
                    ok.get(),
                    errors.get(),
                    statuses,
                    decisions,
                    (System.nanoTime() - startNanos) / 1e9,
                    refused,
                    retried.get());
        }
    }

    /** A do-nothing verticle, deployed once per generator loop: each deployment gets the next event loop. */
    static final class LoopHolder extends VerticleBase {
        static Context deploy(Vertx vertx) {
            LoopHolder h = new LoopHolder();
            vertx.deployVerticle(h).await();
            return h.context;
        }
    }

    /**
     * The load: {@code threads} generator event loops, each with its own HTTP client and its share of the
     * connections, so that the generator is not one thread the node can outrun.
     */
    static final class Load {
        private final HttpClient[] clients;
        private final Context[] contexts;
        private final String run;
        private final int cards;
        private final int terminals;
        private final SplittableRandom random = new SplittableRandom(42);
        /** A transaction still refused after this many attempts counts as never decided (the caller gave up). */
        int maxAttempts = 120;

        Load(Vertx vertx, URI url, int threads, int concurrency, String run, int cards, int terminals) {
            this.clients = new HttpClient[threads];
            this.contexts = new Context[threads];
            for (int k = 0; k < threads; k++) {
                contexts[k] = LoopHolder.deploy(vertx);
                clients[k] = vertx.httpClientBuilder()
                        .with(new HttpClientOptions()
                                .setDefaultHost(url.getHost())
                                .setDefaultPort(url.getPort())
                                .setKeepAlive(true))
                        .with(new PoolOptions().setHttp1MaxSize(Math.max(1, concurrency / threads)))
                        .build();
            }
            this.run = run;
            this.cards = cards;
            this.terminals = terminals;
        }

        void close() {
            for (HttpClient c : clients) {
                c.close().await();
            }
        }

        Result run(int requests, int concurrency, String phase) throws Exception {
            Tally tally = new Tally(requests);
            AtomicLong sent = new AtomicLong();
            long start = System.nanoTime();
            // every request starts on a generator event-loop context, never from this thread; connection c on loop c %
            // threads
            for (int c = 0; c < concurrency; c++) {
                int k = c % contexts.length;
                contexts[k].runOnContext(v -> next(k, requests, phase, sent, tally));
            }
            return tally.result(start);
        }

        /**
         * Open loop: request i is due at start + i/rate whatever happened before; its latency is measured from
         * that due time (coordinated-omission corrected). Accepted (200) and refused (503) latencies apart.
         */
        Result openLoop(int requests, int rate, String phase) throws Exception {
            Tally tally = new Tally(requests);
            long start = System.nanoTime();
            int threads = contexts.length;
            for (int k = 0; k < threads; k++) {
                // loop k sends requests k, k + threads, k + 2 threads, ... each at its due time
                int loop = k;
                long[] next = {k};
                HttpClient client = clients[k];
                contexts[k].runOnContext(v -> vertx(contexts[loop]).setPeriodic(1, id -> {
                    long due = Math.min(requests, (System.nanoTime() - start) * rate / 1_000_000_000L);
                    for (; next[0] < due; next[0] += threads) {
                        long intended = start + next[0] * 1_000_000_000L / rate;
                        send(loop, Buffer.buffer(body(next[0], phase)), intended, 1, tally, () -> {});
                    }
                    if (next[0] >= requests) {
                        vertx(contexts[loop]).cancelTimer(id);
                    }
                }));
            }
            return tally.result(start);
        }

        /** Sends one authorize-check; counts its status and, for a 200, its decision; answers the status. */
        private static Vertx vertx(Context context) {
            return context.owner();
        }

        /** Sends one authorize-check; counts its status and, for a 200, its decision. */
        private static Future<Retrying.Answer> post(HttpClient client, Buffer payload, Tally tally) {
            return Retrying.once(client, "/v1/authorize-check", payload).onSuccess(a -> {
                synchronized (tally.statuses) {
                    tally.statuses.merge(a.status(), 1L, Long::sum);
                    if (a.status() == 200) {
                        int i = a.body().indexOf("\"decision\":\"");
                        tally.decisions.merge(
                                i < 0
                                        ? "?"
                                        : a.body().substring(i + 12, a.body().indexOf('"', i + 12)),
                                1L,
                                Long::sum);
                    }
                }
            });
        }

        /**
         * Sends one transaction until it has a final answer, as a payments system would: a 503 or a 409 in_progress
         * is sent again, same body, after the answer's Retry-After. Each attempt's latency is recorded, from
         * {@code intended} for the first one (the open loop's due time) and from its own send for a retry.
         */
        private void send(int loop, Buffer payload, long intended, int attempt, Tally tally, Runnable next) {
            post(clients[loop], payload, tally).onComplete(ar -> {
                Retrying.Answer a = ar.result();
                tally.attempt(a.status(), (System.nanoTime() - intended) / 1000);
                if (a.retryable() && attempt < maxAttempts) {
                    tally.retried.incrementAndGet();
                    long pauseMs = a.status() == -1 ? 250 : Math.max(0, a.retryAfterSeconds()) * 1000L;
                    vertx(contexts[loop])
                            .setTimer(
                                    Math.max(pauseMs, 50),
                                    id -> send(loop, payload, System.nanoTime(), attempt + 1, tally, next));
                    return;
                }
                if (!tally.finish(a.status())) {
                    next.run();
                }
            });
        }

        private synchronized String body(long n, String phase) {
            int card = random.nextInt(cards);
            return "{\"transactionId\":\"bench-" + run + "-" + phase + n + "\",\"cardId\":\"card_" + card
                    + "\",\"terminalId\":\"term_" + random.nextInt(terminals) + "\",\"amount\":"
                    + (random.nextInt(20_000) + 100) / 100.0 + ",\"currency\":\"EUR\",\"timestamp\":\"" + Instant.now()
                    + "\"}";
        }

        private void next(int loop, int requests, String phase, AtomicLong sent, Tally tally) {
            long n = sent.getAndIncrement();
            if (n >= requests) {
                return;
            }
            send(
                    loop,
                    Buffer.buffer(body(n, phase)),
                    System.nanoTime(),
                    1,
                    tally,
                    () -> next(loop, requests, phase, sent, tally));
        }
    }
}
