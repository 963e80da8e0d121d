package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.bench.Replay;
import dev.fraudscore.features.Feature;
import dev.fraudscore.features.LabelSchedule;
import dev.fraudscore.features.OfflineFeatures;
import dev.fraudscore.model.HandbookCsv;
import dev.fraudscore.node.support.RunningNode;
import dev.fraudscore.simulator.SimulationParameters;
import dev.fraudscore.simulator.Simulator;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One feature code path: simulated transactions replayed through a real node over HTTP (velocity in
 * Hazelcast, fraud labels fed back 7 days of event time later) get exactly the feature values that the
 * trainer's offline computation gives the same stream.
 */
class OnlineOfflineFeaturesIT {
    private static RunningNode it;

    @BeforeAll
    static void start() throws Exception {
        it = RunningNode.start("onoff_it", c -> {});
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
    }

    private record Label(String card, String terminal, long millis) {}

    @Test
    void replayedTransactionsHaveTheFeaturesTheTrainerComputes(@TempDir Path dir) throws Exception {
        SimulationParameters p = SimulationParameters.handbook(11).withDays(45).withPopulation(120, 250);
        Path csv = dir.resolve("simulated.csv");
        Simulator.write(Simulator.generate(p), p, csv);

        Map<String, String> options = it.replayOptions(csv, "eq");
        Replay.Summary summary = Replay.run(options);
        assertEquals(0, summary.errors.get(), "every transaction and label accepted");
        assertTrue(summary.labels.get() > 50, "labels were fed back: " + summary.labels.get());

        // the trainer's path: the same stream, labels released 7 days after their transactions
        Map<String, float[]> offline = new HashMap<>();
        OfflineFeatures features = new OfflineFeatures();
        LabelSchedule<Label> labels = new LabelSchedule<>(Duration.ofDays(7));
        HandbookCsv.forEach(csv, r -> {
            long t = r.timestamp().toInstant().toEpochMilli();
            for (Label l : labels.due(t)) {
                features.label(l.card(), l.terminal(), l.millis(), 1);
            }
            offline.put(
                    "eq-" + r.transactionId(),
                    features.next(
                            "eq-" + r.transactionId(),
                            "card-" + r.customerId(),
                            "term-" + r.terminalId(),
                            r.amount(),
                            r.timestamp()));
            if (r.fraud() == 1) {
                labels.add(t, new Label("card-" + r.customerId(), "term-" + r.terminalId(), t));
            }
        });

        it.db()
                .awaitCount(
                        offline.size(),
                        Duration.ofSeconds(60),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'eq-%'");
        List<Map<String, Object>> rows = it.db()
                .query(
                        "SELECT transaction_id, features::text AS f FROM analyst.decisions WHERE transaction_id LIKE 'eq-%'");
        assertEquals(offline.size(), rows.size());
        int compared = 0;
        int withKnownFrauds = 0;
        for (Map<String, Object> row : rows) {
            float[] expected = offline.get((String) row.get("transaction_id"));
            JsonObject online = new JsonObject((String) row.get("f"));
            for (Feature f : Feature.ORDER) {
                float want = expected[f.ordinal()];
                Object got = online.getValue(f.featureName());
                if (Float.isNaN(want)) {
                    assertNull(got, row.get("transaction_id") + " " + f.featureName());
                } else {
                    assertNotNull(got, row.get("transaction_id") + " " + f.featureName());
                    assertEquals(
                            want, ((Number) got).floatValue(), 0f, row.get("transaction_id") + " " + f.featureName());
                }
                compared++;
            }
            if (expected[Feature.TERMINAL_FRAUDS_30D.ordinal()] > 0) {
                withKnownFrauds++;
            }
        }
        assertTrue(
                withKnownFrauds > 100, "labels shaped the terminal features of " + withKnownFrauds + " transactions");
        System.out.printf(
                "online = offline for %,d transactions x %d features (%,d values); %,d saw known terminal frauds%n",
                rows.size(), Feature.COUNT, compared, withKnownFrauds);
    }
}
