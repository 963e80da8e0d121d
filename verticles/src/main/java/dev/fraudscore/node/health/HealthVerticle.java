package dev.fraudscore.node.health;

import com.hazelcast.cluster.ClusterState;
import com.hazelcast.core.HazelcastInstance;
import dev.fraudscore.features.Feature;
import dev.fraudscore.node.PgPools;
import dev.fraudscore.node.audit.DecisionLog;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.FeatureVector;
import dev.fraudscore.node.cluster.HazelcastSetup;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.kafka.KafkaClients;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Health, every {@code health.intervalMs}, each check within {@code health.timeoutMs}. Readiness is "this node can
 * decide": its Hazelcast member runs in an active cluster, the model answers (a row scored through the scoring
 * stage, as a decision would be), and the decision log takes rows (below {@code audit.logMaxBytes}, its disk
 * writable). PostgreSQL ({@code SELECT 1}) and Kafka (describe cluster) are checked and reported in {@code /health}
 * and as gauges, but a decision needs neither (audit rows wait in the decision log, stream records in Kafka), so
 * their outage never takes a node out of the load balancer. Gauge {@code fraud_health{check}}: 1 up, 0 down.
 */
public final class HealthVerticle extends VerticleBase {
    public static final Set<String> REQUIRED = Set.of("hazelcast", "model", "audit-log");
    public static final Set<String> REPORTED = Set.of("postgres", "kafka");

    private final NodeConfig.Health config;
    private final NodeConfig.Postgres postgres;
    private final NodeConfig.Kafka kafkaConfig;
    private final HazelcastInstance hazelcast;
    private final DecisionLog log;
    private final Health health;
    private Pool pool;
    private KafkaAdminClient kafka;
    private DeliveryOptions probeDelivery;
    private BooleanSupplier quorumPresent;

    public HealthVerticle(
            NodeConfig.Health config,
            NodeConfig.Postgres postgres,
            NodeConfig.Kafka kafka,
            HazelcastInstance hazelcast,
            DecisionLog log,
            Health health,
            MeterRegistry registry) {
        this.config = config;
        this.postgres = postgres;
        this.kafkaConfig = kafka;
        this.hazelcast = hazelcast;
        this.log = log;
        this.health = health;
        for (String check : health.checks()) {
            Gauge.builder("fraud.health", health, h -> h.up(check))
                    .description("health checks: 1 up, 0 down (hazelcast, model and audit-log make readiness)")
                    .tag("check", check)
                    .register(registry);
        }
    }

    @Override
    public Future<?> start() {
        quorumPresent = HazelcastSetup.quorumPresent(hazelcast);
        pool = PgPools.create(vertx, postgres, 1);
        String timeout = Long.toString(Math.max(config.timeoutMs(), 1000));
        kafka = KafkaAdminClient.create(
                vertx,
                KafkaClients.admin(
                        kafkaConfig, Map.of("request.timeout.ms", timeout, "default.api.timeout.ms", timeout)));
        probeDelivery = new DeliveryOptions().setSendTimeout(config.timeoutMs()).setLocalOnly(true);
        vertx.setPeriodic(0, config.intervalMs(), id -> check());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        return Future.join(pool.close(), kafka.close());
    }

    private void check() {
        boolean running = hazelcast.getLifecycleService().isRunning()
                && hazelcast.getCluster().getClusterState() == ClusterState.ACTIVE;
        boolean quorum = running && quorumPresent.getAsBoolean();
        health.report(
                "hazelcast",
                running && quorum,
                !running
                        ? "member not running or cluster not active"
                        : quorum
                                ? "member running, cluster active, quorum present"
                                : "minority side of a split cluster");
        // a row of missing values, interactive so that it is not queued behind a stream backlog
        FeatureVector probe = new FeatureVector(new float[Feature.COUNT], true);
        record(
                "model",
                vertx.eventBus()
                        .request(Addresses.SCORING_SCORE, probe, probeDelivery)
                        .mapEmpty(),
                "scores");
        if (log.failure() != null) {
            // the disk refused a write: probe it off the event loop; a success takes checks again
            vertx.executeBlocking(log::probe, false);
        }
        String failure = log.failure();
        health.report(
                "audit-log",
                !log.full(),
                failure != null
                        ? "cannot be written: " + failure
                        : log.waiting() + " of " + log.maxBytes() + " bytes waiting for PostgreSQL");
        record("postgres", pool.query("SELECT 1").execute().mapEmpty(), "answers");
        record("kafka", kafka.describeCluster().mapEmpty(), "answers");
    }

    private void record(String check, Future<Void> probe, String ok) {
        probe.timeout(config.timeoutMs(), TimeUnit.MILLISECONDS)
                .onSuccess(v -> health.report(check, true, ok))
                .onFailure(e -> health.report(
                        check,
                        false,
                        e instanceof TimeoutException
                                ? "no answer within " + config.timeoutMs() + " ms"
                                : "unreachable"));
    }
}
