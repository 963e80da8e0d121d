package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.node.support.Db;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.RunningNode;
import dev.fraudscore.testkit.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node connected as a user of the fraud_writer role (the migrations run as the owner), on a real PostgreSQL: it
 * decides, records and labels; it cannot change or delete a recorded decision. An analyst user reads the masked
 * views and nothing else.
 */
class LeastPrivilegeIT {
    private static String owner;
    private static String writerUrl;
    private static String analystUrl;
    private static String writer;
    private static String analyst;
    private static Db ownerDb;
    private static RunningNode it;

    /** The same database as another user (the test server trusts local connections). */
    private static String as(String user, String uri) {
        URI u = URI.create(uri);
        return "postgresql://" + user + "@" + u.getHost() + ":" + u.getPort() + u.getPath();
    }

    @BeforeAll
    static void start() throws Exception {
        owner = TestPostgres.freshDatabase("least_priv");
        Migrations.migrate(owner); // the DBA's step: the schema and the two group roles
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        writer = "lp_app_" + suffix;
        analyst = "lp_analyst_" + suffix;
        ownerDb = new Db(owner);
        ownerDb.execute("CREATE ROLE " + writer + " LOGIN IN ROLE fraud_writer");
        ownerDb.execute("CREATE ROLE " + analyst + " LOGIN IN ROLE fraud_analyst");
        writerUrl = as(writer, owner);
        analystUrl = as(analyst, owner);
        it = RunningNode.start(
                "least_priv",
                c -> c.getJsonObject("postgres").put("url", writerUrl).put("migrationUrl", owner));
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
        ownerDb.execute("DROP OWNED BY " + writer + ", " + analyst);
        ownerDb.execute("DROP ROLE " + writer);
        ownerDb.execute("DROP ROLE " + analyst);
        ownerDb.close();
    }

    @Test
    void theWriterDecidesRecordsAndLabelsButCannotAlterARecordedDecision() throws Exception {
        JsonObject tx = Http.tx("lp-1", "card_lp", "term_lp", 80).put("ipAddress", "203.0.113.77");
        assertEquals(200, it.http().authorize(tx).statusCode());
        ownerDb.awaitCount(
                1, Duration.ofSeconds(20), "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'lp-1'");
        assertEquals(
                200,
                it.http()
                        .post(
                                "/v1/labels",
                                "application/json",
                                new JsonObject()
                                        .put("transactionId", "lp-1")
                                        .put("fraud", true)
                                        .put("source", "chargeback")
                                        .encode())
                        .statusCode());
        assertEquals(1, ownerDb.count("SELECT count(*) FROM audit.labels WHERE transaction_id = 'lp-1' AND fraud"));

        try (Db w = new Db(writerUrl)) {
            for (String sql : new String[] {
                "UPDATE audit.decisions SET decision = 'APPROVE' WHERE transaction_id = 'lp-1'",
                "DELETE FROM audit.decisions WHERE transaction_id = 'lp-1'",
                "TRUNCATE audit.decisions",
                "DELETE FROM audit.labels",
                "UPDATE access.api_keys SET roles = ARRAY['admin']",
                "CREATE TABLE audit.mine (x int)"
            }) {
                SQLException e = assertThrows(SQLException.class, () -> w.execute(sql), sql);
                assertTrue(e.getMessage().contains("permission denied"), sql + ": " + e.getMessage());
            }
        }
        assertEquals(
                1,
                ownerDb.count("SELECT count(*) FROM audit.decisions WHERE transaction_id = 'lp-1'"),
                "the row is still there");
    }

    @Test
    void theAnalystReadsMaskedViewsOnly() throws Exception {
        assertEquals(
                200,
                it.http()
                        .authorize(Http.tx("lp-2", "card_lp2", "term_lp", 12).put("ipAddress", "198.51.100.200"))
                        .statusCode());
        ownerDb.awaitCount(
                1, Duration.ofSeconds(20), "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'lp-2'");
        try (Db a = new Db(analystUrl)) {
            Map<String, Object> row = a.query(
                            "SELECT card_id, ip_network::text AS ip, reasons::text AS reasons FROM analyst.decisions"
                                    + " WHERE transaction_id = 'lp-2'")
                    .get(0);
            assertEquals("card_lp2", row.get("card_id"));
            assertEquals("198.51.100.0/24", row.get("ip"), "the address only as its network");
            assertNotNull(row.get("reasons"));
            assertThrows(SQLException.class, () -> a.query("SELECT * FROM audit.decisions"));
            assertThrows(SQLException.class, () -> a.query("SELECT * FROM access.api_keys"));
            assertThrows(
                    SQLException.class, () -> a.execute("DELETE FROM analyst.decisions WHERE transaction_id = 'lp-2'"));
            // read-only: no insert or update through the views, no masked column, no table behind them
            assertThrows(
                    SQLException.class,
                    () -> a.execute("INSERT INTO analyst.labels (transaction_id, client, fraud, source, card_id,"
                            + " terminal_id, event_time) VALUES ('x', 'c', true, 's', 'c', 't', now())"));
            assertThrows(
                    SQLException.class,
                    () -> a.execute("UPDATE analyst.decisions SET decision = 'APPROVE' WHERE transaction_id = 'lp-2'"));
            assertThrows(SQLException.class, () -> a.execute("UPDATE analyst.cases SET status = 'resolved'"));
            assertThrows(SQLException.class, () -> a.query("SELECT ip_address FROM analyst.decisions"));
            assertThrows(SQLException.class, () -> a.query("SELECT * FROM audit.cases"));
            assertEquals(0L, a.count("SELECT count(*) FROM analyst.cases WHERE status = 'resolved'"));
            assertEquals(0L, a.count("SELECT count(*) FROM analyst.case_events WHERE action = 'resolved'"));
        }
    }
}
