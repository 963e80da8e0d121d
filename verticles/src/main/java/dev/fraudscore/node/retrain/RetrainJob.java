package dev.fraudscore.node.retrain;

import dev.fraudscore.model.FraudModel;
import dev.fraudscore.model.HandbookReplay;
import dev.fraudscore.model.Retraining;
import dev.fraudscore.node.Migrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One retraining from the audit trail: the labelled horizon at the cut-off, the day ranges before it, the rows of
 * those days with their labels as known at the cut-off, then {@link Retraining} (validation, training, evaluation
 * beside the champion, a new version written under {@code versions}). Blocking: a command or a worker thread.
 */
public final class RetrainJob {
    private RetrainJob() {}

    /**
     * {@code cutoff}: labels recorded after it are not used; {@code horizon}: the first day not all labelled (null:
     * from the data and the delay); {@code trainDays}, {@code testDays}: lengths of the splits; {@code gapDays}: days
     * left out between training and test (0: the model is trained up to its test days, the freshest it can be).
     */
    public record Options(
            Instant cutoff, LocalDate horizon, int labelDelayDays, int trainDays, int testDays, int gapDays) {
        public Options {
            if (labelDelayDays < 0 || trainDays < 1 || testDays < 1 || gapDays < 0) {
                throw new IllegalArgumentException(
                        "labelDelayDays >= 0, trainDays >= 1, testDays >= 1 and gapDays >= 0");
            }
        }

        /** Days between the training days and the test days: the label delay, as in the handbook's protocol. */
        public Options(Instant cutoff, LocalDate horizon, int labelDelayDays, int trainDays, int testDays) {
            this(cutoff, horizon, labelDelayDays, trainDays, testDays, labelDelayDays);
        }
    }

    public static Retraining.Report run(
            Migrations.Jdbc jdbc, Options o, FraudModel champion, double review, double decline, Path versions)
            throws Exception {
        try (Connection c = jdbc.connect()) {
            LocalDate horizon =
                    o.horizon() != null ? o.horizon() : AuditTrainingSet.horizon(c, o.cutoff(), o.labelDelayDays());
            Retraining.Ranges ranges = Retraining.Ranges.before(horizon, o.trainDays(), o.gapDays(), o.testDays());
            List<HandbookReplay.Sample> rows = AuditTrainingSet.load(c, ranges.from(), ranges.testTo(), o.cutoff());
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("dataset", "audit.decisions (stored feature values) + audit.label_history");
            provenance.put("labelCutoff", o.cutoff().toString());
            provenance.put("rowsRead", rows.size());
            return Retraining.run(rows, ranges, o.labelDelayDays(), champion, review, decline, versions, provenance);
        }
    }
}
