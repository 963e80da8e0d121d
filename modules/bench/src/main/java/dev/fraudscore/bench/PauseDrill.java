package dev.fraudscore.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A Hazelcast member made slow: against a cluster started by {@code ops/cluster.sh start}, checks go through the
 * load balancer at {@code --rate} for {@code --seconds}; node {@code --node}'s JVM is paused (SIGSTOP) at {@code --at}
 * for {@code --pause} seconds, so every claim and velocity update whose key it owns waits until its deadline. The
 * decisions that needed it are degraded under the fallback policy, the stage breakers fail them fast once tripped,
 * and nothing degraded is kept: after the drill each degraded transaction is sent again and must be decided afresh.
 *
 * <pre>PauseDrill --lb http://127.0.0.1:8080 --dir var/cluster --node 2 --rate 300 --seconds 40 --at 10 --pause 15</pre>
 */
public final class PauseDrill {
    private PauseDrill() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of(
                "lb",
                "http://127.0.0.1:8080",
                "dir",
                "var/cluster",
                "node",
                "2",
                "rate",
                "300",
                "seconds",
                "40",
                "at",
                "10",
                "pause",
                "15"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        ApiKey.useDir(Path.of(o.get("dir"), "keys")); // the keys ops/cluster.sh's nodes wrote
        URI lb = URI.create(o.get("lb"));
        int rate = Integer.parseInt(o.get("rate"));
        long seconds = Long.parseLong(o.get("seconds"));
        long at = Long.parseLong(o.get("at")) * 1000;
        long pause = Long.parseLong(o.get("pause")) * 1000;
        long pid = Long.parseLong(Files.readString(Path.of(o.get("dir"), "node-" + o.get("node") + ".pid"))
                .trim());
        Vertx vertx = Vertx.vertx();
        Context ctx = vertx.getOrCreateContext();
        HttpClient client = Retrying.client(vertx, lb, 256);
        AtomicLong retried = new AtomicLong();
        Retrying retrying = new Retrying(vertx, client, 120, retried);
        String run = Long.toString(System.currentTimeMillis(), 36);
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        Histogram[] latency = {hist(), hist(), hist()};
        Histogram degradedLatency = hist();
        List<JsonObject> degraded = new CopyOnWriteArrayList<>();
        AtomicLong pending = new AtomicLong();
        long[] lastDegraded = {0};
        System.out.printf(
                "drill %s: %d checks/s through %s for %d s; node-%s (pid %d) paused at t=%d s for %d s%n",
                run, rate, lb, seconds, o.get("node"), pid, at / 1000, pause / 1000);
        long start = System.nanoTime();
        boolean paused = false;
        boolean resumed = false;
        long sent = 0;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
            long t = (System.nanoTime() - start) / 1_000_000;
            int phase = t < at ? 0 : t < at + pause ? 1 : 2;
            if (!paused && t >= at) {
                paused = true;
                signal("-STOP", pid);
                System.out.printf("t=%.1fs node-%s paused%n", t / 1000.0, o.get("node"));
            }
            if (!resumed && t >= at + pause) {
                resumed = true;
                signal("-CONT", pid);
                System.out.printf("t=%.1fs node-%s resumed%n", t / 1000.0, o.get("node"));
            }
            for (long due = t * rate / 1000; sent < due; sent++) {
                long n = sent;
                JsonObject tx = new JsonObject()
                        .put("transactionId", "pd-" + run + "-" + n)
                        .put("cardId", "pd-" + run + "-card-" + n % 400)
                        .put("terminalId", "pd-term-" + n % 97)
                        .put("amount", n % 3 == 0 ? 20 : n % 3 == 1 ? 300 : 900)
                        .put("currency", "EUR")
                        .put(
                                "timestamp",
                                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
                pending.incrementAndGet();
                long t0 = System.nanoTime();
                ctx.runOnContext(v -> retrying.post("/v1/authorize-check", tx.toBuffer())
                        .onComplete(ar -> {
                            Retrying.Answer a = ar.result();
                            long micros = (System.nanoTime() - t0) / 1000;
                            if (a.status() == 200) {
                                JsonObject d = a.json();
                                String key = d.getBoolean("degraded")
                                        ? "degraded " + d.getString("degradedReason") + " " + d.getString("decision")
                                        : "scored " + d.getString("decision");
                                outcomes.computeIfAbsent(key, k -> new AtomicLong())
                                        .incrementAndGet();
                                synchronized (latency) {
                                    latency[phase].recordValue(
                                            Math.min(micros, latency[phase].getHighestTrackableValue()));
                                    if (d.getBoolean("degraded")) {
                                        degradedLatency.recordValue(
                                                Math.min(micros, degradedLatency.getHighestTrackableValue()));
                                        degraded.add(tx);
                                        lastDegraded[0] = System.nanoTime();
                                    }
                                }
                            } else {
                                outcomes.computeIfAbsent("HTTP " + a.status(), k -> new AtomicLong())
                                        .incrementAndGet();
                            }
                            pending.decrementAndGet();
                        }));
            }
            Thread.sleep(2);
        }
        if (!resumed) {
            signal("-CONT", pid);
        }
        while (pending.get() > 0) {
            Thread.sleep(50);
        }
        // nothing degraded was kept: each is decided afresh when sent again (after its claim goes stale at worst)
        List<Retrying.Answer> again = new ArrayList<>();
        for (JsonObject tx : degraded) {
            CompletableFuture<Retrying.Answer> f = new CompletableFuture<>();
            ctx.runOnContext(
                    v -> retrying.post("/v1/authorize-check", tx.toBuffer()).onComplete(ar -> f.complete(ar.result())));
            again.add(f.get(5, TimeUnit.MINUTES));
        }
        long fresh = again.stream()
                .filter(a -> a.status() == 200 && !a.json().getBoolean("replayed", false))
                .count();
        long freshScored = again.stream()
                .filter(a -> a.status() == 200
                        && !a.json().getBoolean("replayed", false)
                        && !a.json().getBoolean("degraded"))
                .count();
        String[] names = {"before", "paused", "after"};
        System.out.println();
        System.out.println("drill figures");
        System.out.printf(
                "  checks          %,d sent; answers %s; %,d retried after a 503 (Retry-After)%n",
                sent, new TreeMap<>(counts(outcomes)), retried.get());
        for (int p = 0; p < 3; p++) {
            System.out.printf(
                    "  %-7s         p50 %.1f ms, p99 %.1f ms over %,d decisions%n",
                    names[p],
                    latency[p].getValueAtPercentile(50) / 1e3,
                    latency[p].getValueAtPercentile(99) / 1e3,
                    latency[p].getTotalCount());
        }
        System.out.printf(
                "  degraded        %,d, answered in p50 %.1f ms, p99 %.1f ms; the last %.1f s after the resume%n",
                degradedLatency.getTotalCount(),
                degradedLatency.getValueAtPercentile(50) / 1e3,
                degradedLatency.getValueAtPercentile(99) / 1e3,
                lastDegraded[0] == 0 ? 0 : (lastDegraded[0] - start) / 1e9 - (at + pause) / 1000.0);
        System.out.printf(
                "  not kept        %,d degraded transactions sent again: %,d decided afresh (not replayed), "
                        + "%,d of them scored%n",
                degraded.size(), fresh, freshScored);
        boolean ok = fresh == degraded.size() && !outcomes.containsKey("HTTP -1");
        System.out.println(ok ? "DRILL PASSED" : "DRILL FAILED");
        client.close().await();
        vertx.close().await();
        System.exit(ok ? 0 : 1);
    }

    private static Histogram hist() {
        return new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
    }

    private static Map<String, Long> counts(Map<String, AtomicLong> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", signal, Long.toString(pid))
                .inheritIO()
                .start()
                .waitFor();
    }
}
