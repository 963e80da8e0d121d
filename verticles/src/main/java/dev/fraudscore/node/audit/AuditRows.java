package dev.fraudscore.node.audit;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.features.Feature;
import dev.fraudscore.node.bus.DecisionEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * One audit row as text values, column by column: the same form is written to the {@link DecisionLog} and bound
 * to the batched INSERT, so a row read back from the log is inserted byte-for-byte as it was decided.
 */
public final class AuditRows {
    /** Column name and the SQL type its text is cast to. */
    private static final String[][] COLUMNS = {
        {"transaction_id", "text"},
        {"decided_at", "timestamptz"},
        {"event_time", "timestamptz"},
        {"card_id", "text"},
        {"terminal_id", "text"},
        {"customer_id", "text"},
        {"amount", "numeric"},
        {"currency", "text"},
        {"channel", "text"},
        {"mcc", "text"},
        {"country", "text"},
        {"device_id", "text"},
        {"ip_address", "inet"},
        {"source", "text"},
        {"decision", "text"},
        {"score", "real"},
        {"review_threshold", "real"},
        {"decline_threshold", "real"},
        {"reasons", "jsonb"},
        {"feature_values", "real[]"}, // a log record written before V11 holds the features as a JSON object here
        {"model_version", "text"},
        {"node_id", "text"},
        {"degraded", "boolean"},
        {"degraded_reason", "text"},
        {"idempotency_us", "integer"},
        {"features_us", "integer"},
        {"scoring_us", "integer"},
        {"total_us", "integer"},
        {"challenger_version", "text"},
        {"challenger_score", "real"},
        {"client", "text"},
        {"received_at", "timestamptz"},
        {"counted_at", "timestamptz"},
        {"feature_set", "text"},
        {"reason_codes", "text[]"}, // the reasons as three arrays (V11); a record logged before holds JSON in "reasons"
        {"reason_values", "real[]"},
        {"reason_contributions", "real[]"},
        {"canary", "boolean"} // V15; a record logged before has no value here: false
    };

    static final int WIDTH = COLUMNS.length;
    static final int TRANSACTION_ID = 0;
    static final int DECIDED_AT = 1;
    static final int EVENT_TIME = 2;
    static final int NODE_ID = 21;
    static final int DEGRADED = 22;
    static final int CLIENT = 30;

    /**
     * One call per batch of {@code audit.record_decisions} (V10): INSERT .. SELECT .. FROM UNNEST of the column
     * arrays, in the order of {@link #COLUMNS}, as the migration owner, so that the nodes' database role needs no
     * UPDATE on the audit table. A redelivery or replay changes nothing, except that a scored decision made after a
     * degraded one (a retry decided afresh) replaces it; a row logged before transaction ids were scoped by client
     * belongs to the client {@code unscoped}.
     */
    static final String INSERT = recordSql();

    private AuditRows() {}

    private static String recordSql() {
        StringJoiner params = new StringJoiner(", ");
        for (int i = 0; i < WIDTH; i++) {
            params.add("$" + (i + 1) + "::text[]");
        }
        return "SELECT audit.record_decisions(" + params + ")";
    }

    public static String[] row(DecisionEvent event) {
        Transaction tx = event.transaction();
        Decision d = event.decision();
        return new String[] {
            tx.transactionId(),
            d.decidedAt().toString(),
            tx.timestamp().toString(),
            tx.cardId(),
            tx.terminalId(),
            tx.customerId(),
            tx.amount().toPlainString(),
            tx.currency(),
            tx.channel() == null ? null : tx.channel().name(),
            tx.mcc(),
            tx.country(),
            tx.deviceId(),
            tx.ipAddress(),
            event.source().name(),
            d.outcome().name(),
            Double.isFinite(d.score()) ? Double.toString(d.score()) : null,
            Double.toString(d.thresholds().review()),
            Double.toString(d.thresholds().decline()),
            null, // reasons: the three arrays at the end
            features(event.features()),
            d.modelVersion(),
            d.nodeId(),
            Boolean.toString(d.degraded()),
            d.degradedReason(),
            Long.toString(d.timings().idempotencyMicros()),
            Long.toString(d.timings().featuresMicros()),
            Long.toString(d.timings().scoringMicros()),
            Long.toString(d.timings().totalMicros()),
            d.challengerVersion(),
            Double.isFinite(d.challengerScore()) ? Double.toString(d.challengerScore()) : null,
            event.origin().client(),
            Instant.ofEpochMilli(event.origin().receivedAtMillis()).toString(),
            Instant.ofEpochMilli(event.origin().countedAtMillis()).toString(),
            event.features() == null ? null : Feature.setKey(),
            array(d.reasons().stream().map(r -> quoted(r.code())).toList()),
            array(d.reasons().stream().map(r -> real(r.value())).toList()),
            array(d.reasons().stream()
                    .map(r -> real(Math.round(r.contribution() * 1e4) / 1e4))
                    .toList()),
            Boolean.toString(d.canary())
        };
    }

    /**
     * Feature values as a PostgreSQL array literal in {@link Feature#ORDER} (named by {@code audit.feature_sets}
     * under {@link Feature#setKey()}); a missing value is NULL. About 170 bytes on disk, against 1.5 KB as JSON.
     */
    private static String features(float[] values) {
        if (values == null) {
            return null;
        }
        StringBuilder a = new StringBuilder(values.length * 8).append('{');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                a.append(',');
            }
            a.append(Float.isFinite(values[i]) ? Float.toString(values[i]) : "NULL");
        }
        return a.append('}').toString();
    }

    /** The column names, in the order of a row's values. */
    static List<String> names() {
        List<String> names = new ArrayList<>(WIDTH);
        for (String[] c : COLUMNS) {
            names.add(c[0]);
        }
        return names;
    }

    private static String array(List<String> elements) {
        return "{" + String.join(",", elements) + "}";
    }

    private static String real(double v) {
        return Double.isFinite(v) ? Float.toString((float) v) : "NULL";
    }

    /** A text array element: reason codes are upper-case words, quoted so that no code can break the literal. */
    private static String quoted(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Column-major arrays for the INSERT's parameters. */
    static String[][] columns(List<String[]> rows) {
        String[][] cols = new String[WIDTH][rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int c = 0; c < WIDTH; c++) {
                cols[c][r] = c < row.length ? row[c] : null; // logged by an older version: columns it lacked are null
            }
        }
        return cols;
    }
}
