package dev.fraudscore.node;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the schema migrations from {@code sql/migrations} (packaged as classpath:db/migration) with Flyway, as the
 * migration owner ({@code postgres.migrationUrl}, else {@code postgres.url}).
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {}

    /** A {@code postgresql://user:password@host:port/db?params} URI as JDBC sees it; the parameters (sslmode) kept. */
    public record Jdbc(String url, String user, String password) {
        public static Jdbc of(String uri) {
            URI u = URI.create(uri);
            String info = u.getUserInfo() == null ? "postgres" : u.getUserInfo();
            String query = u.getQuery() == null ? "" : "?" + u.getQuery();
            int port = u.getPort() < 0 ? 5432 : u.getPort();
            return new Jdbc(
                    "jdbc:postgresql://" + u.getHost() + ":" + port + u.getPath() + query,
                    info.split(":", 2)[0],
                    info.contains(":") ? info.split(":", 2)[1] : "");
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }
    }

    /** Blocking: call before Vert.x starts, never on an event loop. */
    public static void migrate(String postgresUri) {
        Jdbc jdbc = Jdbc.of(postgresUri);
        MigrateResult result = Flyway.configure()
                .dataSource(jdbc.url(), jdbc.user(), jdbc.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info("schema at version {} ({} migrations applied)", result.targetSchemaVersion, result.migrationsExecuted);
    }
}
