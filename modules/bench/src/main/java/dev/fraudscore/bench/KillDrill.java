package dev.fraudscore.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node killed with {@code kill -9} under load, then started again: against a cluster started by
 * {@code ops/cluster.sh start}, checks go through the load balancer at {@code --rate} for {@code --seconds}, the
 * project's client retrying 503, 502/504 and lost connections with the same transactionId; node {@code --node} is
 * killed at {@code --at} and started again ({@code ops/cluster.sh start-node}). Then every transaction answered 200
 * must have exactly one audit row, and no other row may exist for the run. Repeated {@code --runs} times.
 *
 * <pre>KillDrill --lb http://127.0.0.1:8080 --dir var/cluster --node 2 --rate 300 --seconds 20 --at 4 --runs 5</pre>
 */
public final class KillDrill {
    private KillDrill() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of(
                "lb", "http://127.0.0.1:8080",
                "dir", "var/cluster",
                "node", "2",
                "rate", "300",
                "seconds", "20",
                "at", "4",
                "runs", "5"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        ApiKey.useDir(Path.of(o.get("dir"), "keys")); // the keys ops/cluster.sh's nodes wrote
        Path dir = Path.of(o.get("dir"));
        String postgres = null;
        for (String line : Files.readAllLines(dir.resolve("infra.env"))) {
            if (line.startsWith("POSTGRES_URL=")) {
                postgres = line.substring("POSTGRES_URL=".length());
            }
        }
        int failed = 0;
        int runs = Integer.parseInt(o.get("runs"));
        for (int r = 1; r <= runs; r++) {
            failed += run(o, dir, postgres, r) ? 0 : 1;
        }
        System.out.printf("%d of %d runs exact%n", runs - failed, runs);
        System.out.println(failed == 0 ? "DRILL PASSED" : "DRILL FAILED");
        System.exit(failed == 0 ? 0 : 1);
    }

    private static boolean run(Map<String, String> o, Path dir, String postgres, int r) throws Exception {
        URI lb = URI.create(o.get("lb"));
        int rate = Integer.parseInt(o.get("rate"));
        long seconds = Long.parseLong(o.get("seconds"));
        long at = Long.parseLong(o.get("at")) * 1000;
        String node = o.get("node");
        long pid = Long.parseLong(
                Files.readString(dir.resolve("node-" + node + ".pid")).trim());
        Vertx vertx = Vertx.vertx();
        Context ctx = vertx.getOrCreateContext();
        HttpClient client = Retrying.client(vertx, lb, 256);
        AtomicLong retried = new AtomicLong();
        Retrying retrying = new Retrying(vertx, client, 600, retried);
        String prefix = "kd-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        Set<String> decided = ConcurrentHashMap.newKeySet();
        Map<Integer, AtomicLong> finals = new ConcurrentHashMap<>();
        AtomicLong pending = new AtomicLong();
        long start = System.nanoTime();
        boolean killed = false;
        Thread restart = null;
        long sent = 0;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
            long t = (System.nanoTime() - start) / 1_000_000;
            if (!killed && t >= at) {
                killed = true;
                new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
                System.out.printf("run %d: t=%.1fs node-%s (pid %d) killed with kill -9%n", r, t / 1000.0, node, pid);
                restart = Thread.ofPlatform().start(() -> {
                    try {
                        new ProcessBuilder("bash", "ops/cluster.sh", "start-node", node)
                                .redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .start()
                                .waitFor();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            for (long due = t * rate / 1000; sent < due; sent++) {
                long n = sent;
                String id = prefix + n;
                JsonObject tx = new JsonObject()
                        .put("transactionId", id)
                        .put("cardId", prefix + "card-" + n % 20)
                        .put("terminalId", "kd-term-" + n % 31)
                        .put("amount", 10 + n % 200)
                        .put("currency", "EUR")
                        .put(
                                "timestamp",
                                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
                pending.incrementAndGet();
                ctx.runOnContext(v -> retrying.post("/v1/authorize-check", tx.toBuffer())
                        .onComplete(ar -> {
                            int status = ar.result().status();
                            finals.computeIfAbsent(status, k -> new AtomicLong())
                                    .incrementAndGet();
                            if (status == 200) {
                                decided.add(id);
                            }
                            pending.decrementAndGet();
                        }));
            }
            Thread.sleep(2);
        }
        while (pending.get() > 0) {
            Thread.sleep(50);
        }
        if (restart != null) {
            restart.join();
        }
        long restarted = System.nanoTime();
        // the killed node's decision log is moved into PostgreSQL once it runs again: wait for the rows to settle
        Set<String> audited = new HashSet<>();
        long rows = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            audited.clear();
            rows = 0;
            try (Connection c = Drill.connect(postgres);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT transaction_id FROM audit.decisions WHERE transaction_id LIKE '" + prefix + "%'")) {
                while (rs.next()) {
                    audited.add(rs.getString(1));
                    rows++;
                }
            }
            if (audited.containsAll(decided)) {
                break;
            }
            Thread.sleep(500);
        }
        Set<String> missing = new HashSet<>(decided);
        missing.removeAll(audited);
        Set<String> extra = new HashSet<>(audited);
        extra.removeAll(decided);
        boolean exact = missing.isEmpty() && extra.isEmpty() && rows == audited.size();
        Map<Integer, Long> statuses = new TreeMap<>();
        finals.forEach((k, v) -> statuses.put(k, v.get()));
        System.out.printf(
                "run %d: %,d checks sent, final answers %s, %,d retries; %,d decided, %,d audit rows (%,d distinct),"
                        + " %d decided without a row, %d rows never answered 200; rows settled %.1f s after the restart"
                        + " -> %s%n",
                r,
                sent,
                statuses,
                retried.get(),
                decided.size(),
                rows,
                audited.size(),
                missing.size(),
                extra.size(),
                (System.nanoTime() - restarted) / 1e9,
                exact
                        ? "exact"
                        : "NOT EXACT " + missing.stream().limit(5).toList() + " "
                                + extra.stream().limit(5).toList());
        client.close().await();
        vertx.close().await();
        return exact;
    }
}
