package dev.fraudscore.model;

import dev.fraudscore.features.Feature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A new model from the platform's own history: rows as the audit trail recorded them (the feature values the served
 * model saw, and each transaction's label as known at a cut-off), split by day with the handbook's protocol. The
 * hyperparameters are chosen on a validation split one test-length earlier (trained on the days before it, with the
 * same gap), never on the test days; each grid point is tried grown from nothing and, when the champion was not
 * trained on the validation or test days, as trees added to the champion's. The chosen ones are trained on the
 * training days and evaluated on the test
 * days beside the champion, on the same rows (AUC ROC, AP, card precision@100, cards already known compromised
 * removed). The model, its metadata (feature list, ranges, label cut-off, parameters, metrics of both) and its card
 * are written as a new version directory.
 */
public final class Retraining {
    private Retraining() {}

    /** Day ranges, each {@code [from, to)}. */
    public record Ranges(
            LocalDate trainFrom,
            LocalDate trainTo,
            LocalDate validationTrainFrom,
            LocalDate validationTrainTo,
            LocalDate validateFrom,
            LocalDate validateTo,
            LocalDate testFrom,
            LocalDate testTo) {

        /**
         * The most recent labelled {@code testDays} before {@code horizon} (the first day whose labels are not all
         * known yet) for the test; training days end {@code gapDays} before it (the label delay: the test's
         * features could not have seen later labels); validation is the same split {@code testDays} earlier.
         */
        public static Ranges before(LocalDate horizon, int trainDays, int gapDays, int testDays) {
            LocalDate testFrom = horizon.minusDays(testDays);
            LocalDate trainTo = testFrom.minusDays(gapDays);
            LocalDate validateFrom = testFrom.minusDays(testDays);
            LocalDate validationTrainTo = validateFrom.minusDays(gapDays);
            return new Ranges(
                    trainTo.minusDays(trainDays),
                    trainTo,
                    validationTrainTo.minusDays(trainDays),
                    validationTrainTo,
                    validateFrom,
                    testFrom,
                    testFrom,
                    horizon);
        }

        /** The first day any split reads. */
        public LocalDate from() {
            return validationTrainFrom;
        }

        static boolean in(LocalDate day, LocalDate from, LocalDate to) {
            return !day.isBefore(from) && day.isBefore(to);
        }
    }

    /**
     * One tried set of hyperparameters and its validation figures; {@code fromChampion}: its trees were added to the
     * champion's (training continued from the served model) rather than grown from nothing.
     */
    public record Trial(
            int depth,
            int trees,
            double eta,
            double minChildWeight,
            boolean fromChampion,
            double ap,
            double cardPrecision) {}

    /** What a retraining produced: the new version, where, and both models' figures on the test days. */
    public record Report(
            ModelMetadata model,
            Path directory,
            HandbookProtocol.Result challenger,
            HandbookProtocol.Result champion,
            List<Trial> trials,
            Trial chosen) {}

    private static final int[][] GRID_TREES_DEPTH = {{100, 3}, {300, 3}, {100, 5}, {300, 5}};
    private static final double[] GRID_MIN_CHILD_WEIGHT = {1, 5};

