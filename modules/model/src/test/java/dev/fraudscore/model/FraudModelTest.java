package dev.fraudscore.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.domain.Reason;
import dev.fraudscore.features.Feature;
import dev.fraudscore.features.OfflineFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against the real model committed in models/. */
class FraudModelTest {
    static final Path SERVED = Path.of("../../models/" + Trainer.METADATA_FILE);

    private static List<float[]> rows() {
        OfflineFeatures f = new OfflineFeatures();
        List<float[]> rows = new ArrayList<>();
        OffsetDateTime t = OffsetDateTime.parse("2018-08-01T10:00:00Z");
        for (int i = 0; i < 40; i++) {
            rows.add(f.next(
                    "t" + i, "card-" + (i % 3), "term-" + (i % 5), i == 39 ? 900 : 20 + i, t.plusMinutes(i * 7L)));
        }
        return rows;
    }

    @Test
    void servedModelLoadsWithItsMetadata() throws Exception {
        try (FraudModel model = FraudModel.load(SERVED)) {
            assertEquals(Feature.names(), model.metadata().features());
            assertTrue(model.version().startsWith("xgb-"));
        }
    }

    @Test
    void batchScoresEqualSingleRowScores() throws Exception {
        try (FraudModel model = FraudModel.load(SERVED)) {
            List<float[]> rows = rows();
            List<FraudModel.Scored> batch = model.score(rows, 3);
            for (int i = 0; i < rows.size(); i++) {
                float single = model.score(List.of(rows.get(i)), 0).get(0).score();
                assertEquals(single, batch.get(i).score(), 1e-6);
                assertTrue(single >= 0 && single <= 1);
            }
        }
    }

    private static double sigmoidOfSum(float[] contributions) {
        double margin = 0;
        for (float c : contributions) {
            margin += c;
        }
        return 1 / (1 + Math.exp(-margin));
    }

    @Test
    void exactContributionsAddUpToTheScore() throws Exception {
        try (FraudModel model = FraudModel.load(SERVED)) {
            float[] big = rows().get(39);
            assertEquals(model.predict(big, 1)[0], sigmoidOfSum(model.exactContributions(big, 1)[0]), 1e-4);
        }
    }

    @Test
    void approximateContributionsAddUpToXgboostsScoreForEveryRow() throws Exception {
        try (FraudModel model = FraudModel.load(SERVED)) {
            for (float[] row : rows()) {
                // the Java walk of the dumped trees must reproduce XGBoost's own prediction
                assertEquals(model.predict(row, 1)[0], sigmoidOfSum(model.contributions(row)), 2e-4);
            }
        }
    }

    @Test
    void reasonsAreTheLargestPositiveContributions() throws Exception {
        try (FraudModel model = FraudModel.load(SERVED)) {
            List<float[]> rows = rows();
            float[] big = rows.get(rows.size() - 1);
            List<Reason> reasons = model.score(List.of(big), 3).get(0).reasons();
            assertFalse(reasons.isEmpty());
            assertTrue(reasons.size() <= 3);
            for (int i = 1; i < reasons.size(); i++) {
                assertTrue(reasons.get(i - 1).contribution() >= reasons.get(i).contribution());
            }
        }
    }

    @Test
    void corruptModelFileIsRefused(@TempDir Path dir) throws Exception {
        Files.copy(SERVED, dir.resolve(Trainer.METADATA_FILE));
        byte[] bytes = Files.readAllBytes(SERVED.resolveSibling(Trainer.MODEL_FILE));
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(dir.resolve(Trainer.MODEL_FILE), bytes);
        ModelLoadException e =
                assertThrows(ModelLoadException.class, () -> FraudModel.load(dir.resolve(Trainer.METADATA_FILE)));
        assertTrue(e.getMessage().contains("corrupt or mismatched"), e.getMessage());
    }

    @Test
    void modelForOtherFeaturesIsRefused(@TempDir Path dir) throws Exception {
        Files.copy(SERVED.resolveSibling(Trainer.MODEL_FILE), dir.resolve(Trainer.MODEL_FILE));
        String meta = Files.readString(SERVED).replace("\"card_count_1h\"", "\"card_count_2h\"");
        Files.writeString(dir.resolve(Trainer.METADATA_FILE), meta);
        ModelLoadException e =
                assertThrows(ModelLoadException.class, () -> FraudModel.load(dir.resolve(Trainer.METADATA_FILE)));
        assertTrue(e.getMessage().contains("expects features"), e.getMessage());
    }

    @Test
    void missingMetadataIsRefused(@TempDir Path dir) {
        assertThrows(ModelLoadException.class, () -> FraudModel.load(dir.resolve("nope.json")));
    }
}
