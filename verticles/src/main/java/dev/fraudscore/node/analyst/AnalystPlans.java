package dev.fraudscore.node.analyst;

import dev.fraudscore.node.Migrations;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plans PostgreSQL picks for the analysts' queries on a realistic audit trail (issue 14): a fresh database with
 * the node's migrations, {@code --rows} decisions (default 10 million) over 30 daily partitions, 100,000 cards,
 * 20,000 terminals, a third with a customer, 2% REVIEW (each opening a case through the trigger) and 0.5% DECLINE,
 * then ANALYZE and EXPLAIN ANALYZE of the queries the API sends, each printed with the scans it uses. A query whose
 * plan reads a populated decisions partition (more than 10,000 rows) sequentially is reported as such.
 *
 * <pre>ops/analyst-plans.sh [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--rows 10000000] [--keep true]</pre>
 */
public final class AnalystPlans {
    private AnalystPlans() {}

    private static final String SUMMARY_COLUMNS =
            "transaction_id, client, event_time, decided_at, card_id, terminal_id,"
                    + " customer_id, amount, currency, channel, decision, score, reasons, model_version, node_id, degraded";
    private static final String ORDER = " ORDER BY event_time DESC, transaction_id DESC, client DESC LIMIT 51";

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of(
                "postgres", "postgresql://postgres@127.0.0.1:5432/postgres", "rows", "10000000", "keep", "false"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        long rows = Long.parseLong(o.get("rows"));
        String admin = o.get("postgres");
        String db = "analyst_plans_" + System.nanoTime() % 1_000_000;
        try (Connection c = Migrations.Jdbc.of(admin).connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
        String url = admin.substring(0, admin.lastIndexOf('/') + 1) + db;
        Migrations.migrate(url);
        try (Connection c = Migrations.Jdbc.of(url).connect();
                Statement s = c.createStatement()) {
            s.execute("SELECT audit.ensure_daily_partitions(current_date - 31, 33)");
            long t0 = System.nanoTime();
            long chunk = 1_000_000;
            for (long from = 1; from <= rows; from += chunk) {
                long to = Math.min(rows, from + chunk - 1);
                s.execute(insert(from, to));
                System.out.printf("loaded %,d of %,d rows (%.0f s)%n", to, rows, (System.nanoTime() - t0) / 1e9);
            }
            s.execute("ANALYZE");
            try (ResultSet r = s.executeQuery("SELECT (SELECT count(*) FROM audit.cases), pg_size_pretty("
                    + "(SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits"
                    + " WHERE inhparent = 'audit.decisions'::regclass))")) {
                r.next();
                System.out.printf(
                        "%,d decisions (%s with indexes), %,d review cases%n", rows, r.getString(2), r.getLong(1));
            }
            Map<String, String> queries = new LinkedHashMap<>();
            queries.put(
                    "card (search and card view)",
                    "SELECT " + SUMMARY_COLUMNS + " FROM analyst.decisions WHERE card_id = 'card-4242'" + ORDER);
            queries.put(
                    "terminal (search and terminal view)",
                    "SELECT " + SUMMARY_COLUMNS + " FROM analyst.decisions WHERE terminal_id = 'term-777'" + ORDER);
            queries.put(
                    "customer",
                    "SELECT " + SUMMARY_COLUMNS + " FROM analyst.decisions WHERE customer_id = 'cust-999'" + ORDER);
            queries.put(
                    "card, next page (cursor)",
                    "SELECT " + SUMMARY_COLUMNS
                            + " FROM analyst.decisions WHERE card_id = 'card-4242' AND (event_time, transaction_id, client) <"
                            + " (now() - interval '3 days', 'tx-5', 'psp')" + ORDER);
            queries.put(
                    "outcome DECLINE",
                    "SELECT " + SUMMARY_COLUMNS + " FROM analyst.decisions WHERE decision = 'DECLINE'" + ORDER);
            queries.put(
                    "one day, score range",
                    "SELECT " + SUMMARY_COLUMNS + " FROM analyst.decisions WHERE"
                            + " event_time >= date_trunc('day', now()) - interval '2 days' AND event_time < date_trunc('day',"
                            + " now()) - interval '1 day' AND score::float8 >= 0.9" + ORDER);
            queries.put(
                    "decision detail",
                    "SELECT * FROM analyst.decisions WHERE transaction_id = 'tx-123456'"
                            + " ORDER BY decided_at DESC LIMIT 2");
            queries.put(
                    "review queue (oldest open first)",
                    "SELECT * FROM analyst.cases WHERE status <> 'resolved'" + " ORDER BY opened_at, id LIMIT 51");
            queries.put(
                    "known frauds of a card",
                    "SELECT * FROM analyst.labels WHERE card_id = 'card-4242' AND fraud"
                            + " ORDER BY event_time DESC LIMIT 100");
            int seq = 0;
            for (Map.Entry<String, String> q : queries.entrySet()) {
                StringBuilder plan = new StringBuilder();
                long t = System.nanoTime();
                try (ResultSet r =
                        s.executeQuery("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + q.getValue())) {
                    while (r.next()) {
                        plan.append("    ").append(r.getString(1)).append('\n');
                    }
                }
                double ms = (System.nanoTime() - t) / 1e6;
                boolean scans = scansPopulatedPartition(s, plan.toString());
                seq += scans ? 1 : 0;
                System.out.printf(
                        "%n%s: %s, %.1f ms%n%s",
                        q.getKey(), scans ? "SEQUENTIAL SCAN of a decisions partition" : "index only", ms, plan);
            }
            System.out.printf("%n%d of %d queries scan a decisions partition sequentially%n", seq, queries.size());
        } finally {
            if (!Boolean.parseBoolean(o.get("keep"))) {
                try (Connection c = Migrations.Jdbc.of(admin).connect();
                        Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE " + db);
                }
            } else {
                System.out.println("kept database " + db);
            }
        }
    }

    /**
     * Whether the plan reads a partition of audit.decisions holding more than 10,000 rows sequentially (the planner
     * rightly scans an empty or nearly empty partition, such as tomorrow's or the default one).
     */
    private static boolean scansPopulatedPartition(Statement s, String plan) throws Exception {
        Matcher m = Pattern.compile("Seq Scan on (decisions_\\w+)").matcher(plan);
        while (m.find()) {
            try (ResultSet r = s.executeQuery("SELECT reltuples FROM pg_class WHERE relname = '" + m.group(1) + "'")) {
                if (r.next() && r.getDouble(1) > 10_000) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String insert(long from, long to) {
        return "INSERT INTO audit.decisions (transaction_id, decided_at, event_time, card_id, terminal_id, customer_id,"
                + " amount, currency, source, decision, score, review_threshold, decline_threshold, feature_values,"
                + " feature_set, reason_codes, reason_values, reason_contributions, model_version, node_id, degraded,"
                + " idempotency_us, features_us, scoring_us, total_us, client)"
                + " SELECT 'tx-' || g, t, t, 'card-' || (g * 7919 % 100000), 'term-' || (g * 104729 % 20000),"
                + " CASE WHEN g % 3 = 0 THEN 'cust-' || (g % 50000) END, (g % 50000) / 100.0, 'EUR', 'HTTP',"
                + " CASE WHEN g % 200 = 0 THEN 'DECLINE' WHEN g % 50 = 0 THEN 'REVIEW' ELSE 'APPROVE' END,"
                + " (g % 1000) / 1000.0, 0.5, 0.9, array_fill(0.5::real, ARRAY[37]), 'synthetic',"
                + " ARRAY['AMOUNT', 'CARD_SPEND_1H', 'CARD_VELOCITY_30D'], ARRAY[1, 2, 3]::real[],"
                + " ARRAY[0.5, 0.3, 0.1]::real[], 'xgb-synthetic', 'node-1', false, 100, 100, 100, 300, 'psp'"
                + " FROM generate_series(" + from + "::bigint, " + to + "::bigint) g,"
                + " LATERAL (SELECT now() - make_interval(secs => (g * 2654435761 % 2592000)::double precision) AS t) x";
    }
}
