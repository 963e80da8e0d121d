package dev.fraudscore.node.scoring;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.model.DriftReference;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.decision.FallbackPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Drift alarms against the served model's own training reference: traffic drawn from the training distribution stays
 * under a PSI of 0.1; traffic whose amounts are ten times larger puts the amount (and what follows it) above 0.25, first
 * in the report, and the gauge says so.
 */
class DriftMonitorTest {
    private static final Path MODEL = Path.of("../models/fraud-model.json");

    /** A row drawn from the reference: a bin by its training share, then a value inside it. */
    private static float[] row(DriftReference r, SplittableRandom random, double amountFactor) {
        int columns = r.features().size() - 1; // the last column is the score
        float[] row = new float[columns];
        for (int j = 0; j < columns; j++) {
            row[j] = draw(r, j, random);
        }
        row[0] *= (float) amountFactor;
        return row;
    }

    private static float draw(DriftReference r, int j, SplittableRandom random) {
        double u = random.nextDouble();
        double[] shares = r.shares()[j];
        double[] edges = r.edges()[j];
        int b = 0;
        while (b < shares.length - 1 && u > shares[b]) {
            u -= shares[b++];
        }
        if (b == edges.length + 1) {
            return Float.NaN;
        }
        double lo = b == 0 ? (edges.length == 0 ? 0 : edges[0] - 1) : edges[b - 1];
        double hi = b == edges.length ? (edges.length == 0 ? 1 : edges[edges.length - 1] + 1) : edges[b];
        return (float) (lo + (hi - lo) * random.nextDouble() * 0.999);
    }

    @Test
    void trafficLikeTheTrainingSetIsStableAndShiftedAmountsDrift() throws Exception {
        NodeConfig.Decision decision = new NodeConfig.Decision(
                0, -1, -1, new FallbackPolicy(FallbackPolicy.parse(List.of("APPROVE")), Map.of()), 30_000, 200, 0.5);
        ModelHolder.Served served = ModelHolder.load(MODEL, decision);
        try {
            DriftReference reference = served.model().metadata().driftReference();
            assertNotNull(reference, "the served model's metadata keeps its training reference");
            Clock day1 = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DriftMonitor same = new DriftMonitor(registry, day1);
            SplittableRandom random = new SplittableRandom(4);
            int scoreColumn = reference.features().size() - 1;
            for (int i = 0; i < 5_000; i++) {
                same.record(served, row(reference, random, 1), draw(reference, scoreColumn, random));
            }
            JsonObject stable = same.report();
            assertEquals(served.version(), stable.getString("model"));
            assertEquals(5_000, stable.getLong("decisions"));
            double worst = stable.getJsonArray("columns").getJsonObject(0).getDouble("psi");
            assertTrue(worst < 0.1, "drawn from the training distribution: " + stable.encodePrettily());

            DriftMonitor shifted = new DriftMonitor(new SimpleMeterRegistry(), day1);
            for (int i = 0; i < 999; i++) {
                shifted.record(served, row(reference, random, 10), draw(reference, scoreColumn, random));
            }
            assertNull(shifted.report().getJsonArray("columns").getJsonObject(0).getDouble("psi"), "not before 1,000");
            shifted.record(served, row(reference, random, 10), draw(reference, scoreColumn, random));
            JsonObject moved = shifted.report();
            JsonObject first = moved.getJsonArray("columns").getJsonObject(0);
            assertEquals("amount", first.getString("feature"), moved.encodePrettily());
            assertTrue(first.getDouble("psi") > 0.25, moved.encodePrettily());

            double gauge = registry.get("fraud.drift.psi")
                    .tag("model", served.version())
                    .tag("feature", "amount")
                    .gauge()
                    .value();
            assertTrue(gauge < 0.1, "the first monitor's gauge: " + gauge);

            // a new UTC day starts a new window: yesterday's counts do not carry over
            Instant[] now = {Instant.parse("2026-11-24T23:59:00Z")};
            Clock moving = new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now[0];
                }
            };
            DriftMonitor daily = new DriftMonitor(new SimpleMeterRegistry(), moving);
            daily.record(served, row(reference, random, 1), 0.01);
            daily.record(served, row(reference, random, 1), 0.01);
            assertEquals(2, daily.report().getLong("decisions"));
            now[0] = Instant.parse("2026-11-25T00:01:00Z");
            daily.record(served, row(reference, random, 1), 0.01);
            assertEquals(1, daily.report().getLong("decisions"));
            assertEquals("2026-11-25", daily.report().getString("day"));
        } finally {
            served.model().close();
        }
    }
}
