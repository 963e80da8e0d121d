package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.bench.PrometheusText;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.RunningNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard (ops/grafana/dashboards) and the Prometheus alert rules (ops/prometheus/alerts.yml) name only
 * series a real node exports on its admin port: a renamed meter breaks this test, not a dashboard nobody looks at.
 */
class DashboardMetricsIT {
    private static final Pattern SERIES = Pattern.compile("\\bfraud_[a-z0-9_]+");
    private static RunningNode it;

    @BeforeAll
    static void start() throws Exception {
        it = RunningNode.start("dashboard_it", c -> {});
        // one of everything the panels show: decisions, a refusal for a missing key (auth counters are per client)
        assertEquals(
                200,
                it.http().authorize(Http.tx("dash-1", "card_d", "term_d", 12)).statusCode());
        assertEquals(
                401,
                new Http(it.node().httpPort())
                        .authorize(Http.tx("dash-2", "card_d", "term_d", 12))
                        .statusCode());
        it.db().awaitCount(1, java.time.Duration.ofSeconds(20), "SELECT count(*) FROM audit.decisions");
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
    }

    private static Set<String> named(Path... files) throws Exception {
        Set<String> names = new TreeSet<>();
        for (Path f : files) {
            Matcher m = SERIES.matcher(Files.readString(f));
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    @Test
    void everySeriesTheDashboardAndTheAlertsNameIsExported() throws Exception {
        Path ops = Path.of("..", "ops");
        Set<String> used;
        try (var dashboards = Files.list(ops.resolve("grafana/dashboards"))) {
            Path[] files = dashboards.toArray(Path[]::new);
            used = named(files);
        }
        used.addAll(named(ops.resolve("prometheus/alerts.yml")));
        assertTrue(used.size() >= 10, "the dashboard and the rules name the node's series: " + used);
        Set<String> exported = PrometheusText.parse(it.ops().get("/metrics").body()).samples().stream()
                .map(PrometheusText.Sample::name)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(exported);
        assertEquals(Set.of(), missing, "named by ops/grafana or ops/prometheus/alerts.yml but not exported");
    }
}
