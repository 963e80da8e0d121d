package dev.fraudscore.node.retrain;

import dev.fraudscore.model.HandbookProtocol;
import dev.fraudscore.model.Retraining;
import dev.fraudscore.model.Trainer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A retraining's report as JSON (the command's output and the admin job's result). */
public final class RetrainReports {
    private RetrainReports() {}

    public static JsonObject json(Retraining.Report r) {
        JsonArray trials = new JsonArray();
        for (Retraining.Trial t : r.trials()) {
            trials.add(trial(t));
        }
        return new JsonObject()
                .put("version", r.model().version())
                .put("metadata", r.directory().resolve(Trainer.METADATA_FILE).toString())
                .put("sha256", r.model().modelSha256())
                .put("training", new JsonObject(r.model().training()))
                .put("chosen", trial(r.chosen()))
                .put("validation", trials)
                .put(
                        "test",
                        new JsonObject()
                                .put("challenger", result(r.challenger()))
                                .put("champion", r.champion() == null ? null : result(r.champion())));
    }

    private static JsonObject trial(Retraining.Trial t) {
        return new JsonObject()
                .put("depth", t.depth())
                .put("trees", t.trees())
                .put("eta", t.eta())
                .put("minChildWeight", t.minChildWeight())
                .put("fromChampion", t.fromChampion())
                .put("validationAp", t.ap())
                .put("validationCardPrecisionAt100", t.cardPrecision());
    }

    static JsonObject result(HandbookProtocol.Result r) {
        return new JsonObject()
                .put("transactions", r.transactions())
                .put("frauds", r.frauds())
                .put("aucRoc", r.aucRoc())
                .put("averagePrecision", r.averagePrecision())
                .put("cardPrecisionAt100", r.cardPrecisionAtK());
    }
}
