package dev.fraudscore.node.risk;

import dev.fraudscore.domain.Channel;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.features.Feature;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A candidate change tried on the audit history before it goes live: a rule (as if it were the only active one) or
 * new thresholds, applied to each recorded decision with the features and score stored with it. A rule's score
 * adjustment is applied with the thresholds each decision was made with, to the decisions those thresholds made.
 * Counts how many decisions it would have changed, from which outcome to which, and its precision and recall against
 * the labels known for those transactions (a decision "flagged" when its outcome would be REVIEW or DECLINE).
 */
public final class Backtest {
    /**
     * One recorded decision, as the audit trail holds it. {@code thresholds}: those it was decided with; {@code fraud}:
     * its label, null when none is known.
     */
    public record Row(
            Transaction tx, float[] features, double score, Thresholds thresholds, Outcome recorded, Boolean fraud) {}

    private final RiskRules rule;
    private final Thresholds thresholds;
    private final Map<String, Integer> changes = new TreeMap<>();
    private long rows;
    private long held;
    private long changed;
    private long labelled;
    private long frauds;
    private long flaggedLabelled;
    private long flaggedFrauds;
    private long recordedFlaggedFrauds;
    private long recordedFlaggedLabelled;

    private Backtest(RiskRules rule, Thresholds thresholds) {
        this.rule = rule;
        this.thresholds = thresholds;
    }

    /** A rule's backtest: {@code candidate} acts as if it were active (whatever state it is saved in). */
    public static Backtest ofRule(RiskRules.Rule candidate) throws RiskRules.InvalidRule {
        RiskRules.compile(candidate.expression());
        RiskRules rules = RiskRules.unguarded();
        rules.replace(List.of(candidate.in(RiskRules.State.ACTIVE)));
        return new Backtest(rules, null);
    }

    /** New thresholds' backtest. */
    public static Backtest ofThresholds(Thresholds thresholds) {
        return new Backtest(null, thresholds);
    }

    public void add(Row r) {
        rows++;
        Outcome now = r.recorded();
        if (rule != null) {
            RiskRules.Verdict v = rule.evaluate(r.tx(), r.features(), r.score(), null);
            if (!v.reasons().isEmpty()) {
                held++;
                if (v.outcome() != null) {
                    now = v.outcome();
                } else if (v.adjustment() != 0 && !Double.isNaN(r.score())) {
                    // an adjustment changes a decision the thresholds made (not one a list or a rule made), and
                    // only where it moves the score across one of them
                    Outcome base = r.thresholds().apply(r.score());
                    Outcome adjusted = v.outcome(r.thresholds(), r.score());
                    if (adjusted != base && r.recorded() == base) {
                        now = adjusted;
                    }
                }
            }
        } else if (!Double.isNaN(r.score())) {
            now = thresholds.apply(r.score());
        }
        if (now != r.recorded()) {
            changed++;
            changes.merge(r.recorded() + "->" + now, 1, Integer::sum);
        }
        if (r.fraud() != null) {
            labelled++;
            boolean flagged = now != Outcome.APPROVE;
            boolean wasFlagged = r.recorded() != Outcome.APPROVE;
            if (r.fraud()) {
                frauds++;
            }
            if (flagged) {
                flaggedLabelled++;
                flaggedFrauds += r.fraud() ? 1 : 0;
            }
            if (wasFlagged) {
                recordedFlaggedLabelled++;
                recordedFlaggedFrauds += r.fraud() ? 1 : 0;
            }
        }
    }

    public JsonObject result() {
        return new JsonObject()
                .put("decisions", rows)
                .put("ruleHeld", rule == null ? null : held)
                .put("changed", changed)
                .put("changes", new JsonObject(new TreeMap<String, Object>(changes)))
                .put("labelled", labelled)
                .put("frauds", frauds)
                .put("precision", ratio(flaggedFrauds, flaggedLabelled))
                .put("recall", ratio(flaggedFrauds, frauds))
                .put(
                        "recorded",
                        new JsonObject()
                                .put("precision", ratio(recordedFlaggedFrauds, recordedFlaggedLabelled))
                                .put("recall", ratio(recordedFlaggedFrauds, frauds)));
    }

    private static Double ratio(long a, long b) {
        return b == 0 ? null : Math.round(a * 10_000.0 / b) / 10_000.0;
    }

    /** A transaction rebuilt from its audit row's columns. */
    public static Transaction transaction(
            String id,
            String card,
            String terminal,
            java.math.BigDecimal amount,
            String currency,
            OffsetDateTime eventTime,
            String customer,
            String device,
            String ip,
            String mcc,
            String country,
            String channel) {
        return new Transaction(
                id,
                card,
                terminal,
                amount,
                currency,
                eventTime,
                customer,
                device,
                ip,
                mcc,
                country,
                channel == null ? null : Channel.parse(channel));
    }

    /** The feature row in this build's order from the stored values and their names (null: none stored). */
    public static float[] features(List<String> names, float[] values) {
        if (names == null || values == null) {
            return null;
        }
        float[] out = new float[Feature.COUNT];
        java.util.Arrays.fill(out, Float.NaN);
        List<String> order = Feature.names();
        for (int i = 0; i < names.size() && i < values.length; i++) {
            int at = order.indexOf(names.get(i));
            if (at >= 0) {
                out[at] = values[i];
            }
        }
        return out;
    }
}
