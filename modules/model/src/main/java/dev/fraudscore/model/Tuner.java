package dev.fraudscore.model;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;

/**
 * Hyperparameter search on a validation split, never on the test week: trains on the week before the
 * training week and scores the week before the test week, with the same handbook protocol.
 *
 * <pre>Tuner --data transactions.csv.gz --train 2018-07-18:2018-07-24 --validate 2018-08-01:2018-08-07</pre>
 */
public final class Tuner {
    private Tuner() {}

    public static void main(String[] args) throws Exception {
        HandbookData.runTool(() -> tune(args));
    }

    private static void tune(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        HandbookData data = HandbookData.resolve(o);
        // the protocol's split one week earlier: never the test week
        HandbookData.Split validation = data.split().weekEarlier();
        o.putIfAbsent("train", validation.train());
        o.putIfAbsent("validate", validation.test());
        String[] tr = o.get("train").split(":");
        String[] va = o.get("validate").split(":");
        HandbookReplay replay = HandbookReplay.run(
                data.file(),
                LocalDate.parse(tr[0]),
                LocalDate.parse(tr[1]),
                LocalDate.parse(va[0]),
                LocalDate.parse(va[1]));
        Trainer.Dataset train = Trainer.Dataset.of(replay.train);
        List<double[]> grid = new ArrayList<>();
        for (int depth : new int[] {3, 4, 6}) {
            for (double eta : new double[] {0.05, 0.1, 0.3}) {
                for (int trees : new int[] {100, 300}) {
                    for (double mcw : new double[] {1, 5}) {
                        grid.add(new double[] {depth, eta, trees, mcw, 1.0});
                    }
                }
            }
        }
        if (o.containsKey("sampling")) {
            grid.clear();
            for (int depth : new int[] {3, 4}) {
                for (int trees : new int[] {300, 600}) {
                    for (double sub : new double[] {1.0, 0.8}) {
                        grid.add(new double[] {depth, trees == 600 ? 0.025 : 0.05, trees, 5, sub});
                    }
                }
            }
        }
        System.out.println("depth eta trees min_child_weight subsample | AUC    AP     CP@100");
        for (double[] g : grid) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("objective", "binary:logistic");
            params.put("max_depth", (int) g[0]);
            params.put("eta", g[1]);
            params.put("min_child_weight", g[3]);
            params.put("subsample", g[4]);
            params.put("colsample_bytree", g[4]);
            params.put("tree_method", "hist");
            params.put("nthread", Runtime.getRuntime().availableProcessors());
            params.put("seed", 0);
            Booster b = Trainer.train(train, params, (int) g[2]);
            HandbookProtocol.Result r = Trainer.evaluate(replay, Trainer.predict(b, replay.test));
            b.dispose();
            System.out.printf(
                    "%d %.3f %d %.0f %.1f | %.4f %.4f %.4f%n",
                    (int) g[0], g[1], (int) g[2], g[3], g[4], r.aucRoc(), r.averagePrecision(), r.cardPrecisionAtK());
        }
    }
}
