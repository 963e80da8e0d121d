package dev.fraudscore.model;

import dev.fraudscore.features.Feature;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds the drift reference (the training set's distributions) to the metadata of a model trained before references
 * were kept: replays the handbook's features for the model's own training range, scores them with the model, and
 * rewrites the metadata. The model file and its checksum are unchanged.
 *
 * <pre>AddDriftReference --model models/fraud-model.json [--data transactions.csv.gz]</pre>
 */
public final class AddDriftReference {
    private AddDriftReference() {}

    public static void main(String[] args) throws Exception {
        HandbookData.runTool(() -> {
            Map<String, String> o = new LinkedHashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                o.put(args[i].substring(2), args[i + 1]);
            }
            Path metadata = Path.of(o.getOrDefault("model", "models/fraud-model.json"));
            HandbookData data = HandbookData.resolve(o);
            try (FraudModel model = FraudModel.load(metadata)) {
                ModelMetadata m = model.metadata();
                String[] train = ((String) m.training().get("trainRange")).split("\\.\\.");
                String[] test = ((String) m.training().get("testRange")).split("\\.\\.");
                HandbookReplay replay = HandbookReplay.run(
                        data.file(),
                        LocalDate.parse(train[0]),
                        LocalDate.parse(train[1]),
                        LocalDate.parse(test[0]),
                        LocalDate.parse(test[1]));
                Trainer.Dataset rows = Trainer.Dataset.of(replay.train);
                float[] scores = Retraining.scores(model, replay.train);
                DriftReference r =
                        DriftReference.of(Feature.names(), rows.matrix(), rows.size(), Feature.COUNT, scores);
                m.withReference(r).write(metadata);
                System.out.printf(
                        "drift reference of %s: %,d training rows, %d columns -> %s%n",
                        m.version(), rows.size(), r.features().size(), metadata);
            }
        });
    }
}
