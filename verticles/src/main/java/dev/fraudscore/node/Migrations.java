package dev.fraudscore.node;

import io.vertx.pgclient.PgConnectOptions;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the schema migrations from {@code sql/migrations} (packaged as classpath:db/migration) with Flyway. */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {}

    /** Blocking: call before Vert.x starts, never on an event loop. */
    public static void migrate(String postgresUri) {
        PgConnectOptions o = PgConnectOptions.fromUri(postgresUri);
        String jdbc = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
        MigrateResult result = Flyway.configure()
                .dataSource(jdbc, o.getUser(), o.getPassword())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info("schema at version {} ({} migrations applied)", result.targetSchemaVersion, result.migrationsExecuted);
    }
}
