package dev.fraudscore.node.health;

import com.hazelcast.cluster.ClusterState;
import com.hazelcast.core.HazelcastInstance;
import dev.fraudscore.features.Feature;
import dev.fraudscore.node.PgPools;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.FeatureVector;
import dev.fraudscore.node.config.NodeConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Readiness: every {@code health.intervalMs}, checks PostgreSQL ({@code SELECT 1}), Kafka (describe cluster),
 * Hazelcast (member running, cluster active) and the model (a row scored through the scoring stage, as a
 * decision would be), each within {@code health.timeoutMs}, and records the outcome in {@link Health}. A load
 * balancer sends traffic only to nodes whose {@code /health/ready} answers 200.
 */
public final class HealthVerticle extends VerticleBase {
    public static final Set<String> CHECKS = Set.of("postgres", "kafka", "hazelcast", "model");

    private final NodeConfig.Health config;
    private final NodeConfig.Postgres postgres;
    private final NodeConfig.Kafka kafkaConfig;
    private final HazelcastInstance hazelcast;
    private final Health health;
    private Pool pool;
    private KafkaAdminClient kafka;
    private DeliveryOptions probeDelivery;

    public HealthVerticle(
            NodeConfig.Health config,
            NodeConfig.Postgres postgres,
            NodeConfig.Kafka kafka,
            HazelcastInstance hazelcast,
            Health health) {
        this.config = config;
        this.postgres = postgres;
        this.kafkaConfig = kafka;
        this.hazelcast = hazelcast;
        this.health = health;
    }

    @Override
    public Future<?> start() {
        pool = PgPools.create(vertx, postgres, 1);
        String timeout = Long.toString(Math.max(config.timeoutMs(), 1000));
        kafka = KafkaAdminClient.create(
                vertx,
                Map.of(
                        "bootstrap.servers",
                        kafkaConfig.bootstrapServers(),
                        "request.timeout.ms",
                        timeout,
                        "default.api.timeout.ms",
                        timeout));
        probeDelivery = new DeliveryOptions().setSendTimeout(config.timeoutMs()).setLocalOnly(true);
        vertx.setPeriodic(0, config.intervalMs(), id -> check());
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
        // a row of missing values, interactive so that it is not queued behind a stream backlog
        FeatureVector probe = new FeatureVector(new float[Feature.COUNT], true);
        record(
                "model",
                vertx.eventBus()
                        .request(Addresses.SCORING_SCORE, probe, probeDelivery)
                        .mapEmpty());
    }

    private void record(String check, Future<Void> probe) {
        probe.timeout(config.timeoutMs(), TimeUnit.MILLISECONDS)
                .onSuccess(v -> health.report(check, null))
                .onFailure(e -> health.report(check, e.toString()));
    }
}
