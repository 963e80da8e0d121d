package dev.fraudscore.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.features.Feature;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.Test;

class RetrainingTest {

    private static ModelMetadata trainedOn(String range) {
        return new ModelMetadata(
                "m",
                Trainer.MODEL_FILE,
                "sha",
                Feature.names(),
                0.5,
                0.9,
                "now",
                range == null ? Map.of() : Map.of("trainRange", range),
                Map.of(),
                Map.of(),
                null);
    }

    @Test
    void aChampionIsContinuedOnlyWhenItWasNotTrainedOnTheValidationOrTestDays() {
        ModelMetadata champion = trainedOn("2018-07-25..2018-07-31");
        // horizon 08-01, 3 test days: validation 07-26..07-28, test 07-29..07-31: inside its training week
        assertTrue(
                Retraining.trainedOnAnyOf(champion, Retraining.Ranges.before(LocalDate.parse("2018-08-01"), 14, 0, 3)));
        // horizon 07-26: test 07-23..07-25 touches its first training day
        assertTrue(
                Retraining.trainedOnAnyOf(champion, Retraining.Ranges.before(LocalDate.parse("2018-07-26"), 14, 0, 3)));
        // horizon 07-25: validation 07-19..07-21, test 07-22..07-24, all before it
        assertFalse(
                Retraining.trainedOnAnyOf(champion, Retraining.Ranges.before(LocalDate.parse("2018-07-25"), 14, 0, 3)));
        // horizon 08-12: validation 08-06..08-08, test 08-09..08-11, all after it (training days may overlap)
        assertFalse(
                Retraining.trainedOnAnyOf(champion, Retraining.Ranges.before(LocalDate.parse("2018-08-12"), 14, 0, 3)));
        assertFalse(
                Retraining.trainedOnAnyOf(
                        trainedOn(null), Retraining.Ranges.before(LocalDate.parse("2018-08-01"), 14, 0, 3)),
                "no recorded range: nothing to hold against it");
    }

    @Test
    void trainingContinuedFromAModelKeepsItsTreesAndAddsTheNewOnes() throws Exception {
        Trainer.Dataset data = new Trainer.Dataset();
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            float[] row = new float[Feature.COUNT];
            for (int f = 0; f < row.length; f++) {
                row[f] = random.nextFloat();
            }
            data.add(row, row[0] + 0.3f * random.nextFloat() > 0.9f ? 1 : 0);
        }
        Map<String, Object> params = Map.of("objective", "binary:logistic", "max_depth", 2, "eta", 0.1, "seed", 0);
        Booster base = Trainer.train(data, params, 5);
        byte[] baseBytes = base.toByteArray("ubj");
        Booster continued = Trainer.train(data, params, 3, baseBytes);
        Booster fresh = Trainer.train(data, params, 3);
        try {
            assertEquals(5, base.getModelDump((String) null, false).length);
            assertEquals(8, continued.getModelDump((String) null, false).length, "the base's 5 trees and 3 more");
            assertArrayEquals(
                    base.getModelDump((String) null, false),
                    Arrays.copyOf(continued.getModelDump((String) null, false), 5),
                    "the base's trees unchanged");
            assertArrayEquals(baseBytes, base.toByteArray("ubj"), "the base model itself untouched");
            assertEquals(3, fresh.getModelDump((String) null, false).length);
        } finally {
            base.dispose();
            continued.dispose();
            fresh.dispose();
        }
    }
}
