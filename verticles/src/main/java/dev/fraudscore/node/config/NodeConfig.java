package dev.fraudscore.node.config;

import dev.fraudscore.domain.Channel;
import dev.fraudscore.node.audit.DecisionLog;
import dev.fraudscore.node.decision.FallbackPolicy;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node's whole configuration, typed and validated: one record per section, and each verticle is given
 * only the sections it uses. Build with {@link #from(JsonObject)}.
 */
public record NodeConfig(
        String nodeId,
        int eventLoops,
        int workerPoolSize,
        long startTimeoutMs,
        boolean dev,
        Http http,
        Admission admission,
        Admin admin,
        Kafka kafka,
        Postgres postgres,
        Cluster cluster,
        Features features,
        Idempotency idempotency,
        Scoring scoring,
        Decision decision,
        Breakers breakers,
        Alerts alerts,
        Labels labels,
        Audit audit,
        Health health,
        Security security) {

    /**
     * API keys: {@code keysDir} where a node that found no key at all writes the ones it creates (one per role,
     * when {@code bootstrapKeys}); {@code refreshMs}: how often every node reloads the keys (a revocation takes
     * effect within it).
     */
    /**
     * {@code maxEventTimeSkewMs}: a transaction whose event time is further than this from the node's receive time
     * is counted at the receive time, unless its client holds the {@code replay} role (or, for the stream,
     * {@code trustStreamEventTime}).
     */
    public record Security(
            Path keysDir,
            boolean bootstrapKeys,
            long refreshMs,
            long maxEventTimeSkewMs,
            boolean trustStreamEventTime) {}

    public record Http(
            String host, int port, int instances, int maxBodyBytes, long requestTimeoutMs, Tls tls, Limits limits) {}

    /**
     * HTTPS on the public port: PEM certificate chain and key (both empty: plain HTTP); {@code clientCaPath} (PEM):
     * every client must present a certificate signed by it (mTLS), and its subject's CN names the API client.
     */
    public record Tls(String certPath, String keyPath, String clientCaPath) {
        public boolean enabled() {
            return !certPath.isBlank();
        }

        public boolean mutual() {
            return enabled() && !clientCaPath.isBlank();
        }
    }

    /** Deadlines of every HTTP server against clients that hold connections open ({@code http.*}). */
    public record Limits(long headerTimeoutMs, long requestReadTimeoutMs, int idleTimeoutSeconds) {}

    public record Admission(
            boolean adaptive,
            int minLimit,
            int maxLimit,
            int initialLimit,
            double rttTolerance,
            long windowMs,
            double streamShare) {}

    public record Admin(String host, int port) {}

    public record Topics(String transactions, String decisions, String alerts, String dlq, String labels) {}

    public record Kafka(
            String bootstrapServers,
            int embeddedPort,
            int embeddedControllerPort,
            Path embeddedDataDir,
            String groupId,
            int instances,
            int maxInFlight,
            long stageTimeoutMs,
            long decideTimeoutMs,
            long retryForMs,
            long commitIntervalMs,
            long lagPollMs,
            long sessionTimeoutMs,
            long deliveryTimeoutMs,
            int maxPollRecords,
            boolean createTopics,
            int partitions,
            int replicationFactor,
            int minInsyncReplicas,
            Map<String, String> properties,
            Topics topics) {
        public boolean embedded() {
            return bootstrapServers.isBlank();
        }

        public Kafka withBootstrapServers(String servers) {
            return new Kafka(
                    servers,
                    embeddedPort,
                    embeddedControllerPort,
                    embeddedDataDir,
                    groupId,
                    instances,
                    maxInFlight,
                    stageTimeoutMs,
                    decideTimeoutMs,
                    retryForMs,
                    commitIntervalMs,
                    lagPollMs,
                    sessionTimeoutMs,
                    deliveryTimeoutMs,
                    maxPollRecords,
                    createTopics,
                    partitions,
                    replicationFactor,
                    minInsyncReplicas,
                    properties,
                    topics);
        }
    }

    /**
     * {@code url}: what the node connects as (the {@code fraud_writer} role in production); {@code migrationUrl}: who
     * runs the migrations and owns the tables (empty: {@code url}).
     */
    public record Postgres(String url, String migrationUrl, int embeddedPort, Path embeddedDataDir) {
        public boolean embedded() {
            return url.isBlank();
        }

        /** The migration owner's URI. */
        public String ownerUrl() {
            return migrationUrl.isBlank() ? url : migrationUrl;
        }

        public Postgres withUrl(String u) {
            return new Postgres(u, migrationUrl, embeddedPort, embeddedDataDir);
        }
    }

    /**
     * {@code quorum}: members a side of a split cluster needs to keep deciding (0: a majority of {@code members});
     * {@code memberTimeoutSeconds}: a member silent this long is taken out of the cluster;
     * {@code mergeDelaySeconds}: how often the sides of a split look for each other to merge again.
     */
    public record Cluster(
            String name,
            String host,
            int port,
            List<String> members,
            int quorum,
            int memberTimeoutSeconds,
            int mergeDelaySeconds) {
        /** The configured quorum, or a majority of the join list. */
        public int effectiveQuorum() {
            return quorum > 0 ? quorum : members.size() / 2 + 1;
        }
    }

    public record Features(int instances, long timeoutMs, int backupCount, int maxIdleSeconds) {}

    public record Idempotency(
            long timeoutMs, int ttlSeconds, long httpStaleAfterMs, long streamStaleAfterMs, int maxEntriesPerNode) {}

    public record Scoring(
            int instances,
            Path modelPath,
            Path modelsDir,
            Path challengerPath,
            int workerPoolSize,
            int batchMaxSize,
            long batchMaxWaitMs,
            int queueMaxSize,
            long timeoutMs,
            int topReasons,
            int promotionMinFrauds,
            long promotionCheckMs) {}

    /** Thresholds below zero mean "use the model's". */
    public record Decision(
            int instances,
            double reviewThreshold,
            double declineThreshold,
            FallbackPolicy fallback,
            long auditAckTimeoutMs,
            int ruleGuardWindow,
            double ruleGuardShare) {}

    public record Breakers(int failureRatePercent, int windowCalls, int minimumCalls, long openMs, int halfOpenCalls) {}

    public record Alerts(int instances) {}

    public record Labels(int instances, int poolSize, long timeoutMs, long retryIntervalMs) {}

    /**
     * The decision log ({@code logDir}, written before every answer with {@code durability}, in segments of
     * {@code segmentBytes}, refusing checks past {@code logMaxBytes}) and its writer into PostgreSQL.
     */
    public record Audit(
            int poolSize,
            int batchSize,
            long maxDelayMs,
            Path logDir,
            DecisionLog.Durability durability,
            long segmentBytes,
            long logMaxBytes,
            long retryIntervalMs) {}

    public record Health(long intervalMs, long timeoutMs) {}

    public static NodeConfig load(Path file, Map<String, String> env) {
        return from(ConfigLoader.load(file, env));
    }

    public static NodeConfig from(JsonObject root) {
        Settings node = Settings.of(root, "node");
        int eventLoops = node.integer("eventLoops", 0, 1024);
        int workerPoolSize = node.integer("workerPoolSize", 1, 1024);
        long startTimeoutMs = node.longValue("startTimeoutMs", 1000, 3_600_000);
        boolean dev = node.bool("dev");
        String id = node.string("id");
        if (id.isBlank()) {
            id = hostName() + "-" + ProcessHandle.current().pid();
        }

        Settings h = Settings.of(root, "http");
        Http http = new Http(
                h.nonEmpty("host"),
                h.port("port"),
                h.integer("instances", 0, 256),
                h.integer("maxBodyBytes", 256, 10 << 20),
                h.longValue("requestTimeoutMs", 1, 60_000),
                tls(h.section("tls")),
                new Limits(
                        h.longValue("headerTimeoutMs", 100, 600_000),
                        h.longValue("requestReadTimeoutMs", 100, 600_000),
                        h.integer("idleTimeoutSeconds", 1, 86_400)));

        if (http.limits().requestReadTimeoutMs() < http.requestTimeoutMs()) {
            throw new ConfigException(
                    h.key("requestReadTimeoutMs"),
                    "must be at least http.requestTimeoutMs (" + http.requestTimeoutMs()
                            + "): a decision in time must not have its connection closed");
        }

        Settings am = Settings.of(root, "admission");
        int maxLimit = am.integer("maxLimit", 1, 1_000_000);
        int minLimit = am.integer("minLimit", 1, maxLimit);
        Admission admission = new Admission(
                am.bool("adaptive"),
                minLimit,
                maxLimit,
                am.integer("initialLimit", minLimit, maxLimit),
                am.number("rttTolerance"),
                am.longValue("windowMs", 100, 60_000),
                am.number("streamShare"));
        if (admission.rttTolerance() < 1) {
            throw new ConfigException(am.key("rttTolerance"), "must be at least 1, was " + admission.rttTolerance());
        }
        if (!(admission.streamShare() >= 0 && admission.streamShare() <= 1)) {
            throw new ConfigException(am.key("streamShare"), "must be in [0, 1], was " + admission.streamShare());
        }

        Settings ad = Settings.of(root, "admin");
        Admin admin = new Admin(ad.nonEmpty("host"), ad.port("port"));

        Settings k = Settings.of(root, "kafka");
        Settings ke = k.section("embedded");
        Settings kt = k.section("topics");
        Kafka kafka = new Kafka(
                k.string("bootstrapServers").trim(),
                ke.port("port"),
                ke.port("controllerPort"),
                Path.of(ke.nonEmpty("dataDir")),
                k.nonEmpty("groupId"),
                k.integer("instances", 0, 64),
                k.integer("maxInFlight", 1, 1_000_000),
                k.longValue("stageTimeoutMs", 1, 600_000),
                k.longValue("decideTimeoutMs", 1, 3_600_000),
                k.longValue("retryForMs", 0, 86_400_000),
                k.longValue("commitIntervalMs", 10, 60_000),
                k.longValue("lagPollMs", 100, 3_600_000),
                k.longValue("sessionTimeoutMs", 1000, 3_600_000),
                k.longValue("deliveryTimeoutMs", 1000, 3_600_000),
                k.integer("maxPollRecords", 1, 100_000),
                k.bool("createTopics"),
                k.integer("partitions", 1, 10_000),
                k.integer("replicationFactor", 1, 16),
                k.integer("minInsyncReplicas", 1, 16),
                kafkaProperties(k.section("properties")),
                new Topics(
                        kt.nonEmpty("transactions"),
                        kt.nonEmpty("decisions"),
                        kt.nonEmpty("alerts"),
                        kt.nonEmpty("dlq"),
                        kt.nonEmpty("labels")));

        Settings p = Settings.of(root, "postgres");
        String url = p.string("url").trim();
        if (!url.isBlank() && !url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            throw new ConfigException(p.key("url"), "must be a postgresql://user[:password]@host:port/database URI");
        }
        String migrationUrl = p.string("migrationUrl").trim();
        if (!migrationUrl.isBlank()
                && !migrationUrl.startsWith("postgresql://")
                && !migrationUrl.startsWith("postgres://")) {
            throw new ConfigException(
                    p.key("migrationUrl"), "must be a postgresql://user[:password]@host:port/database URI");
        }
        Postgres postgres = new Postgres(
                url,
                migrationUrl,
                p.section("embedded").port("port"),
                Path.of(p.section("embedded").nonEmpty("dataDir")));

        Settings c = Settings.of(root, "cluster");
        List<String> members = c.strings("members");
        for (String m : members) {
            if (!m.matches("[^:\\s]+:[0-9]{1,5}")) {
                throw new ConfigException(c.key("members"), "each member must be host:port, was '" + m + "'");
            }
        }
        Cluster cluster = new Cluster(
                c.nonEmpty("name"),
                c.nonEmpty("host"),
                c.port("port"),
                members,
                c.integer("quorum", 0, 1000),
                c.integer("memberTimeoutSeconds", 2, 3600),
                c.integer("mergeDelaySeconds", 1, 3600));

        Settings f = Settings.of(root, "features");
        Features features = new Features(
                f.integer("instances", 0, 256),
                f.longValue("timeoutMs", 1, 60_000),
                f.integer("backupCount", 0, 6),
                f.integer("maxIdleSeconds", 0, Integer.MAX_VALUE));

        Settings i = Settings.of(root, "idempotency");
        Idempotency idempotency = new Idempotency(
                i.longValue("timeoutMs", 1, 60_000),
                i.integer("ttlSeconds", 1, Integer.MAX_VALUE),
                i.longValue("httpStaleAfterMs", 1, 3_600_000),
                i.longValue("streamStaleAfterMs", 1, 3_600_000),
                i.integer("maxEntriesPerNode", 1_000, Integer.MAX_VALUE));
        if (idempotency.httpStaleAfterMs() < http.requestTimeoutMs()) {
            throw new ConfigException(
                    i.key("httpStaleAfterMs"),
                    "must be at least http.requestTimeoutMs (" + http.requestTimeoutMs()
                            + "): a claim must not be taken over while its caller may still get its answer");
        }
        if (kafka.retryForMs() <= idempotency.streamStaleAfterMs()) {
            throw new ConfigException(
                    k.key("retryForMs"),
                    "must exceed idempotency.streamStaleAfterMs (" + idempotency.streamStaleAfterMs()
                            + "): a record claimed by a node that died is retried until its claim is taken over");
        }

        Settings s = Settings.of(root, "scoring");
        int batchMaxSize = s.integer("batchMaxSize", 1, 4096);
        Scoring scoring = new Scoring(
                s.integer("instances", 1, 256),
                Path.of(s.nonEmpty("modelPath")),
                Path.of(s.nonEmpty("modelsDir")),
                s.string("challengerPath").isBlank() ? null : Path.of(s.string("challengerPath")),
                s.integer("workerPoolSize", 1, 256),
                batchMaxSize,
                s.longValue("batchMaxWaitMs", 0, 1000),
                s.integer("queueMaxSize", batchMaxSize, 10_000_000),
                s.longValue("timeoutMs", 1, 60_000),
                s.integer("topReasons", 0, 10),
                s.section("promotion").integer("minFrauds", 0, 10_000_000),
                s.section("promotion").longValue("checkIntervalMs", 1_000, 86_400_000));

        Settings d = Settings.of(root, "decision");
        double review = d.number("reviewThreshold");
        double decline = d.number("declineThreshold");
        checkThreshold(d.key("reviewThreshold"), review);
        checkThreshold(d.key("declineThreshold"), decline);
        if (review >= 0 && decline >= 0 && review > decline) {
            throw new ConfigException(
                    d.key("reviewThreshold"), "must not exceed decision.declineThreshold (" + decline + ")");
        }
        Settings fb = d.section("fallback");
        List<FallbackPolicy.Tier> defaultTiers = tiers(fb, "default");
        if (defaultTiers == null) {
            throw new ConfigException(
                    fb.key("default"), "must not be empty: the tiers every channel without its own uses");
        }
        Map<Channel, List<FallbackPolicy.Tier>> byChannel = new EnumMap<>(Channel.class);
        for (Channel ch : Channel.values()) {
            List<FallbackPolicy.Tier> t = tiers(fb, ch.name().toLowerCase(Locale.ROOT));
            if (t != null) {
                byChannel.put(ch, t);
            }
        }
        FallbackPolicy fallback = new FallbackPolicy(defaultTiers, byChannel);
        Decision decision = new Decision(
                d.integer("instances", 0, 256),
                review,
                decline,
                fallback,
                d.longValue("auditAckTimeoutMs", 1, 3_600_000),
                d.integer("ruleGuardWindow", 10, 1_000_000),
                ruleGuardShare(d));

        Settings br = Settings.of(root, "breakers");
        Breakers breakers = new Breakers(
                br.integer("failureRatePercent", 1, 100),
                br.integer("windowCalls", 1, 100_000),
                br.integer("minimumCalls", 1, 100_000),
                br.longValue("openMs", 1, 3_600_000),
                br.integer("halfOpenCalls", 1, 10_000));

        Alerts alerts = new Alerts(Settings.of(root, "alerts").integer("instances", 1, 64));
        Settings l = Settings.of(root, "labels");
        Labels labels = new Labels(
                l.integer("instances", 1, 64),
                l.integer("poolSize", 1, 256),
                l.longValue("timeoutMs", 1, 3_600_000),
                l.longValue("retryIntervalMs", 10, 3_600_000));

        Settings a = Settings.of(root, "audit");
        Audit audit = new Audit(
                a.integer("poolSize", 1, 256),
                a.integer("batchSize", 1, 10_000),
                a.longValue("maxDelayMs", 1, 60_000),
                Path.of(a.nonEmpty("logDir")),
                durability(a, "durability"),
                a.longValue("segmentBytes", 4096, Integer.MAX_VALUE),
                a.longValue("logMaxBytes", 4096, Long.MAX_VALUE),
                a.longValue("retryIntervalMs", 10, 600_000));

        Settings he = Settings.of(root, "health");
        Health health = new Health(he.longValue("intervalMs", 50, 600_000), he.longValue("timeoutMs", 1, 600_000));

        Settings se = Settings.of(root, "security");
        Security security = new Security(
                Path.of(se.nonEmpty("keysDir")),
                se.bool("bootstrapKeys"),
                se.longValue("refreshMs", 50, 60_000),
                se.longValue("maxEventTimeSkewMs", 0, 86_400_000),
                se.bool("trustStreamEventTime"));

        return new NodeConfig(
                id,
                eventLoops,
                workerPoolSize,
                startTimeoutMs,
                dev,
                http,
                admission,
                admin,
                kafka,
                postgres,
                cluster,
                features,
                idempotency,
                scoring,
                decision,
                breakers,
                alerts,
                labels,
                audit,
                health,
                security);
    }

    /** {@code kafka.properties}: passed as they are to every Kafka client (SASL_SSL and the like). */
    private static Map<String, String> kafkaProperties(Settings p) {
        Map<String, String> m = new TreeMap<>();
        for (String key : p.keys()) {
            m.put(key, p.string(key));
        }
        return Map.copyOf(m);
    }

    private static Tls tls(Settings t) {
        Tls tls = new Tls(
                t.string("certPath").trim(),
                t.string("keyPath").trim(),
                t.string("clientCaPath").trim());
        if (tls.certPath().isBlank() != tls.keyPath().isBlank()) {
            throw new ConfigException(t.key("keyPath"), "http.tls.certPath and http.tls.keyPath go together");
        }
        if (!tls.enabled() && !tls.clientCaPath().isBlank()) {
            throw new ConfigException(t.key("clientCaPath"), "client certificates need HTTPS: set http.tls.certPath");
        }
        for (String file : new String[] {tls.certPath(), tls.keyPath(), tls.clientCaPath()}) {
            if (!file.isBlank() && !Files.isReadable(Path.of(file))) {
                throw new ConfigException(t.key("certPath"), "cannot read " + file);
            }
        }
        return tls;
    }

    /** Event loops the node runs: the configured number, else Vert.x's default (2 x cores). */
    public int loops() {
        return eventLoops > 0 ? eventLoops : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    }

    private static DecisionLog.Durability durability(Settings audit, String key) {
        String v = audit.nonEmpty(key);
        try {
            return DecisionLog.Durability.valueOf(v.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(audit.key(key), "must be fsync or write, was '" + v + "'");
        }
    }

    private static List<FallbackPolicy.Tier> tiers(Settings fallback, String key) {
        try {
            return FallbackPolicy.parse(fallback.strings(key));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(fallback.key(key), e.getMessage());
        }
    }

    private static double ruleGuardShare(Settings d) {
        double share = d.number("ruleGuardShare");
        if (!(share > 0 && share <= 1)) {
            throw new ConfigException(
                    d.key("ruleGuardShare"), "must be in (0, 1] (1: the guard never trips), was " + share);
        }
        return share;
    }

    private static void checkThreshold(String key, double v) {
        if (v != -1 && !(v >= 0 && v <= 1)) {
            throw new ConfigException(key, "must be in [0, 1] (or -1 for the model's own), was " + v);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }

    public NodeConfig withKafka(Kafka k) {
        return new NodeConfig(
                nodeId,
                eventLoops,
                workerPoolSize,
                startTimeoutMs,
                dev,
                http,
                admission,
                admin,
                k,
                postgres,
                cluster,
                features,
                idempotency,
                scoring,
                decision,
                breakers,
                alerts,
                labels,
                audit,
                health,
                security);
    }

    public NodeConfig withPostgres(Postgres p) {
        return new NodeConfig(
                nodeId,
                eventLoops,
                workerPoolSize,
                startTimeoutMs,
                dev,
                http,
                admission,
                admin,
                kafka,
                p,
                cluster,
                features,
                idempotency,
                scoring,
                decision,
                breakers,
                alerts,
                labels,
                audit,
                health,
                security);
    }
}
