package dev.fraudscore.model;

import java.util.Arrays;
import java.util.Comparator;

/** Ranking metrics used by the handbook's protocol, computed as scikit-learn computes them. */
public final class RankingMetrics {
    private RankingMetrics() {}

    /** Area under the ROC curve; tied scores count one half (the Mann-Whitney statistic). */
    public static double aucRoc(float[] scores, int[] labels) {
        Integer[] order = ascending(scores);
        double rankSumPositives = 0;
        long positives = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    rankSumPositives += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException(
                    "AUC needs both classes; got " + positives + " positives and " + negatives + " negatives");
        }
        return (rankSumPositives - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** Average precision: sum over distinct thresholds of (recall step) x precision, no interpolation. */
    public static double averagePrecision(float[] scores, int[] labels) {
        Integer[] order = ascending(scores);
        long positives = Arrays.stream(labels).filter(l -> l == 1).count();
        if (positives == 0) {
            throw new IllegalArgumentException("average precision needs at least one positive");
        }
        double ap = 0;
        long truePositives = 0;
        long seen = 0;
        int i = order.length - 1;
        while (i >= 0) {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) {
                j--;
            }
            long tpBefore = truePositives;
            for (int k = i; k >= j; k--) {
                truePositives += labels[order[k]];
                seen++;
            }
            ap += (double) (truePositives - tpBefore) / positives * ((double) truePositives / seen);
            i = j - 1;
        }
        return ap;
    }

    private static Integer[] ascending(float[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        return order;
    }
}
