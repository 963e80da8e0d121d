package dev.fraudscore.model;

import dev.fraudscore.features.Feature;
import dev.fraudscore.features.OfflineFeatures;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

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

    record Options(Path data, LocalDate trainFrom, LocalDate trainTo, LocalDate testFrom, LocalDate testTo, Path out,
                   int trees, int depth, double eta, double review, double decline) {
        static Options parse(String[] args) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
                }
                m.put(args[i].substring(2), args[++i]);
            }
            String[] train = m.getOrDefault("train", "2018-07-25:2018-07-31").split(":");
            String[] test = m.getOrDefault("test", "2018-08-08:2018-08-14").split(":");
            return new Options(Path.of(m.getOrDefault("data", "../shared/data/handbook/transactions.csv.gz")),
                    LocalDate.parse(train[0]), LocalDate.parse(train[1]), LocalDate.parse(test[0]), LocalDate.parse(test[1]),
                    Path.of(m.getOrDefault("out", "models")),
                    Integer.parseInt(m.getOrDefault("trees", "100")), Integer.parseInt(m.getOrDefault("depth", "6")),
                    Double.parseDouble(m.getOrDefault("eta", "0.3")),
                    Double.parseDouble(m.getOrDefault("review", "0.5")), Double.parseDouble(m.getOrDefault("decline", "0.9")));
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        long start = System.nanoTime();
        Dataset train = new Dataset();
        Dataset test = new Dataset();
        OfflineFeatures features = new OfflineFeatures();
        int[] read = {0};
        HandbookCsv.forEach(o.data(), row -> {
            read[0]++;
            LocalDate day = row.timestamp().toLocalDate();
            if (day.isAfter(o.testTo()) && day.isAfter(o.trainTo())) {
                return;
            }
            float[] x = features.next(row.transactionId(), row.customerId(), row.terminalId(), row.amount(), row.timestamp());
            if (!day.isBefore(o.trainFrom()) && !day.isAfter(o.trainTo())) {
                train.add(x, row.fraud());
            } else if (!day.isBefore(o.testFrom()) && !day.isAfter(o.testTo())) {
                test.add(x, row.fraud());
            }
        });
        System.out.printf("read %,d transactions, features for train %,d rows (%,d frauds), test %,d rows (%,d frauds) in %.1f s%n",
                read[0], train.size(), train.positives(), test.size(), test.positives(), (System.nanoTime() - start) / 1e9);

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("objective", "binary:logistic");
        params.put("eval_metric", "auc");
        params.put("max_depth", o.depth());
        params.put("eta", o.eta());
        params.put("tree_method", "hist");
        params.put("nthread", Runtime.getRuntime().availableProcessors());
        params.put("seed", 0);
        long trainStart = System.nanoTime();
        Booster booster = train(train, params, o.trees());
        double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
        byte[] bytes = booster.toByteArray("ubj");
        float[] scores = column(booster.inplace_predict(test.matrix(), test.size(), Feature.COUNT, Float.NaN));
        booster.dispose();

        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("test_auc_roc", RankingMetrics.aucRoc(scores, test.labels()));
        metrics.put("test_average_precision", RankingMetrics.averagePrecision(scores, test.labels()));
        metrics.put("train_seconds", trainSeconds);

        String sha = FraudModel.sha256(bytes);
        String version = "xgb-" + LocalDate.now() + "-" + sha.substring(0, 8);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("dataset", o.data().getFileName().toString());
        training.put("trainRange", o.trainFrom() + ".." + o.trainTo());
        training.put("testRange", o.testFrom() + ".." + o.testTo());
        training.put("trainRows", train.size());
        training.put("trainFrauds", train.positives());
        training.put("testRows", test.size());
        training.put("testFrauds", test.positives());
        training.put("rounds", o.trees());
        ModelMetadata meta = new ModelMetadata(version, MODEL_FILE, sha, Feature.names(), o.review(), o.decline(),
                Instant.now().toString(), training, params, metrics);
        Files.createDirectories(o.out());
        Files.write(o.out().resolve(MODEL_FILE), bytes);
        meta.write(o.out().resolve(METADATA_FILE));
        ModelCard.write(o.out().resolve("MODEL_CARD.md"), meta);
        System.out.printf("model %s: test AUC ROC %.4f, AP %.4f (trained in %.1f s) -> %s%n", version,
                metrics.get("test_auc_roc"), metrics.get("test_average_precision"), trainSeconds, o.out().toAbsolutePath());
    }

    static Booster train(Dataset data, Map<String, Object> params, int rounds) throws XGBoostError {
        DMatrix matrix = new DMatrix(data.matrix(), data.size(), Feature.COUNT, Float.NaN);
        try {
            matrix.setLabel(data.floatLabels());
            return XGBoost.train(matrix, params, rounds, Map.of(), null, null);
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
        private float[] data = new float[1 << 20];
        private int[] labels = new int[1 << 16];
        private int size;
        private int positives;

        void add(float[] row, int label) {
            if ((size + 1) * Feature.COUNT > data.length) {
                data = java.util.Arrays.copyOf(data, data.length * 2);
            }
            if (size >= labels.length) {
                labels = java.util.Arrays.copyOf(labels, labels.length * 2);
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
            return java.util.Arrays.copyOf(data, size * Feature.COUNT);
        }

        int[] labels() {
            return java.util.Arrays.copyOf(labels, size);
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
