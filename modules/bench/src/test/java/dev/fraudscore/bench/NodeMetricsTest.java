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
        Map<String, Double> v = NodeMetrics.parse(SCRAPE);
        assertEquals(8.27e9, v.get(NodeMetrics.CPU_NS));
        assertEquals(152.0, v.get(NodeMetrics.DECISIONS));
        assertEquals(140.0, v.get(NodeMetrics.AUDITED));
        assertEquals(3.0, v.get("label_with_space"));
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
