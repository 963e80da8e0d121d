package dev.fraudscore.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes the model card that travels with a model: MODEL_CARD.md plus ROC and precision-recall curves. */
final class ModelCard {
    static final String ROC_IMAGE = "roc.png";
    static final String PR_IMAGE = "precision-recall.png";

    private ModelCard() {}

    static void write(Path dir, ModelMetadata m, HandbookProtocol.Result r, List<HandbookProtocol.Row> test)
            throws IOException {
        float[] scores = new float[test.size()];
        int[] labels = new int[test.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = test.get(i).score();
            labels[i] = test.get(i).label();
        }
        Curves.draw(
                dir.resolve(ROC_IMAGE),
                String.format("ROC, test week (AUC %.3f)", r.aucRoc()),
                "false positive rate",
                "true positive rate",
                Curves.roc(scores, labels),
                new double[][] {{0, 0}, {1, 1}});
        double base = (double) r.frauds() / r.transactions();
        Curves.draw(
                dir.resolve(PR_IMAGE),
                String.format("Precision-recall, test week (AP %.3f)", r.averagePrecision()),
                "recall",
                "precision",
                Curves.precisionRecall(scores, labels),
                new double[][] {{0, base}, {1, base}});

        StringBuilder s = new StringBuilder();
        s.append("# Model card: ").append(m.version()).append("\n\n");
        s.append("Gradient-boosted trees (XGBoost4J) scoring the probability that a card transaction is fraud.\n");
        s.append(
                        m.training().containsKey("labelCutoff")
                                ? "Retrained from the platform's audit trail by `dev.fraudscore.model.Retraining` (`ops/retrain.sh`"
                                        + " or `POST /admin/retrain`) on "
                                : "Written by `dev.fraudscore.model.Trainer` (`ops/train.sh`) on ")
                .append(m.trainedAt())
                .append(".\n\n");
        s.append("## Files\n- model: `")
                .append(m.modelFile())
                .append("` (SHA-256 `")
                .append(m.modelSha256())
                .append("`)\n");
        s.append("- metadata (feature order, thresholds, checksum): `")
                .append(Trainer.METADATA_FILE)
                .append("`\n");
        s.append("- curves: `")
                .append(ROC_IMAGE)
                .append("`, `")
                .append(PR_IMAGE)
                .append("`\n\n");
        s.append("## Training data\n");
        for (Map.Entry<String, Object> e : m.training().entrySet()) {
            s.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        s.append(
                "\nFeatures were computed by replaying every transaction of the file in event-time order through the\n");
        s.append(
                "platform's own velocity code (`OfflineFeatures`: the same `VelocityState` and `FeatureAssembler` the node\n");
        s.append(
                "runs inside Hazelcast), with each fraud label released 7 days after its transaction, as the replay\n");
        s.append("tool feeds labels to a running platform.\n\n");
        s.append("## Parameters\n");
        for (Map.Entry<String, Object> e : m.params().entrySet()) {
            s.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        s.append("\n## Features (in model order)\n");
        for (int i = 0; i < m.features().size(); i++) {
            s.append(i).append(". `").append(m.features().get(i)).append("`\n");
        }
        s.append("\n## Thresholds (defaults; node config may override)\n- REVIEW at score >= ")
                .append(m.reviewThreshold())
                .append("\n- DECLINE at score >= ")
                .append(m.declineThreshold())
                .append("\n\n");
        s.append("## Results on the handbook's test week, handbook protocol (offline features)\n\n");
        s.append(String.format(
                "Test set after removing known-compromised cards: %,d transactions, %d frauds.%n%n",
                r.transactions(), r.frauds()));
        s.append("| model | AUC ROC | AP | CP@100 |\n|---|---|---|---|\n");
        s.append(String.format(
                "| **this model** | **%.3f** | **%.3f** | **%.3f** |%n",
                r.aucRoc(), r.averagePrecision(), r.cardPrecisionAtK()));
        s.append("| book: logistic regression | 0.871 | 0.606 | 0.291 |\n");
        s.append("| book: random forest | 0.867 | 0.658 | 0.287 |\n");
        s.append("| book: XGBoost, defaults | 0.862 | 0.639 | 0.273 |\n");
        s.append("| book: XGBoost chosen by validation | 0.872 | 0.687 | 0.302 |\n");
        s.append("| book: best XGBoost per metric | 0.872 | 0.694 | 0.304 |\n\n");
        s.append("Card Precision@100 per test day: ");
        for (double d : r.cardPrecisionPerDay()) {
            s.append(String.format("%.2f ", d));
        }
        s.append("\n\n![ROC](")
                .append(ROC_IMAGE)
                .append(") ![Precision-recall](")
                .append(PR_IMAGE)
                .append(")\n");
        Files.writeString(dir.resolve("MODEL_CARD.md"), s.toString());
    }
}
