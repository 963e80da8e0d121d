package dev.fraudscore.testkit;

import dev.fraudscore.devinfra.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL server for integration tests, chosen once per JVM:
 * <ol>
 *   <li>{@code FRAUD_TEST_PG_URL} (e.g. {@code postgresql://postgres@127.0.0.1:5432/postgres}), else</li>
 *   <li>a Testcontainers PostgreSQL where a Docker engine answers, else</li>
 *   <li>an embedded server from Maven-shipped binaries.</li>
 * </ol>
 * Each caller gets a fresh database of its own on that server, so test classes never see each other's rows.
 */
public final class TestPostgres {
    private static final Logger LOG = LoggerFactory.getLogger(TestPostgres.class);
    private static Server server;

    private TestPostgres() {}

    /** The server's admin URI ({@code postgresql://user[:password]@host:port/db}). */
    private record Server(String adminUri, String how) {}

    private static synchronized Server server() {
        if (server != null) {
            return server;
        }
        String env = System.getenv("FRAUD_TEST_PG_URL");
        if (env != null && !env.isBlank()) {
            server = new Server(env, "FRAUD_TEST_PG_URL");
        } else if (dockerAvailable()) {
            PostgreSQLContainer c = new PostgreSQLContainer("postgres:16-alpine");
            c.start();
            Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
            server = new Server(
                    "postgresql://" + c.getUsername() + ":" + c.getPassword() + "@" + c.getHost() + ":"
                            + c.getMappedPort(5432) + "/" + c.getDatabaseName(),
                    "Testcontainers");
        } else {
            try {
                EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(null, 0);
                server = new Server(pg.uri("postgres"), "embedded binaries (no FRAUD_TEST_PG_URL, no Docker)");
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            }
        }
        LOG.info("integration tests use PostgreSQL from {}", server.how());
        return server;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            LOG.info("Testcontainers cannot reach Docker: {}", e.toString());
            return false;
        }
    }

    /** Creates an empty database and returns its {@code postgresql://} URI. */
    public static String freshDatabase(String prefix) {
        String admin = server().adminUri();
        String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase()
                .replaceAll("[^a-z0-9_]", "_");
        try (Connection c = DriverManager.getConnection(jdbc(admin), user(admin), password(admin));
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on " + admin, e);
        }
        URI u = URI.create(admin);
        return u.getScheme() + "://" + u.getRawUserInfo() + "@" + u.getHost() + ":" + u.getPort() + "/" + name;
    }

    public static String jdbc(String uri) {
        URI u = URI.create(uri);
        return "jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getPath();
    }

    public static String user(String uri) {
        String info = URI.create(uri).getUserInfo();
        return info == null ? "postgres" : info.split(":", 2)[0];
    }

    public static String password(String uri) {
        String info = URI.create(uri).getUserInfo();
        return info == null || !info.contains(":") ? "" : info.split(":", 2)[1];
    }
}
