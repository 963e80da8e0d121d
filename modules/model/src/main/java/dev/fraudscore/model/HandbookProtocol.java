package dev.fraudscore.model;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Fraud Detection Handbook's evaluation protocol, exactly as the book states it:
 * <ul>
 *   <li>test-set filtering: each test day drops every transaction of a card that had a known fraud on or
 *   before (that day - (delay + 1) days), the known set starting from the cards with a fraud in the
 *   training period;</li>
 *   <li>AUC ROC and Average Precision over the filtered test set;</li>
 *   <li>Card Precision@k: per test day in order, each remaining card's maximum score and maximum label
 *   that day, the k highest-scored cards, the share of them that are fraudulent; cards so detected are
 *   removed from later days; the mean over days.</li>
 * </ul>
 */
public final class HandbookProtocol {
    private HandbookProtocol() {}

    /** One scored transaction: its card, its (local) day, the model's score and the true label. */
    public record Row(String card, LocalDate day, float score, int label) {}

    public record Result(
            int transactions,
            int frauds,
            double aucRoc,
            double averagePrecision,
            double cardPrecisionAtK,
            List<Double> cardPrecisionPerDay) {}

    /**
     * @param test          scored transactions of the test period
     * @param trainFraudCards cards with a fraud in the training period
     * @param fraudCardsByDay cards with a fraud, per day, for the days before the test period
     * @param delayDays     the label delay (7 in the book), so the look-back day is day - (delay + 1)
     */
    public static List<Row> removeKnownCompromised(
            List<Row> test, Set<String> trainFraudCards, Map<LocalDate, Set<String>> fraudCardsByDay, int delayDays) {
        Map<LocalDate, List<Row>> byDay = new TreeMap<>();
        for (Row r : test) {
            byDay.computeIfAbsent(r.day(), d -> new ArrayList<>()).add(r);
        }
        Set<String> known = new HashSet<>(trainFraudCards);
        List<Row> kept = new ArrayList<>();
        for (Map.Entry<LocalDate, List<Row>> e : byDay.entrySet()) {
            known.addAll(fraudCardsByDay.getOrDefault(e.getKey().minusDays(delayDays + 1L), Set.of()));
            for (Row r : e.getValue()) {
                if (!known.contains(r.card())) {
                    kept.add(r);
                }
            }
        }
        return kept;
    }

    public static Result evaluate(List<Row> filtered, int k) {
        float[] scores = new float[filtered.size()];
        int[] labels = new int[filtered.size()];
        int frauds = 0;
        for (int i = 0; i < scores.length; i++) {
            scores[i] = filtered.get(i).score();
            labels[i] = filtered.get(i).label();
            frauds += labels[i];
        }
        List<Double> perDay = cardPrecisionPerDay(filtered, k);
        double mean = perDay.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return new Result(
                filtered.size(),
                frauds,
                RankingMetrics.aucRoc(scores, labels),
                RankingMetrics.averagePrecision(scores, labels),
                mean,
                perDay);
    }

    /** Card Precision@k per day, in day order, with each day's detected cards removed from later days. */
    public static List<Double> cardPrecisionPerDay(Collection<Row> rows, int k) {
        Map<LocalDate, List<Row>> byDay = new TreeMap<>();
        for (Row r : rows) {
            byDay.computeIfAbsent(r.day(), d -> new ArrayList<>()).add(r);
        }
        Set<String> detected = new HashSet<>();
        List<Double> out = new ArrayList<>();
        for (List<Row> day : byDay.values()) {
            Map<String, float[]> cards = new LinkedHashMap<>(); // card -> {max score, max label}
            for (Row r : day) {
                if (detected.contains(r.card())) {
                    continue;
                }
                float[] agg = cards.computeIfAbsent(r.card(), c -> new float[] {Float.NEGATIVE_INFINITY, 0});
                agg[0] = Math.max(agg[0], r.score());
                agg[1] = Math.max(agg[1], r.label());
            }
            List<Map.Entry<String, float[]>> ranked = new ArrayList<>(cards.entrySet());
            ranked.sort(Comparator.comparingDouble((Map.Entry<String, float[]> e) -> e.getValue()[0])
                    .reversed());
            int hits = 0;
            for (int i = 0; i < Math.min(k, ranked.size()); i++) {
                if (ranked.get(i).getValue()[1] > 0) {
                    hits++;
                    detected.add(ranked.get(i).getKey());
                }
            }
            out.add((double) hits / k);
        }
        return out;
    }

    /** Cards with at least one fraud, per day. */
    public static Map<LocalDate, Set<String>> fraudCardsByDay(Collection<Row> rows) {
        Map<LocalDate, Set<String>> out = new HashMap<>();
        for (Row r : rows) {
            if (r.label() == 1) {
                out.computeIfAbsent(r.day(), d -> new HashSet<>()).add(r.card());
            }
        }
        return out;
    }
}
