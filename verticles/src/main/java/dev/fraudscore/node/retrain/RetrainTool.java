package dev.fraudscore.node.retrain;

import dev.fraudscore.model.FraudModel;
import dev.fraudscore.model.ModelMetadata;
import dev.fraudscore.model.Retraining;
import dev.fraudscore.node.Migrations;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The retraining command ({@code ops/retrain.sh}): a new model version from the audit trail, evaluated beside the
 * champion. Prints both models' figures and the new version's directory; load it as the challenger with {@code POST
 * /admin/models/challenger} (or start the same job on a node with {@code POST /admin/retrain}).
 *
 * <pre>RetrainTool --postgres postgresql://postgres@127.0.0.1:15432/postgres --at 2026-11-24T00:00:00Z
 *   --label-delay-days 7 --train-days 7 --test-days 7 [--horizon 2018-08-08] --champion models/fraud-model.json
 *   --out models/versions</pre>
 */
public final class RetrainTool {
    private RetrainTool() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("postgres", "postgresql://postgres@127.0.0.1:15432/postgres");
        o.put("at", Instant.now().toString());
        o.put("horizon", "");
        o.put("label-delay-days", "7");
        o.put("train-days", "7");
        o.put("test-days", "7");
        o.put("gap-days", ""); // empty: the label delay
        o.put("champion", "models/fraud-model.json");
        o.put("out", "models/versions");
        for (int i = 0; i < args.length; i += 2) {
            String key = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!o.containsKey(key) || i + 1 >= args.length) {
                System.err.println("unknown option or missing value: " + args[i] + "; options: " + o.keySet());
                System.exit(2);
            }
            o.put(key, args[i + 1]);
        }
        FraudModel champion = FraudModel.load(Path.of(o.get("champion")));
        ModelMetadata served = champion.metadata();
        RetrainJob.Options options = new RetrainJob.Options(
                Instant.parse(o.get("at")),
                o.get("horizon").isBlank() ? null : LocalDate.parse(o.get("horizon")),
                Integer.parseInt(o.get("label-delay-days")),
                Integer.parseInt(o.get("train-days")),
                Integer.parseInt(o.get("test-days")),
                o.get("gap-days").isBlank()
                        ? Integer.parseInt(o.get("label-delay-days"))
                        : Integer.parseInt(o.get("gap-days")));
        Retraining.Report r = RetrainJob.run(
                Migrations.Jdbc.of(o.get("postgres")),
                options,
                champion,
                served.reviewThreshold(),
                served.declineThreshold(),
                Path.of(o.get("out")));
        System.out.println(RetrainReports.json(r).encodePrettily());
        champion.close();
    }
}