    /**
     * @param samples    the audit rows of {@link Ranges#from()} up to the test's end, in any order
     * @param champion   the model serving now (null: none to compare with)
     * @param versions   the directory the new version's directory is created in
     * @param provenance what the training set was read from (written into the metadata and card)
     */
    public static Report run(
            List<HandbookReplay.Sample> samples,
            Ranges ranges,
            int labelDelayDays,
            FraudModel champion,
            double review,
            double decline,
            Path versions,
            Map<String, Object> provenance)
            throws IOException, XGBoostError {
        List<HandbookReplay.Sample> validationTrain =
                between(samples, ranges.validationTrainFrom(), ranges.validationTrainTo());
        List<HandbookReplay.Sample> validate = between(samples, ranges.validateFrom(), ranges.validateTo());
        List<HandbookReplay.Sample> train = between(samples, ranges.trainFrom(), ranges.trainTo());
        List<HandbookReplay.Sample> test = between(samples, ranges.testFrom(), ranges.testTo());
        if (positives(train) == 0 || positives(validationTrain) == 0) {
            throw new IllegalArgumentException("no labelled fraud in the training days " + ranges.trainFrom() + ".."
                    + ranges.trainTo() + " or in the validation's training days: nothing to learn from");
        }
        // besides models grown from nothing, the champion's trees continued on the recent rows are candidates, when
        // the validation and test days can judge it: not when the champion was trained on any of them
        byte[] base = champion != null && !trainedOnAnyOf(champion.metadata(), ranges) ? champion.modelBytes() : null;
        List<Trial> trials = new ArrayList<>();
        Trial best = null;
        for (byte[] start : base == null ? new byte[][] {null} : new byte[][] {null, base}) {
            for (int[] td : GRID_TREES_DEPTH) {
                for (double mcw : GRID_MIN_CHILD_WEIGHT) {
                    double eta = td[0] >= 300 ? 0.05 : 0.1;
                    Map<String, Object> params = params(td[1], eta, mcw);
                    HandbookProtocol.Result r = evaluate(
                            train(validationTrain, params, td[0], start),
                            validationTrain,
                            validate,
                            samples,
                            labelDelayDays);
                    Trial t = new Trial(
                            td[1], td[0], eta, mcw, start != null, r.averagePrecision(), r.cardPrecisionAtK());
                    trials.add(t);
                    if (best == null
                            || t.ap() > best.ap()
                            || (t.ap() == best.ap() && t.cardPrecision() > best.cardPrecision())) {
                        best = t;
                    }
                }
            }
        }
        Map<String, Object> params = params(best.depth(), best.eta(), best.minChildWeight());
        long t0 = System.nanoTime();
        Booster booster = train(train, params, best.trees(), best.fromChampion() ? base : null);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        byte[] bytes = booster.toByteArray("ubj");
        Trainer.Dataset trainSet = Trainer.Dataset.of(train);
        DriftReference reference = DriftReference.of(
                Feature.names(), trainSet.matrix(), trainSet.size(), Feature.COUNT, Trainer.predict(booster, train));
        List<HandbookProtocol.Row> testRows =
                protocol(Trainer.predict(booster, test), train, test, samples, labelDelayDays);
        booster.dispose();
        HandbookProtocol.Result mine = HandbookProtocol.evaluate(testRows, 100);
        HandbookProtocol.Result theirs = null;
        if (champion != null) {
            theirs = HandbookProtocol.evaluate(
                    protocol(scores(champion, test), train, test, samples, labelDelayDays), 100);
        }

        String sha = FraudModel.sha256(bytes);
        String version = "xgb-retrained-" + ranges.testTo() + "-" + sha.substring(0, 8);
        Map<String, Object> training = new LinkedHashMap<>(provenance);
        training.put("trainRange", ranges.trainFrom() + ".." + ranges.trainTo().minusDays(1));
        training.put(
                "validationTrainRange",
                ranges.validationTrainFrom() + ".." + ranges.validationTrainTo().minusDays(1));
        training.put(
                "validationRange",
                ranges.validateFrom() + ".." + ranges.validateTo().minusDays(1));
        training.put("testRange", ranges.testFrom() + ".." + ranges.testTo().minusDays(1));
        training.put("trainRows", train.size());
        training.put("trainFrauds", positives(train));
        training.put("testRowsAfterProtocol", mine.transactions());
        training.put("testFraudsAfterProtocol", mine.frauds());
        training.put("rounds", best.trees());
        if (best.fromChampion()) {
            training.put("continuedFrom", champion.version());
        }
        training.put("labelDelayDays", labelDelayDays);
        training.put(
                "validationTrials", trials.stream().map(Retraining::describe).toList());
        if (champion != null) {
            training.put("champion", champion.version());
        }
        params.put("rounds", best.trees());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("test_auc_roc", mine.aucRoc());
        metrics.put("test_average_precision", mine.averagePrecision());
        metrics.put("test_card_precision_at_100", mine.cardPrecisionAtK());
        if (theirs != null) {
            metrics.put("champion_test_auc_roc", theirs.aucRoc());
            metrics.put("champion_test_average_precision", theirs.averagePrecision());
            metrics.put("champion_test_card_precision_at_100", theirs.cardPrecisionAtK());
        }
        metrics.put("train_seconds", trainSeconds);
        ModelMetadata meta = new ModelMetadata(
                version,
                Trainer.MODEL_FILE,
                sha,
                Feature.names(),
                review,
                decline,
                Instant.now().toString(),
                training,
                params,
                metrics,
                reference.toMap());
        Path dir = versions.resolve(version);
        Files.createDirectories(dir);
        Files.write(dir.resolve(Trainer.MODEL_FILE), bytes);
        meta.write(dir.resolve(Trainer.METADATA_FILE));
        ModelCard.write(dir, meta, mine, testRows);
        return new Report(meta, dir, mine, theirs, trials, best);
    }

