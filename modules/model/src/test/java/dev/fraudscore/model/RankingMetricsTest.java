package dev.fraudscore.model;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RankingMetricsTest {
    @Test
    void aucOfPerfectAndReversedRankings() {
        int[] y = {0, 0, 1, 1};
        assertEquals(1.0, RankingMetrics.aucRoc(new float[] {0.1f, 0.2f, 0.8f, 0.9f}, y), 1e-12);
        assertEquals(0.0, RankingMetrics.aucRoc(new float[] {0.9f, 0.8f, 0.2f, 0.1f}, y), 1e-12);
    }

    @Test
    void aucHandComputedWithTies() {
        // sklearn: roc_auc_score([0,0,1,1],[0.1,0.4,0.35,0.8]) = 0.75
        assertEquals(0.75, RankingMetrics.aucRoc(new float[] {0.1f, 0.4f, 0.35f, 0.8f}, new int[] {0, 0, 1, 1}), 1e-12);
        // a tie between one positive and one negative counts one half: pairs (p,n): 1 + 0.5 + 1 + 1 = 3.5 of 4
        assertEquals(0.875, RankingMetrics.aucRoc(new float[] {0.1f, 0.5f, 0.5f, 0.9f}, new int[] {0, 0, 1, 1}), 1e-12);
    }

    @Test
    void averagePrecisionHandComputed() {
        // sklearn: average_precision_score([0,0,1,1],[0.1,0.4,0.35,0.8]) = 0.8333...
        assertEquals(
                5.0 / 6,
                RankingMetrics.averagePrecision(new float[] {0.1f, 0.4f, 0.35f, 0.8f}, new int[] {0, 0, 1, 1}),
                1e-12);
        // tied block at the top: precision of the block (1/2) times recall step 1
        assertEquals(0.5, RankingMetrics.averagePrecision(new float[] {0.7f, 0.7f}, new int[] {1, 0}), 1e-12);
    }

    @Test
    void singleClassIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.aucRoc(new float[] {0.1f}, new int[] {1}));
        assertThrows(
                IllegalArgumentException.class,
                () -> RankingMetrics.averagePrecision(new float[] {0.1f}, new int[] {0}));
    }
}
