package dev.fraudscore.model;

import dev.fraudscore.domain.Reason;
import dev.fraudscore.features.Feature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A loaded XGBoost model plus its metadata. Scoring is blocking native code: call it from a worker
 * thread, with as many rows per call as you can (each call costs about 50 µs whatever its size).
 * XGBoost's prediction is thread-safe, so one instance serves a whole worker pool.
 */
public final class FraudModel implements AutoCloseable {
    private static final float MISSING = Float.NaN;

    private final Booster booster;
    private final ModelMetadata metadata;
    private final int width;
    private final TreeExplainer explainer;

    private FraudModel(Booster booster, ModelMetadata metadata) throws XGBoostError {
        this.booster = booster;
        this.metadata = metadata;
        this.width = metadata.features().size();
        this.explainer = TreeExplainer.fromJsonDump(booster.getModelDump((String) null, true, "json"), width);
        float[] probe = new float[width];
        float margin = booster.inplace_predict(
                        probe, 1, width, MISSING, new int[] {0, 0}, Booster.PredictionType.kMargin, null)[0][0];
        explainer.calibrate(probe, margin);
    }

    /** Loads the model described by a metadata file, refusing one whose checksum or features do not match. */
    public static FraudModel load(Path metadataFile) throws ModelLoadException {
        ModelMetadata meta;
        try {
            meta = ModelMetadata.read(metadataFile);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("model metadata " + metadataFile + " does not exist");
        } catch (IOException e) {
            throw new ModelLoadException("model metadata " + metadataFile + " is not valid JSON: " + e.getMessage(), e);
        }
        if (meta.version() == null || meta.modelFile() == null || meta.features() == null) {
            throw new ModelLoadException("model metadata " + metadataFile + " lacks version, modelFile or features");
        }
        if (!meta.features().equals(Feature.names())) {
            throw new ModelLoadException("model " + meta.version() + " expects features " + meta.features()
                    + " but this build computes " + Feature.names());
        }
        Path modelPath = metadataFile.resolveSibling(meta.modelFile());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(modelPath);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + modelPath + ": " + e.getMessage(), e);
        }
        String sha = sha256(bytes);
        if (meta.modelSha256() == null) {
            throw new ModelLoadException("model metadata " + metadataFile
                    + " has no modelSha256: a model is loaded only" + " with the checksum of its file");
        }
        if (!meta.modelSha256().equals(sha)) {
            throw new ModelLoadException("model file " + modelPath + " has SHA-256 " + sha + " but its metadata says "
                    + meta.modelSha256() + ": corrupt or mismatched");
        }
        try {
            Booster booster = XGBoost.loadModel(bytes);
            // Serving runs many small batches on a bounded pool: one native thread per call, no oversubscription.
            booster.setParam("nthread", 1);
            return new FraudModel(booster, meta);
        } catch (XGBoostError | IOException e) {
            throw new ModelLoadException("XGBoost refused model file " + modelPath + ": " + e.getMessage(), e);
        }
    }

    /** The model's trees as XGBoost's UBJSON bytes (a retraining can continue from them). */
    public byte[] modelBytes() throws XGBoostError {
        return booster.toByteArray("ubj");
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public String version() {
        return metadata.version();
    }

    /** Fraud probabilities for {@code rows} rows laid out row-major in {@code data}. */
    public float[] predict(float[] data, int rows) throws XGBoostError {
        float[][] out = booster.inplace_predict(data, rows, width, MISSING);
        float[] scores = new float[rows];
        for (int i = 0; i < rows; i++) {
            scores[i] = out[i][0];
        }
        return scores;
    }

    /**
     * Exact per-feature contributions (TreeSHAP) to each row's log-odds; the last column is the bias.
     * About a millisecond per row and serialised on the booster: for analysis, not the request path.
     */
    public float[][] exactContributions(float[] data, int rows) throws XGBoostError {
        DMatrix matrix = new DMatrix(data, rows, width, MISSING);
        try {
            return booster.predictContrib(matrix, 0);
        } finally {
            matrix.dispose();
        }
    }

    /**
     * Approximate per-feature contributions (XGBoost's approx_contribs method) of one row; the last entry is
     * the bias. They sum to the row's margin. Cheap and lock-free: used for every decision's reasons.
     */
    public float[] contributions(float[] row) {
        return explainer.contributions(row);
    }

    /** Scores a batch and explains each row with its {@code topReasons} largest positive contributions. */
    public List<Scored> score(List<float[]> rows, int topReasons) throws XGBoostError {
        int n = rows.size();
        float[] data = new float[n * width];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows.get(i), 0, data, i * width, width);
        }
        float[] scores = predict(data, n);
        List<Scored> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<Reason> reasons = topReasons == 0
                    ? List.of()
                    : ReasonCodes.top(rows.get(i), explainer.contributions(rows.get(i)), topReasons);
            out.add(new Scored(scores[i], reasons));
        }
        return out;
    }

    /** One row's score and reasons. */
    public record Scored(float score, List<Reason> reasons) {}

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    @Override
    public void close() {
        booster.dispose();
    }
}
