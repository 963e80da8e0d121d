package dev.fraudscore.node.retrain;

import dev.fraudscore.features.Feature;
import dev.fraudscore.model.HandbookReplay;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A training set read from the audit trail: every scored (not degraded) decision of a range of event days with the
 * feature values stored with it, the very values the served model saw (no recomputation), mapped by name onto the
 * current feature order, and its label as known at a cut-off: the last verdict in {@code audit.label_history}
 * recorded by then (a label changed later is not seen; a transaction without one counts as genuine). Blocking JDBC:
 * run it on a worker thread or in a command.
 */
public final class AuditTrainingSet {
    private AuditTrainingSet() {}

    private static final String ROWS = "SELECT d.transaction_id, d.card_id, d.event_time, d.feature_values, s.names,"
            + " (SELECT h.fraud FROM audit.label_history h WHERE h.transaction_id = d.transaction_id"
            + "   AND (h.client = d.client OR (h.client = 'unscoped' AND h.card_id = d.card_id))"
            + "   AND h.changed_at <= ? ORDER BY h.id DESC LIMIT 1) AS fraud"
            + " FROM audit.decisions d JOIN audit.feature_sets s ON s.key = d.feature_set"
            + " WHERE d.event_time >= ? AND d.event_time < ? AND NOT d.degraded AND d.feature_values IS NOT NULL"
            // one order, so that the same history always trains the same model
            + " ORDER BY d.event_time, d.transaction_id, d.client";

    /** The decisions of the event days {@code [from, to)} (UTC) with their labels as known at {@code cutoff}. */
    public static List<HandbookReplay.Sample> load(Connection c, LocalDate from, LocalDate to, Instant cutoff)
            throws SQLException {
        List<HandbookReplay.Sample> out = new ArrayList<>();
        Map<String, int[]> orders = new HashMap<>();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false); // a cursor: the rows stream in batches
        try (PreparedStatement ps = c.prepareStatement(ROWS)) {
            ps.setFetchSize(5_000);
            ps.setTimestamp(1, Timestamp.from(cutoff));
            ps.setObject(2, from.atStartOfDay().atOffset(ZoneOffset.UTC));
            ps.setObject(3, to.atStartOfDay().atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array names = rs.getArray(5);
                    int[] order = orders.computeIfAbsent(String.join(",", strings(names)), k -> order(strings(names)));
                    Float[] stored = (Float[]) rs.getArray(4).getArray();
                    float[] row = new float[Feature.COUNT];
                    Arrays.fill(row, Float.NaN);
                    for (int i = 0; i < stored.length && i < order.length; i++) {
                        if (order[i] >= 0 && stored[i] != null) {
                            row[order[i]] = stored[i];
                        }
                    }
                    OffsetDateTime at = rs.getObject(3, OffsetDateTime.class);
                    out.add(new HandbookReplay.Sample(
                            rs.getString(1),
                            rs.getString(2),
                            at.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate(),
                            row,
                            rs.getBoolean(6) ? 1 : 0));
                }
            }
        } finally {
            c.commit();
            c.setAutoCommit(auto);
        }
        return out;
    }

    /**
     * The first event day whose labels are not all in at {@code cutoff}: the day after the last decided day, less
     * the label delay, and never later than the cut-off's own day less the delay.
     */
    public static LocalDate horizon(Connection c, Instant cutoff, int labelDelayDays) throws SQLException {
        LocalDate byClock = cutoff.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(labelDelayDays);
        try (PreparedStatement ps =
                        c.prepareStatement("SELECT max(event_time) FROM audit.decisions WHERE event_time <= ?");
                ResultSet rs = bind(ps, cutoff).executeQuery()) {
            rs.next();
            OffsetDateTime last = rs.getObject(1, OffsetDateTime.class);
            if (last == null) {
                return byClock;
            }
            LocalDate byData = last.withOffsetSameInstant(ZoneOffset.UTC)
                    .toLocalDate()
                    .plusDays(1)
                    .minusDays(labelDelayDays);
            return byData.isBefore(byClock) ? byData : byClock;
        }
    }

    private static PreparedStatement bind(PreparedStatement ps, Instant cutoff) throws SQLException {
        ps.setTimestamp(1, Timestamp.from(cutoff));
        return ps;
    }

    private static String[] strings(Array a) {
        try {
            return (String[]) a.getArray();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For each stored position, its index in the current feature order (-1: a feature no longer used). */
    private static int[] order(String[] names) {
        List<String> current = Feature.names();
        int[] order = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            order[i] = current.indexOf(names[i]);
        }
        return order;
    }
}
