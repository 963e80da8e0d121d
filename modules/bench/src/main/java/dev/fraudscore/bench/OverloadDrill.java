package dev.fraudscore.bench;

import io.vertx.core.Vertx;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The overload drill against a running node: the closed-loop rate it sustains (64 connections), then an open loop
 * at half that rate (its unloaded latency) and at twice it (overload), each for {@code --seconds}. Prints how fast
 * refusals were answered, the accepted decisions' p99 against the unloaded p99, and whether every accepted decision
 * was audited. Refused transactions are retried after Retry-After, as a payments system would.
 *
 * <pre>OverloadDrill --url http://127.0.0.1:8080 --seconds 60</pre>
 */
public final class OverloadDrill {
    private OverloadDrill() {}

    public static void main(String[] args) {
        try {
            drill(args);
            System.exit(0);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void drill(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of(
                "url",
                "http://127.0.0.1:8080",
                "seconds",
                "60",
                "warmup",
                "30000",
                "threads",
                "2",
                "cards",
                "10000",
                "terminals",
                "2000"));
        o.put("attempts", "3");
        o.put("metrics", "http://127.0.0.1:8081"); // the node's admin port: /metrics
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        URI url = URI.create(o.get("url"));
        URI metrics = URI.create(o.get("metrics"));
        int seconds = Integer.parseInt(o.get("seconds"));
        Vertx vertx = Vertx.vertx();
        String run = Long.toString(System.currentTimeMillis(), 36);
        SmokeBench.Load load = new SmokeBench.Load(
                vertx,
                url,
                Integer.parseInt(o.get("threads")),
                512,
                run,
                Integer.parseInt(o.get("cards")),
                Integer.parseInt(o.get("terminals")));
        // a payments system retries a refused authorization a few times, then falls back to its own stand-in rules:
        // unbounded retries at twice the capacity would only measure a retry storm
        load.maxAttempts = Integer.parseInt(o.get("attempts"));
        System.out.printf(
                "warm-up: %s requests, 32 connections; refused transactions retried up to %d attempts%n",
                o.get("warmup"), load.maxAttempts);
        load.run(Integer.parseInt(o.get("warmup")), 32, "w");

        SmokeBench.Result sustained = load.run(30_000, 64, "s");
        int capacity = (int) (sustained.ok() / sustained.seconds());
        System.out.printf("sustained (closed loop, 64 connections): %,d decisions/s%n", capacity);

        int half = Math.max(1, capacity / 2);
        SmokeBench.Result unloaded = load.openLoop(half * seconds, half, "u");
        report("unloaded (open loop at half that)", half, unloaded);

        NodeMetrics before = NodeMetrics.scrape(metrics);
        int twice = capacity * 2;
        SmokeBench.Result overload = load.openLoop(twice * seconds, twice, "o");
        NodeMetrics after = NodeMetrics.scrape(metrics);
        report("overload (open loop at twice that)", twice, overload);

        double unloadedP99 = p(unloaded.latency(), 99);
        double acceptedP99 = p(overload.latency(), 99);
        double refusedP99 = overload.refused().getTotalCount() == 0 ? 0 : p(overload.refused(), 99);
        String audited = before == null
                ? "audit not checked (no /metrics)"
                : SmokeBench.awaitAudited(metrics, before, overload.ok());
        System.out.println();
        System.out.println("drill figures");
        System.out.printf(
                "  refused attempts         %,d, answered in p99 %.2f ms (target 2 ms): %s%n",
                overload.refused().getTotalCount(), refusedP99, refusedP99 <= 2 ? "met" : "NOT MET");
        System.out.printf(
                "  accepted p99 under 2x    %.1f ms against %.1f ms unloaded = %.1fx (target 3x): %s%n",
                acceptedP99,
                unloadedP99,
                acceptedP99 / unloadedP99,
                acceptedP99 <= 3 * unloadedP99 ? "met" : "NOT MET");
        System.out.printf(
                "  decided under 2x         %,d of %,d transactions (%,d never decided after retries)%n",
                overload.ok(), (long) twice * seconds, overload.errors());
        System.out.printf("  %s%n", audited);
        String cpu = NodeMetrics.cpuPerDecision(before, after);
        if (cpu != null) {
            System.out.printf("  %s%n", cpu);
        }
        load.close();
        vertx.close().await();
    }

    private static void report(String what, int rate, SmokeBench.Result r) {
        System.out.printf(
                "%s, %,d/s: %,d decided (%,.0f/s), accepted p50 %.1f p99 %.1f p99.9 %.1f ms; %,d refused attempts"
                        + " (p99 %.2f ms); %,d retried%n",
                what,
                rate,
                r.ok(),
                r.ok() / r.seconds(),
                p(r.latency(), 50),
                p(r.latency(), 99),
                p(r.latency(), 99.9),
                r.refused().getTotalCount(),
                r.refused().getTotalCount() == 0 ? 0 : p(r.refused(), 99),
                r.retried());
    }

    private static double p(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e3;
    }
}
