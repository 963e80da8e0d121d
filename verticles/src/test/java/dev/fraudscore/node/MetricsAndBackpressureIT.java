package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.bench.PrometheusText;
import dev.fraudscore.bench.Replay;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.RunningNode;
import dev.fraudscore.simulator.SimulationParameters;
import dev.fraudscore.simulator.Simulator;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics on /metrics, and a node past its capacity refusing at once instead of queueing (admission.maxLimit = 4,
 * with the adaptive limit on and free to go down to 1).
 */
class MetricsAndBackpressureIT {
    private static RunningNode it;

    @BeforeAll
    static void start() throws Exception {
        it = RunningNode.start(
                "metrics_it",
                c -> c.getJsonObject("admission")
                        .put("adaptive", true)
                        .put("maxLimit", 4)
                        .put("minLimit", 1)
                        .put("initialLimit", 4));
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
    }

    private static List<HttpResponse<String>> burst(String prefix, String card, int n) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(it.http()
                    .postAsync(
                            "/v1/authorize-check",
                            "application/json",
                            Http.tx(prefix + i, card, "term_bp", 10).encode()));
        }
        List<HttpResponse<String>> out = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            out.add(c.get(60, TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void pastCapacityTheNodeRefusesAtOnceAndLosesNothingItAccepted() throws Exception {
        List<HttpResponse<String>> first = burst("bp-", "card_bp", 200);
        List<Integer> refused = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < first.size(); i++) {
            HttpResponse<String> r = first.get(i);
            if (r.statusCode() == 200) {
                accepted++;
            } else {
                assertEquals(503, r.statusCode(), r.body());
                assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
                assertEquals("overloaded", new JsonObject(r.body()).getString("rule"));
                refused.add(i);
            }
        }
        assertFalse(refused.isEmpty(), "200 at once against a capacity of 4: some are refused");
        assertTrue(accepted > 0);
        // every accepted decision is audited; refused ones never entered the pipeline
        assertEquals(
                accepted,
                it.db()
                        .awaitCount(
                                accepted,
                                Duration.ofSeconds(30),
                                "SELECT count(*) FROM audit.decisions WHERE card_id = 'card_bp'"));
        // the callers retry the refused ones with the same transactionIds until they go through
        for (int round = 0; round < 50 && !refused.isEmpty(); round++) {
            List<Integer> still = new ArrayList<>();
            for (int i : refused) {
                if (it.http()
                                .authorize(Http.tx("bp-" + i, "card_bp", "term_bp", 10))
                                .statusCode()
                        != 200) {
                    still.add(i);
                }
            }
            refused = still;
        }
        assertTrue(refused.isEmpty());
        it.http().authorize(Http.tx("bp-after", "card_bp", "term_bp", 10));
        it.db()
                .awaitCount(
                        1,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'bp-after'");
        assertEquals(
                201.0,
                ((Number) it.db()
                                .query("SELECT (features->>'card_count_1h')::float8 AS c FROM analyst.decisions "
                                        + "WHERE transaction_id = 'bp-after'")
                                .get(0)
                                .get("c"))
                        .doubleValue(),
                "each of the 200 counted once");
    }

    @Test
    void metricsCoverEveryStageQueueAndModel() throws Exception {
        for (int i = 0; i < 20; i++) {
            it.http().authorize(Http.tx("m-" + i, "card_m", "term_m", 30));
        }
        it.db().awaitCount(20, Duration.ofSeconds(20), "SELECT count(*) FROM audit.decisions WHERE card_id = 'card_m'");
        PrometheusText metrics = PrometheusText.parse(it.ops().get("/metrics").body());
        for (String stage : List.of("idempotency", "features", "scoring", "total")) {
            assertTrue(
                    metrics.samples("fraud_stage_latency_seconds_bucket").stream()
                            .anyMatch(x -> stage.equals(x.label("stage"))),
                    "latency histogram of stage " + stage + " exported");
        }
        assertTrue(metrics.samples("fraud_score_bucket").stream().anyMatch(x -> x.label("model") != null));
        for (String name : List.of(
                "fraud_decisions_total",
                "fraud_scoring_batch_size_rows_count",
                "fraud_scoring_queue_depth",
                "fraud_scoring_batches_inflight",
                "fraud_audit_lag_seconds_count",
                "fraud_audit_pending",
                "fraud_kafka_consumer_lag",
                "fraud_kafka_inflight",
                "fraud_admission_inflight",
                "fraud_admission_limit",
                "fraud_admission_refused_total",
                "process_cpu_time_ns_total",
                "vertx_http_server_requests_total",
                "jvm_memory_used_bytes")) {
            assertTrue(metrics.has(name), name + " exported");
        }
        double audited = metrics.sum("fraud_audit_lag_seconds_count");
        assertTrue(audited >= 20, "audit lag recorded per committed row: " + audited);
        double limit = metrics.max("fraud_admission_limit").orElseThrow();
        assertTrue(limit >= 1 && limit <= 4, "the adaptive limit stays within minLimit..maxLimit: " + limit);
    }

    @Test
    void theReplayToolRetriesRefusedChecksAfterRetryAfterAndDecidesEveryOne(@TempDir Path dir) throws Exception {
        SimulationParameters p = SimulationParameters.handbook(5).withDays(3).withPopulation(60, 120);
        Path csv = dir.resolve("sim.csv");
        Simulator.write(Simulator.generate(p), p, csv);
        Map<String, String> options = it.replayOptions(csv, "rp");
        Replay.Summary summary = Replay.run(options);
        assertEquals(0, summary.errors.get(), "every transaction decided in the end: " + summary.render());
        assertTrue(summary.retried.get() > 0, "16 at once against a limit of 4: some were refused and retried");
        long sent = summary.done.get();
        assertEquals(
                sent,
                it.db()
                        .awaitCount(
                                sent,
                                Duration.ofSeconds(30),
                                "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'rp-%'"));
    }
}
