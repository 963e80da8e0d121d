package dev.fraudscore.node;

import dev.fraudscore.node.config.NodeConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** The node's PostgreSQL connection pools, all built the same way from {@code postgres.url}. */
public final class PgPools {
    private PgPools() {}

    public static Pool create(Vertx vertx, NodeConfig.Postgres postgres, int size) {
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(size))
                .connectingTo(PgConnectOptions.fromUri(postgres.url()))
                .using(vertx)
                .build();
    }
}