    private static String describe(Trial t) {
        return String.format(
                "%sdepth %d, %d trees, eta %.2f, min_child_weight %.0f: validation AP %.4f, CP@100 %.4f",
                t.fromChampion() ? "champion + " : "",
                t.depth(),
                t.trees(),
                t.eta(),
                t.minChildWeight(),
                t.ap(),
                t.cardPrecision());
    }

    /**
     * Whether a model's recorded training range ("from..to", inclusive) touches the validation or test days (a model
     * judged on days it was trained on looks better than it is). A model without a recorded range is taken as not.
     */
    static boolean trainedOnAnyOf(ModelMetadata model, Ranges ranges) {
        Object range = model.training() == null ? null : model.training().get("trainRange");
        if (!(range instanceof String text) || !text.contains("..")) {
            return false;
        }
        LocalDate from = LocalDate.parse(text.substring(0, text.indexOf("..")));
        LocalDate to = LocalDate.parse(text.substring(text.indexOf("..") + 2)).plusDays(1);
        return from.isBefore(ranges.testTo()) && ranges.validateFrom().isBefore(to);
    }

    private static Map<String, Object> params(int depth, double eta, double minChildWeight) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("objective", "binary:logistic");
        p.put("eval_metric", "auc");
        p.put("max_depth", depth);
        p.put("eta", eta);
        p.put("min_child_weight", minChildWeight);
        p.put("tree_method", "hist");
        p.put("nthread", Runtime.getRuntime().availableProcessors());
        p.put("seed", 0);
        return p;
    }

    private static Booster train(List<HandbookReplay.Sample> rows, Map<String, Object> params, int rounds, byte[] base)
            throws XGBoostError {
        return Trainer.train(Trainer.Dataset.of(rows), params, rounds, base);
    }

    private static HandbookProtocol.Result evaluate(
            Booster booster,
            List<HandbookReplay.Sample> train,
            List<HandbookReplay.Sample> test,
            List<HandbookReplay.Sample> all,
            int delay)
            throws XGBoostError {
        try {
            return HandbookProtocol.evaluate(protocol(Trainer.predict(booster, test), train, test, all, delay), 100);
        } finally {
            booster.dispose();
        }
    }

    /** A served model's scores of the rows, in their order. */
    public static float[] scores(FraudModel model, List<HandbookReplay.Sample> rows) throws XGBoostError {
        List<float[]> features = new ArrayList<>(rows.size());
        for (HandbookReplay.Sample s : rows) {
            features.add(s.features());
        }
        List<FraudModel.Scored> scored = model.score(features, 0);
        float[] scores = new float[scored.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = scored.get(i).score();
        }
        return scores;
    }

    /** The test rows scored, without the cards already known compromised (handbook protocol). */
    private static List<HandbookProtocol.Row> protocol(
            float[] scores,
            List<HandbookReplay.Sample> train,
            List<HandbookReplay.Sample> test,
            List<HandbookReplay.Sample> all,
            int delay) {
        List<HandbookProtocol.Row> rows = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            HandbookReplay.Sample s = test.get(i);
            rows.add(new HandbookProtocol.Row(s.card(), s.day(), scores[i], s.label()));
        }
        Set<String> trainFraudCards = new HashSet<>();
        for (HandbookReplay.Sample s : train) {
            if (s.label() == 1) {
                trainFraudCards.add(s.card());
            }
        }
        LocalDate testFrom = test.isEmpty() ? LocalDate.MAX : test.get(0).day();
        for (HandbookReplay.Sample s : test) {
            testFrom = s.day().isBefore(testFrom) ? s.day() : testFrom;
        }
        Map<LocalDate, Set<String>> fraudCardsByDay = new HashMap<>();
        for (HandbookReplay.Sample s : all) {
            if (s.label() == 1 && s.day().isBefore(testFrom)) {
                fraudCardsByDay.computeIfAbsent(s.day(), d -> new HashSet<>()).add(s.card());
            }
        }
        return HandbookProtocol.removeKnownCompromised(rows, trainFraudCards, fraudCardsByDay, delay);
    }

    private static List<HandbookReplay.Sample> between(
            List<HandbookReplay.Sample> samples, LocalDate from, LocalDate to) {
        List<HandbookReplay.Sample> out = new ArrayList<>();
        for (HandbookReplay.Sample s : samples) {
            if (Ranges.in(s.day(), from, to)) {
                out.add(s);
            }
        }
        return out;
    }

    private static int positives(List<HandbookReplay.Sample> rows) {
        int n = 0;
        for (HandbookReplay.Sample s : rows) {
            n += s.label();
        }
        return n;
    }
}
