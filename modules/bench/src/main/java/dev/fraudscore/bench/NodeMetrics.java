package dev.fraudscore.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * One scrape of a node's Prometheus {@code /metrics}: each metric's value summed over its label sets.
 * The benchmarks take one before and one after a run to report the node's CPU time per decision
 * ({@code process_cpu_time_ns_total} over {@code fraud_decisions_total}) and to see audit rows land
 * ({@code fraud_audit_lag_seconds_count} counts committed rows).
 */
record NodeMetrics(Map<String, Double> values, long atNanos) {
    static final String CPU_NS = "process_cpu_time_ns_total";
    static final String DECISIONS = "fraud_decisions_total";
    static final String AUDITED = "fraud_audit_lag_seconds_count";
    static final String KAFKA_LAG = "fraud_kafka_consumer_lag";

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Scrapes {@code base}/metrics; null (with a note on stderr) when the node cannot be reached. */
    static NodeMetrics scrape(URI base) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(base.resolve("/metrics"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                System.err.println("node metrics: HTTP " + r.statusCode() + " from " + base);
                return null;
            }
            return new NodeMetrics(PrometheusText.parse(r.body()).sums(), System.nanoTime());
        } catch (IOException e) {
            System.err.println("node metrics unavailable at " + base + ": " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    double get(String name) {
        return values.getOrDefault(name, 0.0);
    }

    /** "node CPU ..." line for the decisions made between {@code before} and {@code after}; null if either is missing. */
    static String cpuPerDecision(NodeMetrics before, NodeMetrics after) {
        if (before == null || after == null) {
            return null;
        }
        double cpuSeconds = (after.get(CPU_NS) - before.get(CPU_NS)) / 1e9;
        double decisions = after.get(DECISIONS) - before.get(DECISIONS);
        double wall = (after.atNanos - before.atNanos) / 1e9;
        if (decisions <= 0) {
            return String.format("node CPU %.2f s, no decisions counted", cpuSeconds);
        }
        return String.format(
                "node CPU %.2f s over %,.0f decisions = %.0f us per decision (%.2f of %d cores busy over %.1f s)",
                cpuSeconds,
                decisions,
                cpuSeconds * 1e6 / decisions,
                cpuSeconds / wall,
                Runtime.getRuntime().availableProcessors(),
                wall);
    }
}
