package dev.fraudscore.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model's training set looked like, for drift alarms: per feature (and for the score), decile bin edges of the
 * training values and the share of training rows in each bin, plus the share that had no value (NaN). Stored in the
 * model's metadata ({@code reference}); the node bins live rows with the same edges and compares the shares with the
 * population stability index, PSI = sum over bins of (live - train) x ln(live / train).
 */
public record DriftReference(List<String> features, double[][] edges, double[][] shares, long rows) {
    /** Bins per feature: up to 10 by value, then one for "no value". */
    public static final int MAX_EDGES = 9;

    /** Shares below this are read as this (an empty bin would make the PSI infinite). */
    public static final double FLOOR = 1e-4;

    /**
     * @param names   the features' names, then "score" when {@code scores} is given
     * @param matrix  rows x columns, row-major ({@code columns} = number of features)
     * @param scores  the model's score of each row, or null
     */
    public static DriftReference of(List<String> names, float[] matrix, int rows, int columns, float[] scores) {
        List<String> all = new ArrayList<>(names);
        int width = columns + (scores == null ? 0 : 1);
        if (scores != null) {
            all.add("score");
        }
        double[][] edges = new double[width][];
        double[][] shares = new double[width][];
        float[] column = new float[rows];
        for (int j = 0; j < width; j++) {
            for (int i = 0; i < rows; i++) {
                column[i] = j < columns ? matrix[i * columns + j] : scores[i];
            }
            edges[j] = deciles(column, rows);
            shares[j] = new double[edges[j].length + 2];
            for (int i = 0; i < rows; i++) {
                shares[j][bin(edges[j], column[i])]++;
            }
            for (int b = 0; b < shares[j].length; b++) {
                shares[j][b] /= Math.max(1, rows);
            }
        }
        return new DriftReference(List.copyOf(all), edges, shares, rows);
    }

    /** The bin of a value: 0..edges.length by value, edges.length + 1 for NaN. */
    public static int bin(double[] edges, double v) {
        if (Double.isNaN(v)) {
            return edges.length + 1;
        }
        int lo = 0;
        int hi = edges.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (v < edges[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** PSI of live bin counts against this reference's shares for column {@code j}. */
    public double psi(int j, long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        if (n == 0) {
            return Double.NaN;
        }
        double psi = 0;
        for (int b = 0; b < counts.length; b++) {
            double live = Math.max(FLOOR, (double) counts[b] / n);
            double train = Math.max(FLOOR, shares[j][b]);
            psi += (live - train) * Math.log(live / train);
        }
        return psi;
    }

    private static double[] deciles(float[] column, int rows) {
        float[] finite = new float[rows];
        int n = 0;
        for (int i = 0; i < rows; i++) {
            if (!Float.isNaN(column[i])) {
                finite[n++] = column[i];
            }
        }
        Arrays.sort(finite, 0, n);
        double[] out = new double[MAX_EDGES];
        int k = 0;
        for (int q = 1; q <= MAX_EDGES && n > 0; q++) {
            double e = finite[Math.min(n - 1, (int) ((long) q * n / (MAX_EDGES + 1)))];
            if (k == 0 || e > out[k - 1]) {
                out[k++] = e;
            }
        }
        return Arrays.copyOf(out, k);
    }

    /** As stored in the metadata. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        Map<String, Object> cols = new LinkedHashMap<>();
        for (int j = 0; j < features.size(); j++) {
            cols.put(features.get(j), Map.of("edges", edges[j], "shares", shares[j]));
        }
        m.put("columns", cols);
        return m;
    }

    /** From the metadata's {@code reference}; null when the model has none. */
    @SuppressWarnings("unchecked")
    public static DriftReference fromMap(Map<String, Object> m) {
        if (m == null || !(m.get("columns") instanceof Map)) {
            return null;
        }
        Map<String, Object> cols = (Map<String, Object>) m.get("columns");
        List<String> names = new ArrayList<>(cols.keySet());
        double[][] edges = new double[names.size()][];
        double[][] shares = new double[names.size()][];
        for (int j = 0; j < names.size(); j++) {
            Map<String, Object> c = (Map<String, Object>) cols.get(names.get(j));
            edges[j] = doubles((List<Number>) c.get("edges"));
            shares[j] = doubles((List<Number>) c.get("shares"));
        }
        return new DriftReference(names, edges, shares, ((Number) m.get("rows")).longValue());
    }

    private static double[] doubles(List<Number> l) {
        double[] d = new double[l.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = l.get(i).doubleValue();
        }
        return d;
    }
}
