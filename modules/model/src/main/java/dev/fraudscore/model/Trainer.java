package dev.fraudscore.model;

import dev.fraudscore.features.Feature;
import dev.fraudscore.features.VelocityState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains the served model on handbook-format transactions: replays every transaction in time order
 * through the platform's own feature code ({@link OfflineFeatures}), trains XGBoost on the training
 * date range, evaluates on the test range, and writes the model, its metadata and a model card.
 *
 * <pre>Trainer --data transactions.csv.gz --train 2018-07-25:2018-07-31 --test 2018-08-08:2018-08-14 --out models</pre>
 */
public final class Trainer {
    public static final String MODEL_FILE = "fraud-model.ubj";
    public static final String METADATA_FILE = "fraud-model.json";

    record Options(
            Path data,
            LocalDate trainFrom,
            LocalDate trainTo,
            LocalDate testFrom,
            LocalDate testTo,
            Path out,
            int trees,
            int depth,
            double eta,
            double minChildWeight,
            double review,
            double decline) {
        static Options parse(String[] args) throws IOException {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
                }
                m.put(args[i].substring(2), args[++i]);
            }
            HandbookData data = HandbookData.resolve(m);
            String[] train = m.getOrDefault("train", data.split().train()).split(":");
            String[] test = m.getOrDefault("test", data.split().test()).split(":");
            return new Options(
                    data.file(),
                    LocalDate.parse(train[0]),
                    LocalDate.parse(train[1]),
                    LocalDate.parse(test[0]),
                    LocalDate.parse(test[1]),
                    Path.of(m.getOrDefault("out", "models")),
                    Integer.parseInt(m.getOrDefault("trees", "300")),
                    Integer.parseInt(m.getOrDefault("depth", "3")),
                    Double.parseDouble(m.getOrDefault("eta", "0.05")),
                    Double.parseDouble(m.getOrDefault("min-child-weight", "5")),
                    Double.parseDouble(m.getOrDefault("review", "0.5")),
                    Double.parseDouble(m.getOrDefault("decline", "0.9")));
        }
    }

    public static void main(String[] args) throws Exception {
        HandbookData.runTool(() -> train(args));
    }

    private static void train(String[] args) throws Exception {
        Options o = Options.parse(args);
        long start = System.nanoTime();
        HandbookReplay replay = HandbookReplay.run(o.data(), o.trainFrom(), o.trainTo(), o.testFrom(), o.testTo());
        Dataset train = Dataset.of(replay.train);
        System.out.printf(
                "read %,d transactions; features for train %,d rows (%,d frauds), test %,d rows in %.1f s%n",
                replay.read, train.size(), train.positives(), replay.test.size(), (System.nanoTime() - start) / 1e9);

        Map<String, Object> params = params(o);
        long trainStart = System.nanoTime();
        Booster booster = train(train, params, o.trees());
        double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
        byte[] bytes = booster.toByteArray("ubj");
        DriftReference reference = DriftReference.of(
                Feature.names(), train.matrix(), train.size(), Feature.COUNT, predict(booster, replay.train));
        float[] scores = predict(booster, replay.test);
        booster.dispose();

        HandbookProtocol.Result result = evaluate(replay, scores);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("test_auc_roc", result.aucRoc());
        metrics.put("test_average_precision", result.averagePrecision());
        metrics.put("test_card_precision_at_100", result.cardPrecisionAtK());
        metrics.put("train_seconds", trainSeconds);

        String sha = FraudModel.sha256(bytes);
        String version = "xgb-" + LocalDate.now() + "-" + sha.substring(0, 8);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("dataset", o.data().getFileName().toString());
        training.put("trainRange", o.trainFrom() + ".." + o.trainTo());
        training.put("testRange", o.testFrom() + ".." + o.testTo());
        training.put("trainRows", train.size());
        training.put("trainFrauds", train.positives());
        training.put("testRowsAfterProtocol", result.transactions());
        training.put("testFraudsAfterProtocol", result.frauds());
        training.put("rounds", o.trees());
        training.put("labelDelayDays", VelocityState.LABEL_DELAY_DAYS);
        ModelMetadata meta = new ModelMetadata(
                version,
                MODEL_FILE,
                sha,
                Feature.names(),
                o.review(),
                o.decline(),
                Instant.now().toString(),
                training,
                params,
                metrics,
                reference.toMap());
        Files.createDirectories(o.out());
        Files.write(o.out().resolve(MODEL_FILE), bytes);
        meta.write(o.out().resolve(METADATA_FILE));
        ModelCard.write(o.out(), meta, result, testRows(replay, scores));
        System.out.printf(
                "model %s on the test week (handbook protocol: %,d tx, %d frauds): AUC ROC %.4f, AP %.4f, "
                        + "CP@100 %.4f (trained in %.1f s) -> %s%n",
                version,
                result.transactions(),
                result.frauds(),
                result.aucRoc(),
                result.averagePrecision(),
                result.cardPrecisionAtK(),
                trainSeconds,
                o.out().toAbsolutePath());
    }

    static Map<String, Object> params(Options o) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("objective", "binary:logistic");
        params.put("eval_metric", "auc");
        params.put("max_depth", o.depth());
        params.put("eta", o.eta());
        params.put("min_child_weight", o.minChildWeight());
        params.put("tree_method", "hist");
        params.put("nthread", Runtime.getRuntime().availableProcessors());
        params.put("seed", 0);
        return params;
    }

    static float[] predict(Booster booster, List<HandbookReplay.Sample> rows) throws XGBoostError {
        return column(booster.inplace_predict(Dataset.of(rows).matrix(), rows.size(), Feature.COUNT, Float.NaN));
    }

    static List<HandbookProtocol.Row> testRows(HandbookReplay replay, float[] scores) {
        List<HandbookProtocol.Row> rows = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            HandbookReplay.Sample s = replay.test.get(i);
            rows.add(new HandbookProtocol.Row(s.card(), s.day(), scores[i], s.label()));
        }
        return HandbookProtocol.removeKnownCompromised(
                rows, replay.trainFraudCards(), replay.fraudCardsByDay, VelocityState.LABEL_DELAY_DAYS);
    }

    static HandbookProtocol.Result evaluate(HandbookReplay replay, float[] scores) {
        return HandbookProtocol.evaluate(testRows(replay, scores), 100);
    }

    static Booster train(Dataset data, Map<String, Object> params, int rounds) throws XGBoostError {
        return train(data, params, rounds, null);
    }

    /** Trains {@code rounds} trees; with a {@code base} model, adds them to (a copy of) its trees instead. */
    static Booster train(Dataset data, Map<String, Object> params, int rounds, byte[] base) throws XGBoostError {
        DMatrix matrix = new DMatrix(data.matrix(), data.size(), Feature.COUNT, Float.NaN);
        try {
            matrix.setLabel(data.floatLabels());
            if (base != null) {
                return XGBoost.train(matrix, params, rounds, Map.of(), null, null, null, 0, XGBoost.loadModel(base));
            }
            return XGBoost.train(matrix, params, rounds, Map.of(), null, null);
        } catch (IOException e) {
            throw new XGBoostError("cannot read the base model: " + e.getMessage());
        } finally {
            matrix.dispose();
        }
    }

    private static float[] column(float[][] out) {
        float[] c = new float[out.length];
        for (int i = 0; i < out.length; i++) {
            c[i] = out[i][0];
        }
        return c;
    }

    /** Rows and labels collected in memory (a week of handbook data is ~70k rows). */
    static final class Dataset {
        static Dataset of(List<HandbookReplay.Sample> samples) {
            Dataset d = new Dataset();
            for (HandbookReplay.Sample s : samples) {
                d.add(s.features(), s.label());
            }
            return d;
        }

        private float[] data = new float[1 << 20];
        private int[] labels = new int[1 << 16];
        private int size;
        private int positives;

        void add(float[] row, int label) {
            if ((size + 1) * Feature.COUNT > data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            if (size >= labels.length) {
                labels = Arrays.copyOf(labels, labels.length * 2);
            }
            System.arraycopy(row, 0, data, size * Feature.COUNT, Feature.COUNT);
            labels[size++] = label;
            positives += label;
        }

        int size() {
            return size;
        }

        int positives() {
            return positives;
        }

        float[] matrix() {
            return Arrays.copyOf(data, size * Feature.COUNT);
        }

        int[] labels() {
            return Arrays.copyOf(labels, size);
        }

        float[] floatLabels() {
            float[] f = new float[size];
            for (int i = 0; i < size; i++) {
                f[i] = labels[i];
            }
            return f;
        }
    }
}
