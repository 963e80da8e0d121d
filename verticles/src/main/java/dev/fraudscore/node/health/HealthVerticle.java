package dev.fraudscore.node.health;

import com.hazelcast.cluster.ClusterState;
import com.hazelcast.core.HazelcastInstance;
import dev.fraudscore.node.PgPools;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.scoring.ModelHolder;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Readiness: every second, checks PostgreSQL ({@code SELECT 1}), Kafka (describe cluster), Hazelcast (member
 * running, cluster active) and the model, each with a deadline, and records the outcome in {@link Health}.
 * A load balancer sends traffic only to nodes whose {@code /health/ready} answers 200.
 */
public final class HealthVerticle extends VerticleBase {
    public static final int CHECKS = 4;
    private static final long DEADLINE_MS = 800;

    private final NodeConfig config;
    private final HazelcastInstance hazelcast;
    private final ModelHolder models;
    private final Health health;
    private Pool pool;
    private KafkaAdminClient kafka;

    public HealthVerticle(NodeConfig config, HazelcastInstance hazelcast, ModelHolder models, Health health) {
        this.config = config;
        this.hazelcast = hazelcast;
        this.models = models;
        this.health = health;
    }

    @Override
    public Future<?> start() {
        pool = PgPools.create(vertx, config.postgres(), 1);
        kafka = KafkaAdminClient.create(
                vertx,
                Map.of(
                        "bootstrap.servers",
                        config.kafka().bootstrapServers(),
                        "request.timeout.ms",
                        "2000",
                        "default.api.timeout.ms",
                        "2000"));
        vertx.setPeriodic(0, 1000, id -> check());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        return Future.join(pool.close(), kafka.close());
    }

    private void check() {
        record("postgres", pool.query("SELECT 1").execute().mapEmpty());
        record("kafka", kafka.describeCluster().mapEmpty());
        boolean hz = hazelcast.getLifecycleService().isRunning()
                && hazelcast.getCluster().getClusterState() == ClusterState.ACTIVE;
        health.report("hazelcast", hz ? null : "Hazelcast member not running or cluster not active");
        health.report("model", models.champion() != null ? null : "no model");
    }

    private void record(String check, Future<Void> probe) {
        probe.timeout(DEADLINE_MS, TimeUnit.MILLISECONDS)
                .onSuccess(v -> health.report(check, null))
                .onFailure(e -> health.report(check, e.toString()));
    }
}
