package dev.fraudscore.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes the human-readable model card that travels with a model. */
final class ModelCard {
    private ModelCard() {
    }

    static void write(Path file, ModelMetadata m) throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("# Model card: ").append(m.version()).append("\n\n");
        s.append("Gradient-boosted trees (XGBoost4J) scoring the probability that a card transaction is fraud.\n");
        s.append("Written by `dev.fraudscore.model.Trainer` on ").append(m.trainedAt()).append(".\n\n");
        s.append("## Files\n- model: `").append(m.modelFile()).append("` (SHA-256 `").append(m.modelSha256()).append("`)\n");
        s.append("- metadata (feature order, thresholds, checksum): `").append(Trainer.METADATA_FILE).append("`\n\n");
        s.append("## Training data\n");
        for (Map.Entry<String, Object> e : m.training().entrySet()) {
            s.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        s.append("\nFeatures were computed by replaying every transaction from the start of the file in event-time order\n");
        s.append("through the platform's own velocity code (`OfflineFeatures`, the same `VelocityState` and\n");
        s.append("`FeatureAssembler` the node runs inside Hazelcast).\n\n");
        s.append("## Parameters\n");
        for (Map.Entry<String, Object> e : m.params().entrySet()) {
            s.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        s.append("\n## Features (in model order)\n");
        for (int i = 0; i < m.features().size(); i++) {
            s.append(i).append(". `").append(m.features().get(i)).append("`\n");
        }
        s.append("\n## Thresholds (defaults; node config may override)\n- REVIEW at score >= ").append(m.reviewThreshold())
                .append("\n- DECLINE at score >= ").append(m.declineThreshold()).append("\n\n");
        s.append("## Metrics on the test range (all test-range transactions, no card removal)\n");
        s.append("| metric | value |\n|---|---|\n");
        for (Map.Entry<String, Double> e : m.metrics().entrySet()) {
            s.append("| ").append(e.getKey()).append(" | ").append(String.format("%.4f", e.getValue())).append(" |\n");
        }
        s.append("\nThe handbook's own protocol (known-compromised cards removed, Card Precision@100) and the\n");
        s.append("published comparison come with the evaluator.\n");
        Files.writeString(file, s.toString());
    }
}
