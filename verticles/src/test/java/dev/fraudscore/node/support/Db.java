package dev.fraudscore.node.support;

import dev.fraudscore.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the audit tables of a test node's database over JDBC (test threads only, never an event loop). */
public final class Db implements AutoCloseable {
    private final Connection connection;

    public Db(String postgresUri) throws SQLException {
        connection = DriverManager.getConnection(
                TestPostgres.jdbc(postgresUri), TestPostgres.user(postgresUri), TestPostgres.password(postgresUri));
    }

    public List<Map<String, Object>> query(String sql, Object... params) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                int n = r.getMetaData().getColumnCount();
                while (r.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= n; i++) {
                        row.put(r.getMetaData().getColumnLabel(i), r.getObject(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    /**
     * Runs a statement that returns no rows (DDL, a trigger for a drill). DDL on the partitioned audit table takes
     * locks on every partition while the audit writer inserts into them: a deadlock PostgreSQL breaks (40P01) is
     * tried again.
     */
    public void execute(String sql) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Statement s = connection.createStatement()) {
                s.execute(sql);
                return;
            } catch (SQLException e) {
                if (!"40P01".equals(e.getSQLState()) || attempt >= 20) {
                    throw e;
                }
                try {
                    Thread.sleep(50L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    public long count(String sql, Object... params) throws SQLException {
        return ((Number) query(sql, params).get(0).values().iterator().next()).longValue();
    }

    /** Re-runs a count until it reaches {@code expected} (audit writes are asynchronous) or the deadline passes. */
    public long awaitCount(long expected, Duration timeout, String sql, Object... params) throws Exception {
        long[] n = new long[1];
        Await.until(() -> (n[0] = count(sql, params)) >= expected, timeout, 20);
        return n[0];
    }

    /** The plan of {@code query} (EXPLAIN, not run) after {@code setting} (e.g. a planner switch), as text. */
    public String plan(String setting, String query) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Statement s = connection.createStatement()) {
            s.execute(setting);
            try (ResultSet r = s.executeQuery("EXPLAIN " + query)) {
                while (r.next()) {
                    plan.append(r.getString(1)).append('\n');
                }
            }
            s.execute("RESET ALL");
        }
        return plan.toString();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
