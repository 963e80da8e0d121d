package dev.fraudscore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {
    private static final String SCRAPE = """
            # HELP process_cpu_time_ns_total The "cpu time" used by the Java Virtual Machine process
            # TYPE process_cpu_time_ns_total counter
            process_cpu_time_ns_total 8.27E9
            fraud_decisions_total{instance="1",outcome="APPROVE"} 100.0
            fraud_decisions_total{instance="2",outcome="APPROVE"} 50.0
            fraud_decisions_total{instance="1",outcome="DECLINE"} 2.0
            fraud_audit_lag_seconds_count 140.0
            label_with_space{path="/a b"} 3.0
            """;

    @Test
    void sumsEachMetricOverItsLabelSets() {
        Map<String, Double> v = PrometheusText.parse(SCRAPE).sums();
        assertEquals(8.27e9, v.get(NodeMetrics.CPU_NS));
        assertEquals(152.0, v.get(NodeMetrics.DECISIONS));
        assertEquals(140.0, v.get(NodeMetrics.AUDITED));
        assertEquals(3.0, v.get("label_with_space"));
    }

    @Test
    void readsLabelsValuesAndSamplesPerMetric() {
        PrometheusText t = PrometheusText.parse(SCRAPE + "quoted{a=\"x,y\",b=\"say \\\"hi\\\"\"} 7 1700000000000\n");
        assertEquals(3, t.samples(NodeMetrics.DECISIONS).size());
        assertEquals("2", t.samples(NodeMetrics.DECISIONS).get(1).label("instance"));
        assertEquals(
                102.0, t.sum(NodeMetrics.DECISIONS, s -> s.label("instance").equals("1")));
        assertEquals(100.0, t.max(NodeMetrics.DECISIONS).orElseThrow());
        assertEquals("/a b", t.samples("label_with_space").get(0).label("path"));
        PrometheusText.Sample q = t.samples("quoted").get(0);
        assertEquals("x,y", q.label("a"));
        assertEquals("say \"hi\"", q.label("b"));
        assertEquals(7.0, q.value(), "the timestamp after the value is not the value");
        assertTrue(t.has(NodeMetrics.AUDITED));
        assertTrue(t.max("absent").isEmpty());
    }

    @Test
    void cpuPerDecisionIsTheCpuDeltaOverTheDecisionDelta() {
        NodeMetrics before = new NodeMetrics(Map.of(NodeMetrics.CPU_NS, 1e9, NodeMetrics.DECISIONS, 1000.0), 0);
        NodeMetrics after =
                new NodeMetrics(Map.of(NodeMetrics.CPU_NS, 3e9, NodeMetrics.DECISIONS, 11_000.0), 2_000_000_000L);
        String line = NodeMetrics.cpuPerDecision(before, after);
        assertTrue(line.contains("node CPU 2.00 s over 10,000 decisions = 200 us per decision"), line);
        assertTrue(line.contains("(1.00 of"), line);
    }
}
