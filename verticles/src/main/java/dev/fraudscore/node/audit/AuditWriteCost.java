package dev.fraudscore.node.audit;

import dev.fraudscore.features.Feature;
import dev.fraudscore.node.Migrations;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * What an audit row costs PostgreSQL (issue 13, point 3): the same synthetic rows (every column filled as a decision
 * fills it: 37 features, 3 reasons) written in batches by the node's statement ({@code audit.record_decisions}: INSERT
 * .. SELECT FROM UNNEST of column arrays) and by {@code COPY .. FROM STDIN (FORMAT csv)} through the JDBC driver's
 * CopyManager, each into a fresh database on the same server. Reports the PostgreSQL backend's CPU per row (its
 * /proc stat: the server must run on this machine), rows per second, and bytes on disk per row (the partitions and
 * their indexes).
 *
 * <pre>ops/audit-write-cost.sh [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--rows 200000] [--batch 500]</pre>
 */
public final class AuditWriteCost {
    private AuditWriteCost() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(
                Map.of("postgres", "postgresql://postgres@127.0.0.1:5432/postgres", "rows", "200000", "batch", "500"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        int rows = Integer.parseInt(o.get("rows"));
        int batch = Integer.parseInt(o.get("batch"));
        List<String[]> data = rows(rows);
        System.out.printf(
                "%,d synthetic audit rows, batches of %d, PostgreSQL at %s%n", rows, batch, o.get("postgres"));
        for (String method : List.of("unnest", "copy")) {
            String db = "audit_cost_" + method + "_" + System.nanoTime() % 1_000_000;
            String admin = o.get("postgres");
            try (Connection c = Migrations.Jdbc.of(admin).connect();
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + db);
            }
            String url = admin.substring(0, admin.lastIndexOf('/') + 1) + db;
            Migrations.migrate(url);
            try (Connection c = Migrations.Jdbc.of(url).connect()) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT audit.ensure_daily_partitions(current_date - 1, 3)");
                }
                long pid = backendPid(c);
                long cpu0 = cpuTicks(pid);
                long t0 = System.nanoTime();
                for (int from = 0; from < rows; from += batch) {
                    List<String[]> b = data.subList(from, Math.min(rows, from + batch));
                    if (method.equals("unnest")) {
                        unnest(c, b);
                    } else {
                        copy(c, b);
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                long ticks = cpuTicks(pid) - cpu0;
                double cpuMicrosPerRow = ticks * 1e6 / 100.0 / rows; // USER_HZ = 100
                long bytes;
                long count;
                try (Statement s = c.createStatement();
                        ResultSet r = s.executeQuery("SELECT (SELECT sum(pg_total_relation_size(inhrelid))"
                                + " FROM pg_inherits WHERE inhparent = 'audit.decisions'::regclass),"
                                + " (SELECT count(*) FROM audit.decisions)")) {
                    r.next();
                    bytes = r.getLong(1);
                    count = r.getLong(2);
                }
                System.out.printf(
                        "%-7s %,9.0f rows/s   PostgreSQL CPU %6.1f us/row   %,6d bytes/row on disk (table + indexes;"
                                + " %,d rows)%n",
                        method, rows / seconds, cpuMicrosPerRow, bytes / Math.max(1, count), count);
                try (Statement s = c.createStatement();
                        ResultSet r = s.executeQuery(
                                "SELECT avg(pg_column_size(d.*)), avg(coalesce(pg_column_size(feature_values), pg_column_size(features))),"
                                        + " avg(coalesce(pg_column_size(reasons), pg_column_size(reason_codes) + pg_column_size(reason_values)"
                                        + " + pg_column_size(reason_contributions))), (SELECT sum(pg_indexes_size(inhrelid))"
                                        + " FROM pg_inherits WHERE inhparent = 'audit.decisions'::regclass) / count(*)"
                                        + " FROM audit.decisions d")) {
                    r.next();
                    System.out.printf(
                            "        of which: row %.0f bytes (features %.0f, reasons %.0f), indexes %d bytes/row%n",
                            r.getDouble(1), r.getDouble(2), r.getDouble(3), r.getLong(4));
                }
            }
            try (Connection c = Migrations.Jdbc.of(admin).connect();
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE " + db);
            }
        }
    }

    private static void unnest(Connection c, List<String[]> batch) throws Exception {
        String[][] cols = AuditRows.columns(batch);
        try (PreparedStatement p = c.prepareStatement(
                "SELECT audit.record_decisions(" + "?::text[], ".repeat(cols.length - 1) + "?::text[])")) {
            for (int i = 0; i < cols.length; i++) {
                Array a = c.createArrayOf("text", cols[i]);
                p.setArray(i + 1, a);
            }
            p.execute();
        }
    }

    private static void copy(Connection c, List<String[]> batch) throws Exception {
        StringBuilder csv = new StringBuilder(batch.size() * 1800);
        for (String[] row : batch) {
            StringJoiner line = new StringJoiner(",");
            for (String v : row) {
                line.add(v == null ? "" : '"' + v.replace("\"", "\"\"") + '"');
            }
            csv.append(line).append('\n');
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        copy.copyIn(
                "COPY audit.decisions (" + String.join(", ", AuditRows.names()) + ") FROM STDIN (FORMAT csv)",
                new StringReader(csv.toString()));
    }

    private static long backendPid(Connection c) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** utime + stime of a process, in clock ticks. */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Rows shaped as the node writes them (AuditRows' column order), from 10,000 cards at 2,000 terminals. */
    private static List<String[]> rows(int n) {
        SplittableRandom random = new SplittableRandom(7);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<String[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder features = new StringBuilder("{");
            for (int f = 0; f < Feature.COUNT; f++) {
                features.append(f > 0 ? "," : "").append((float) random.nextDouble(0, 500));
            }
            features.append('}');
            String t = now.plusMillis(i).toString();
            double score = random.nextDouble();
            out.add(new String[] {
                "tx-" + i + "-" + Long.toHexString(random.nextLong()),
                t,
                t,
                "card_" + random.nextInt(10_000),
                "term_" + random.nextInt(2_000),
                null,
                String.format("%.2f", random.nextDouble(1, 900)),
                "EUR",
                "ECOM",
                null,
                null,
                null,
                null,
                "HTTP",
                score > 0.9 ? "DECLINE" : score > 0.5 ? "REVIEW" : "APPROVE",
                Double.toString(score),
                "0.5",
                "0.9",
                null,
                features.toString(),
                "xgb-2026-11-21-b4fa3e04",
                "vm-30301",
                "false",
                null,
                "1352",
                "288",
                "992",
                "2633",
                null,
                null,
                "local-decide",
                t,
                t,
                Feature.setKey(),
                "{\"AMOUNT\",\"CARD_SPEND_1H\",\"CARD_AVG_AMOUNT_30D\"}",
                "{249.9,249.9,249.9}",
                "{1.634,1.3101,0.8139}"
            });
        }
        return out;
    }
}
