package dev.fraudscore.node;

import com.hazelcast.core.HazelcastInstance;
import dev.fraudscore.devinfra.EmbeddedPostgresServer;
import dev.fraudscore.devinfra.KafkaBroker;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.model.ModelLoadException;
import dev.fraudscore.node.access.Access;
import dev.fraudscore.node.access.ApiKeys;
import dev.fraudscore.node.access.KeysVerticle;
import dev.fraudscore.node.admin.AdminVerticle;
import dev.fraudscore.node.admission.Admission;
import dev.fraudscore.node.alerts.AlertsVerticle;
import dev.fraudscore.node.analyst.AnalystRoutes;
import dev.fraudscore.node.audit.AuditVerticle;
import dev.fraudscore.node.audit.DecisionLog;
import dev.fraudscore.node.bus.Codecs;
import dev.fraudscore.node.bus.LoopRoutes;
import dev.fraudscore.node.cluster.HazelcastSetup;
import dev.fraudscore.node.config.ConfigException;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.decision.DecisionPolicy;
import dev.fraudscore.node.decision.DecisionVerticle;
import dev.fraudscore.node.decision.StageBreakers;
import dev.fraudscore.node.decision.StageDeadlines;
import dev.fraudscore.node.features.FeaturesVerticle;
import dev.fraudscore.node.health.Health;
import dev.fraudscore.node.health.HealthVerticle;
import dev.fraudscore.node.http.ApiContract;
import dev.fraudscore.node.http.HttpIngestVerticle;
import dev.fraudscore.node.http.RouteMount;
import dev.fraudscore.node.kafka.KafkaIngestVerticle;
import dev.fraudscore.node.kafka.KafkaTopics;
import dev.fraudscore.node.labels.LabelsVerticle;
import dev.fraudscore.node.risk.ListsVerticle;
import dev.fraudscore.node.risk.RiskLists;
import dev.fraudscore.node.risk.RiskRoutes;
import dev.fraudscore.node.risk.RiskRules;
import dev.fraudscore.node.scoring.DriftMonitor;
import dev.fraudscore.node.scoring.ModelHolder;
import dev.fraudscore.node.scoring.ScoringCapacity;
import dev.fraudscore.node.scoring.ScoringVerticle;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one node: the embedded PostgreSQL and Kafka broker when none is configured, the schema
 * migrations, the model, a clustered Vert.x on Hazelcast, and every verticle with its configured number
 * of instances. {@link #main} is the run command's entry point; tests call {@link #start}.
 */
public final class FraudNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FraudNode.class);

    private final NodeConfig config;
    private final Vertx vertx;
    private final ModelHolder models;
    private final List<AutoCloseable> infrastructure;
    private final int httpPort;
    private final int adminPort;

    private FraudNode(
            NodeConfig config,
            Vertx vertx,
            ModelHolder models,
            List<AutoCloseable> infrastructure,
            int httpPort,
            int adminPort) {
        this.config = config;
        this.vertx = vertx;
        this.models = models;
        this.infrastructure = infrastructure;
        this.httpPort = httpPort;
        this.adminPort = adminPort;
    }

    public static void main(String[] args) {
        // Hazelcast runs some callbacks on ForkJoinPool.commonPool() only when its parallelism is > 1; with 1
        // (a 2-core machine) it starts a thread per callback. The ops scripts pass this flag; this is the fallback.
        if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
            System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "2");
        }
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            }
        }
        if (file == null && System.getenv("FRAUD_CONFIG") != null) {
            file = Path.of(System.getenv("FRAUD_CONFIG"));
        }
        NodeConfig config;
        try {
            config = NodeConfig.load(file, System.getenv());
        } catch (ConfigException e) {
            System.err.println("fraudscore: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            FraudNode node = start(config);
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "fraudscore-stop"));
            System.out.println(node.banner());
        } catch (ModelLoadException e) {
            System.err.println("fraudscore: model refused: " + e.getMessage());
            System.exit(3);
        } catch (Exception e) {
            LOG.error("start-up failed", e);
            System.exit(1);
        }
    }

    public static FraudNode start(NodeConfig config) throws Exception {
        // the models first: a refused model must stop start-up before anything is started or migrated
        ModelHolder models = new ModelHolder(
                config.decision(), ModelHolder.load(config.scoring().modelPath(), config.decision()));
        if (config.scoring().challengerPath() != null) {
            models.shadow(config.scoring().challengerPath(), null);
        }
        if (!config.dev() && (config.postgres().embedded() || config.kafka().embedded())) {
            // a production node must never quietly start a database of its own
            throw new ConfigException(
                    config.postgres().embedded() ? "postgres.url" : "kafka.bootstrapServers",
                    "is empty: set it, or set node.dev: true (FRAUD_NODE_DEV=true, as ops/run.sh does) to start the"
                            + " embedded development servers");
        }
        List<AutoCloseable> infrastructure = new ArrayList<>();
        try {
            if (config.postgres().embedded()) {
                EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(
                        config.postgres().embeddedDataDir().toAbsolutePath(),
                        config.postgres().embeddedPort());
                infrastructure.add(pg);
                config = config.withPostgres(config.postgres().withUrl(pg.uri("postgres")));
            }
            if (config.kafka().embedded()) {
                KafkaBroker kafka = KafkaBroker.start(
                        config.kafka().embeddedDataDir().toAbsolutePath(),
                        config.kafka().embeddedPort(),
                        config.kafka().embeddedControllerPort(),
                        Duration.ofSeconds(90));
                infrastructure.add(kafka);
                config = config.withKafka(config.kafka().withBootstrapServers(kafka.bootstrapServers()));
            }
            Migrations.migrate(config.postgres().ownerUrl());
            KafkaTopics.ensure(config.kafka());
            Thresholds thresholds = models.champion().thresholds();
            LOG.info(
                    "serving model {} with REVIEW >= {} and DECLINE >= {}",
                    models.champion().version(),
                    thresholds.review(),
                    thresholds.decline());

            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            HazelcastClusterManager cluster = new HazelcastClusterManager(HazelcastSetup.config(config));
            VertxOptions options = new VertxOptions()
                    .setMetricsOptions(new MicrometerMetricsOptions()
                            .setEnabled(true)
                            .setJvmMetricsEnabled(true)
                            // Vert.x keeps one backend per registry name in a static map: two nodes in one JVM
                            // (the tests) under the default name would share the first node's registry
                            .setRegistryName("fraudscore-" + config.nodeId() + "-" + System.identityHashCode(registry))
                            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)))
                    .setWorkerPoolSize(config.workerPoolSize());
            if (!config.cluster().host().contains("*")) { // a literal address, not a pattern
                // the clustered event bus listens on the cluster's private interface only, as Hazelcast does
                options.setEventBusOptions(
                        new EventBusOptions().setHost(config.cluster().host()));
            }
            if (config.eventLoops() > 0) {
                options.setEventLoopPoolSize(config.eventLoops());
            }
            Vertx vertx = Vertx.builder()
                    .with(options)
                    .withClusterManager(cluster)
                    .withMetrics(new MicrometerMetricsFactory(registry))
                    .buildClustered()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(config.startTimeoutMs(), TimeUnit.MILLISECONDS);
            Codecs.register(vertx);
            try {
                int[] ports = deploy(vertx, config, cluster, models, registry, infrastructure);
                return new FraudNode(config, vertx, models, infrastructure, ports[0], ports[1]);
            } catch (Exception e) {
                vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
                throw e;
            }
        } catch (Exception e) {
            models.close();
            for (AutoCloseable c : infrastructure) {
                c.close();
            }
            throw e;
        }
    }

    private static int[] deploy(
            Vertx vertx,
            NodeConfig c,
            HazelcastClusterManager cluster,
            ModelHolder holder,
            PrometheusMeterRegistry registry,
            List<AutoCloseable> closeAfterVertx)
            throws Exception {
        HazelcastInstance hz = cluster.getHazelcastInstance();
        long t = c.startTimeoutMs();
        String node = c.nodeId();
        ApiKeys keys = new ApiKeys();
        await(t, vertx.deployVerticle(new KeysVerticle(c.security(), c.postgres(), keys)));
        Access access = new Access(keys, registry);
        DecisionLog log = auditLog(c.audit(), registry);
        closeAfterVertx.add(log);
        await(t, vertx.deployVerticle(new AuditVerticle(c.audit(), c.postgres(), node, log, registry)));
        await(
                t,
                deploy(
                        vertx,
                        () -> new AlertsVerticle(c.kafka(), node),
                        c.alerts().instances()));
        DriftMonitor drift = new DriftMonitor(registry, java.time.Clock.systemUTC());
        await(
                t,
                deploy(
                        vertx,
                        () -> new ScoringVerticle(c.scoring(), holder, registry, drift),
                        c.scoring().instances()));
        // 0 instances: one per event loop, so that every loop has the pipeline's hops beside it (LoopRoutes)
        int loops = c.loops();
        LoopRoutes routes = new LoopRoutes();
        StageDeadlines.BySource deadlines = StageDeadlines.BySource.from(c);
        await(
                t,
                deploy(
                        vertx,
                        () -> new FeaturesVerticle(hz, deadlines, routes),
                        c.features().instances() == 0 ? loops : c.features().instances()));
        // block and allow lists, in force before the first decision
        RiskLists lists = new RiskLists();
        RiskRules rules =
                new RiskRules(c.decision().ruleGuardWindow(), c.decision().ruleGuardShare());
        await(t, vertx.deployVerticle(new ListsVerticle(c.postgres(), hz, lists, rules, node, registry)));
        DecisionPolicy policy = new DecisionPolicy(node, c.decision().fallback(), lists, rules);
        StageBreakers breakers = new StageBreakers(c.breakers(), registry);
        ScoringCapacity capacity = new ScoringCapacity(c.scoring().queueMaxSize());
        Gauge.builder("fraud.scoring.capacity.used", capacity, ScoringCapacity::used)
                .description("decisions waiting for a score or being scored (at most scoring.queueMaxSize)")
                .register(registry);
        await(
                t,
                deploy(
                        vertx,
                        () -> new DecisionVerticle(
                                deadlines,
                                c.decision().auditAckTimeoutMs(),
                                policy,
                                hz,
                                holder,
                                registry,
                                routes,
                                capacity,
                                breakers,
                                log),
                        c.decision().instances() == 0 ? loops : c.decision().instances()));
        await(
                t,
                deploy(
                        vertx,
                        () -> new LabelsVerticle(c.labels(), c.postgres(), hz),
                        c.labels().instances()));
        Health health = new Health(HealthVerticle.REQUIRED, HealthVerticle.REPORTED);
        await(
                t,
                vertx.deployVerticle(
                        new HealthVerticle(c.health(), c.postgres(), c.kafka(), hz, log, health, registry)));
        NodeConfig.Http hc = c.http();
        Admission admission = new Admission(c.admission());
        Gauge.builder("fraud.admission.limit", admission, Admission::limit)
                .description("decisions the node takes at once now (adaptive, within admission.minLimit..maxLimit)")
                .register(registry);
        Gauge.builder("fraud.admission.inflight", admission, Admission::inFlight)
                .description("decisions admitted and not yet done (authorize-checks and stream records)")
                .register(registry);
        // the analysts' API: few requests, a small pool shared by every loop (closed with Vert.x)
        Pool apiPool = PgPools.create(vertx, c.postgres(), 4);
        ApiContract contract = await(t, ApiContract.load(vertx));
        List<RouteMount> mounts = List.of(
                new AnalystRoutes(
                        apiPool, hz, access, contract, holder, node, hc.requestTimeoutMs(), hc.maxBodyBytes()),
                new RiskRoutes(apiPool, hz, access, contract));
        List<HttpIngestVerticle> http = new ArrayList<>();
        await(
                t,
                deploy(
                        vertx,
                        () -> {
                            HttpIngestVerticle v = new HttpIngestVerticle(
                                    hc, c.security(), node, registry, health, admission, routes, access, mounts);
                            synchronized (http) {
                                http.add(v);
                            }
                            return v;
                        },
                        hc.instances() == 0 ? loops : hc.instances()));
        if (c.kafka().instances() > 0) {
            await(
                    t,
                    deploy(
                            vertx,
                            () -> new KafkaIngestVerticle(c.kafka(), c.security(), node, registry, admission, hz),
                            c.kafka().instances()));
        }
        AdminVerticle admin = new AdminVerticle(
                c.admin(),
                c.http().limits(),
                c.scoring(),
                node,
                holder,
                access,
                hz,
                registry,
                health,
                apiPool,
                c.postgres().url(),
                drift);
        await(t, vertx.deployVerticle(admin));
        return new int[] {http.get(0).actualPort(), admin.actualPort()};
    }

    private static Future<String> deploy(Vertx vertx, Supplier<? extends Deployable> verticle, int instances) {
        return vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(instances));
    }

    private static <T> T await(long timeoutMs, Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    public NodeConfig config() {
        return config;
    }

    public Vertx vertx() {
        return vertx;
    }

    public int httpPort() {
        return httpPort;
    }

    public int adminPort() {
        return adminPort;
    }

    String banner() {
        String host = config.http().host().equals("0.0.0.0")
                ? "127.0.0.1"
                : config.http().host();
        String base = (config.http().tls().enabled() ? "https://" : "http://") + host + ":" + httpPort;
        String ops = "http://" + config.admin().host() + ":" + adminPort;
        return String.join(
                "\n",
                "",
                "fraudscore node " + config.nodeId() + " is ready",
                "  model        " + models.champion().version() + "   (admin: " + ops + "/admin/models)",
                "  HTTP         " + base + HttpIngestVerticle.AUTHORIZE_CHECK
                        + (config.http().tls().mutual() ? "   (client certificates required)" : ""),
                "  operations   " + ops + "/metrics, " + ops + "/health   (admin port: keep it private)",
                "  Kafka        " + config.kafka().bootstrapServers() + "  topics: "
                        + config.kafka().topics(),
                "  PostgreSQL   " + config.postgres().url().replaceAll(":[^:@/]+@", ":***@") + "  (audit.decisions)",
                "",
                "  API keys     " + config.security().keysDir() + "/<role>.key (decide, label, analyst, admin, replay;"
                        + " ops/keys.sh creates, lists and revokes keys)",
                "",
                "Try it:",
                "  curl -s -X POST " + base + HttpIngestVerticle.AUTHORIZE_CHECK + " -H \"Authorization: Bearer $(cat "
                        + config.security().keysDir() + "/decide.key)\" \\",
                "    -H 'Content-Type: application/json' \\",
                "    -d '{\"transactionId\":\"demo-1\",\"cardId\":\"card_tok_123\",\"terminalId\":\"term-42\",\"amount\":249.90,"
                        + "\"currency\":\"EUR\",\"timestamp\":\""
                        + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\"}'",
                "");
    }

    /** The node's decision log, with its size, syncs and write errors as meters. */
    private static DecisionLog auditLog(NodeConfig.Audit a, MeterRegistry registry) throws IOException {
        DecisionLog log = DecisionLog.open(a.logDir(), a.durability(), a.segmentBytes(), a.logMaxBytes());
        Gauge.builder("fraud.audit.log.bytes", log, DecisionLog::waiting)
                .description(
                        "bytes in the decision log not yet in PostgreSQL (the node refuses checks at audit.logMaxBytes)")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("fraud.audit.log.max", log, DecisionLog::maxBytes)
                .description("audit.logMaxBytes: alert well below it (for example at 50%)")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("fraud.audit.log.writable", log, l -> l.failure() == null ? 1 : 0)
                .description(
                        "1 while the decision log's disk takes writes, 0 while it refuses them (disk full, I/O error)")
                .register(registry);
        FunctionCounter.builder("fraud.audit.log.write.errors", log, DecisionLog::writeErrors)
                .description("group writes the disk refused (each failed its checks with 503)")
                .register(registry);
        FunctionCounter.builder("fraud.audit.log.syncs", log, DecisionLog::syncs)
                .description("fsyncs of the decision log (one per group of appends)")
                .register(registry);
        FunctionCounter.builder("fraud.audit.log.appends", log, DecisionLog::appended)
                .description("audit rows appended to the decision log")
                .register(registry);
        return log;
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing Vert.x: {}", e.toString());
        }
        models.close();
        for (int i = infrastructure.size() - 1; i >= 0; i--) {
            try {
                infrastructure.get(i).close();
            } catch (Exception e) {
                LOG.warn("stopping {}: {}", infrastructure.get(i), e.toString());
            }
        }
    }
}
