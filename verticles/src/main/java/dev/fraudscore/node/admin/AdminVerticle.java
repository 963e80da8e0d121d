package dev.fraudscore.node.admin;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.ValidationException;
import dev.fraudscore.model.FraudModel;
import dev.fraudscore.model.ModelLoadException;
import dev.fraudscore.model.ModelMetadata;
import dev.fraudscore.model.Retraining;
import dev.fraudscore.node.Migrations;
import dev.fraudscore.node.access.Access;
import dev.fraudscore.node.access.ApiKeys;
import dev.fraudscore.node.access.ApiKeys.Role;
import dev.fraudscore.node.bus.ModelChange;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.failure.ApiError;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.health.Health;
import dev.fraudscore.node.http.HttpErrors;
import dev.fraudscore.node.http.Servers;
import dev.fraudscore.node.retrain.RetrainJob;
import dev.fraudscore.node.retrain.RetrainReports;
import dev.fraudscore.node.risk.ChangeLog;
import dev.fraudscore.node.scoring.DriftMonitor;
import dev.fraudscore.node.scoring.ModelHolder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin and operations port (loopback by default; never behind the public load balancer): model management
 * (role {@code admin}), the Prometheus scrape {@code /metrics} and the detailed {@code /health}. A model change is
 * applied on this node first (a refused model answers 422 with the reason while the current one serves), then
 * published on a Hazelcast topic to every member, which applies the same change; a change whose publisher is not
 * a member of this node's cluster is ignored. A model loads only from inside {@code scoring.modelsDir}, and only
 * when its file's SHA-256 is the one the request names and the one its metadata records.
 *
 * <ul>
 *   <li>{@code GET /admin/models}
 *   <li>{@code POST /admin/models/champion} {@code {"path": "models/fraud-model.json", "sha256": "<hex>"}} (no
 *       path: reload the configured one)
 *   <li>{@code POST /admin/models/challenger} {@code {"path": .., "sha256": ..}}; {@code DELETE
 *       /admin/models/challenger}
 *   <li>{@code POST /admin/thresholds} {@code {"review": 0.5, "decline": 0.9}}
 *   <li>{@code GET /metrics}, {@code GET /health} (no key: keep the port private)
 * </ul>
 */
public final class AdminVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(AdminVerticle.class);
    private static final int MAX_BODY_BYTES = 4096;

    /** The Hazelcast topic model changes travel on: only members of the cluster can publish on it. */
    public static final String MODEL_CHANGES = "fraud.model.changes";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final NodeConfig.Admin config;
    private final NodeConfig.Limits serverLimits;
    private final Access access;
    private final NodeConfig.Scoring scoring;
    private final String nodeId;
    private final ModelHolder models;
    private final HazelcastInstance hazelcast;
    private final PrometheusMeterRegistry registry;
    private final Health health;
    private final Pool pool;
    private final String postgresUrl;
    private final DriftMonitor drift;
    private ITopic<ModelChange> changes;
    private UUID listener;
    private HttpServer server;

    public AdminVerticle(
            NodeConfig.Admin config,
            NodeConfig.Limits serverLimits,
            NodeConfig.Scoring scoring,
            String nodeId,
            ModelHolder models,
            Access access,
            HazelcastInstance hazelcast,
            PrometheusMeterRegistry registry,
            Health health,
            Pool pool,
            String postgresUrl,
            DriftMonitor drift) {
        this.drift = drift;
        this.pool = pool;
        this.postgresUrl = postgresUrl;
        this.access = access;
        this.config = config;
        this.serverLimits = serverLimits;
        this.scoring = scoring;
        this.nodeId = nodeId;
        this.models = models;
        this.hazelcast = hazelcast;
        this.registry = registry;
        this.health = health;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route("/admin/*").handler(access.require(Role.ADMIN));
        router.route("/admin/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.get("/admin/models").handler(ctx -> ctx.json(describe()));
        router.post("/admin/models/champion").handler(ctx -> change(ctx, "champion"));
        router.post("/admin/models/challenger").handler(ctx -> change(ctx, "challenger"));
        router.delete("/admin/models/challenger").handler(ctx -> change(ctx, "challenger-off"));
        router.post("/admin/thresholds").handler(ctx -> change(ctx, "thresholds"));
        router.post("/admin/models/promote").handler(this::promote);
        router.post("/admin/models/canary").handler(ctx -> change(ctx, "canary"));
        router.get("/admin/models/comparison")
                .handler(ctx -> comparison().onSuccess(ctx::json).onFailure(e -> HttpErrors.respond(ctx, e)));
        router.get("/admin/drift").handler(ctx -> ctx.json(drift.report()));
        router.post("/admin/retrain").handler(this::retrain);
        router.get("/admin/retrain")
                .handler(ctx -> ctx.json(new JsonObject().put("jobs", new JsonArray(new ArrayList<>(jobs.values())))));
        router.get("/admin/retrain/:job").handler(ctx -> {
            JsonObject job = jobs.get(ctx.pathParam("job"));
            if (job == null) {
                HttpErrors.respond(
                        ctx,
                        new ValidationException(
                                "job", "unknown", "no retraining job " + ctx.pathParam("job") + " on this node"));
            } else {
                ctx.json(job);
            }
        });
        router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
        router.get("/health")
                .handler(ctx -> ctx.response()
                        .putHeader("Content-Type", "application/json")
                        .end(health.json().put("node", nodeId).encode()));
        HttpErrors.install(router, MAX_BODY_BYTES);
        if (scoring.promotionMinFrauds() > 0) {
            promotionTimer = vertx.setPeriodic(scoring.promotionCheckMs(), id -> promotionRule());
        }
        changes = hazelcast.getTopic(MODEL_CHANGES);
        listener = changes.addMessageListener(this::fromCluster);
        server = vertx.createHttpServer(Servers.options(config.host(), config.port(), null, serverLimits));
        return Servers.guard(vertx, server, router, serverLimits, registry).listen();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(promotionTimer);
        changes.removeMessageListener(listener);
        return Future.succeededFuture();
    }

    public int actualPort() {
        return server.actualPort();
    }

    private JsonObject describe() {
        return describe(models, nodeId);
    }

    /** The models a node serves (champion and challenger) with their versions, paths and thresholds. */
    public static JsonObject describe(ModelHolder models, String nodeId) {
        return new JsonObject()
                .put("node", nodeId)
                .put("champion", describe(models.champion()))
                .put("challenger", challenger(models));
    }

    private static JsonObject challenger(ModelHolder models) {
        JsonObject c = describe(models.challenger());
        return c == null ? null : c.put("canaryShare", models.canary());
    }

    private static JsonObject describe(ModelHolder.Served s) {
        if (s == null) {
            return null;
        }
        return new JsonObject()
                .put("modelVersion", s.version())
                .put("path", s.path().toString())
                .put(
                        "thresholds",
                        new JsonObject()
                                .put("review", s.thresholds().review())
                                .put("decline", s.thresholds().decline()));
    }

    private void change(RoutingContext ctx, String kind) {
        ModelChange change;
        try {
            change = parse(kind, body(ctx));
        } catch (ValidationException e) {
            HttpErrors.respond(ctx, e);
            return;
        }
        perform(change, actor(ctx), null).onComplete(ar -> respond(ctx, ar));
    }

    private void respond(RoutingContext ctx, io.vertx.core.AsyncResult<JsonObject> ar) {
        if (ar.succeeded()) {
            ctx.json(ar.result());
        } else if (ar.cause() instanceof ModelLoadException e) {
            HttpErrors.respond(
                    ctx,
                    ApiError.of(
                            Failure.MODEL_REFUSED,
                            null,
                            "model refused, still serving " + models.champion().version() + ": " + e.getMessage()));
        } else {
            HttpErrors.respond(ctx, ar.cause());
        }
    }

    /** The retraining jobs this node ran or runs, newest last (the last {@value #JOBS_KEPT}). */
    private final Map<String, JsonObject> jobs = new LinkedHashMap<>();

    private static final int JOBS_KEPT = 20;

    /**
     * Starts a retraining from the audit trail on a worker thread ({@link RetrainJob}) and answers 202 with the job;
     * {@code GET /admin/retrain/{job}} follows it. The new version is written under {@code scoring.modelsDir}/versions
     * and, unless {@code loadAsChallenger} is false, loaded as the challenger on every node when it is done.
     */
    private void retrain(RoutingContext ctx) {
        RetrainJob.Options options;
        boolean load;
        try {
            JsonObject b = body(ctx);
            options = new RetrainJob.Options(
                    b.getValue("at") == null ? Instant.now() : instant(b.getValue("at"), "at"),
                    b.getValue("horizon") == null ? null : day(b.getValue("horizon"), "horizon"),
                    count(b, "labelDelayDays", 7, 0),
                    count(b, "trainDays", 7, 1),
                    count(b, "testDays", 7, 1),
                    count(b, "gapDays", count(b, "labelDelayDays", 7, 0), 0));
            load = !Boolean.FALSE.equals(b.getValue("loadAsChallenger"));
        } catch (ValidationException e) {
            HttpErrors.respond(ctx, e);
            return;
        }
        // one at a time: a retraining takes the worker threads' CPU from the scoring of live decisions
        for (JsonObject running : jobs.values()) {
            if (running.getString("status").equals("running")) {
                HttpErrors.respond(
                        ctx,
                        Failure.RETRAIN_RUNNING.exception(
                                "retraining job " + running.getString("job") + " is still running on this node"));
                return;
            }
        }
        String actor = actor(ctx);
        String id = UUID.randomUUID().toString();
        JsonObject job = new JsonObject()
                .put("job", id)
                .put("status", "running")
                .put("requestedBy", actor)
                .put("startedAt", Instant.now().toString());
        jobs.put(id, job);
        while (jobs.size() > JOBS_KEPT) {
            jobs.remove(jobs.keySet().iterator().next());
        }
        Path championMetadata = models.champion().path();
        Path versions = scoring.modelsDir().resolve("versions");
        vertx.<Retraining.Report>executeBlocking(
                        () -> {
                            try (FraudModel champion = FraudModel.load(championMetadata)) {
                                ModelMetadata m = champion.metadata();
                                return RetrainJob.run(
                                        Migrations.Jdbc.of(postgresUrl),
                                        options,
                                        champion,
                                        m.reviewThreshold(),
                                        m.declineThreshold(),
                                        versions);
                            }
                        },
                        false)
                .compose(report -> {
                    JsonObject r = RetrainReports.json(report);
                    job.put("report", r);
                    if (!load) {
                        return Future.succeededFuture();
                    }
                    return perform(
                                    new ModelChange(
                                            "challenger",
                                            r.getString("metadata"),
                                            r.getString("sha256"),
                                            Double.NaN,
                                            Double.NaN,
                                            nodeId),
                                    actor,
                                    "retrained")
                            .mapEmpty();
                })
                .onComplete(ar -> {
                    job.put("status", ar.succeeded() ? "done" : "failed")
                            .put("finishedAt", Instant.now().toString());
                    if (ar.failed()) {
                        job.put("error", String.valueOf(ar.cause().getMessage()));
                        LOG.error("retraining {} failed: {}", id, ar.cause().toString());
                    }
                });
        ctx.response().setStatusCode(202);
        ctx.json(job);
    }

    private static Instant instant(Object v, String field) {
        try {
            return Instant.parse((String) v);
        } catch (RuntimeException e) {
            throw new ValidationException(
                    field, "iso8601", field + " must be an ISO-8601 instant, e.g. 2026-11-24T00:00:00Z");
        }
    }

    private static LocalDate day(Object v, String field) {
        try {
            return LocalDate.parse((String) v);
        } catch (RuntimeException e) {
            throw new ValidationException(field, "date", field + " must be a date, e.g. 2018-08-08");
        }
    }

    private static int count(JsonObject b, String field, int otherwise, int min) {
        Object v = b.getValue(field);
        if (v == null) {
            return otherwise;
        }
        if (!(v instanceof Integer i) || i < min || i > 366) {
            throw new ValidationException(
                    field, "range", field + " must be a whole number of days, " + min + " to 366");
        }
        return i;
    }

    private long promotionTimer = -1;
    private boolean checking;

    /** Champion against challenger on the labelled decisions both scored (404-free: no challenger, no figures). */
    private Future<JsonObject> comparison() {
        ModelHolder.Served challenger = models.challenger();
        if (challenger == null) {
            return Future.succeededFuture(new JsonObject().put("challenger", (String) null));
        }
        return ChallengerComparison.compare(
                vertx,
                Migrations.Jdbc.of(postgresUrl),
                models.champion().version(),
                challenger.version(),
                scoring.promotionMinFrauds());
    }

    /**
     * The promotion rule, on the oldest cluster member only (one decision for the cluster): promotes the challenger
     * once the comparison says it is better on both AP and CP@100 with enough labelled frauds.
     */
    private void promotionRule() {
        if (checking
                || models.challenger() == null
                || !hazelcast.getCluster().getMembers().iterator().next().localMember()) {
            return;
        }
        checking = true;
        String version = models.challenger().version();
        comparison()
                .compose(c -> {
                    if (!c.getBoolean("promotable", false)) {
                        return Future.succeededFuture();
                    }
                    LOG.warn(
                            "promotion rule: challenger {} beats champion {} on {} labelled frauds: promoting {}",
                            version,
                            c.getString("champion"),
                            c.getInteger("frauds"),
                            c.encode());
                    return promote("promotion-rule@" + nodeId, version).mapEmpty();
                })
                .onComplete(ar -> {
                    checking = false;
                    if (ar.failed()) {
                        LOG.warn("promotion rule not applied: {}", ar.cause().toString());
                    }
                });
    }

    private static String actor(RoutingContext ctx) {
        return ctx.<ApiKeys.Client>get(Access.CLIENT).name();
    }

    /**
     * Applies a change here, then has every member apply it, and records it in the change log ({@code action}: null
     * for the kind's own). Answers the models served afterwards, with {@code propagated} and {@code changeLogged}.
     */
    private Future<JsonObject> perform(ModelChange change, String actor, String action) {
        JsonObject before = describe();
        return vertx.executeBlocking(apply(change)).compose(applied -> {
            changes.publishAsync(change); // every member, this one included (which skips its own)
            JsonObject after = describe();
            return logChange(actor, change.kind(), action, before, after)
                    .transform(logged -> Future.succeededFuture(
                            after.put("propagated", true).put("changeLogged", logged.succeeded())));
        });
    }

    /**
     * The challenger becomes the champion on every node (its model file and checksum, its thresholds), and no
     * challenger runs after it; {@code expectVersion}, when given, must be the challenger's version (a promotion
     * decided on figures of one model never promotes another). Recorded as a {@code promote} change.
     */
    private void promote(RoutingContext ctx) {
        JsonObject body;
        try {
            body = body(ctx);
        } catch (ValidationException e) {
            HttpErrors.respond(ctx, e);
            return;
        }
        promote(actor(ctx), body.getValue("expectVersion") instanceof String v ? v : null)
                .onComplete(ar -> respond(ctx, ar));
    }

    /** See {@link #promote(RoutingContext)}; also what the promotion rule calls. */
    public Future<JsonObject> promote(String actor, String expectVersion) {
        ModelHolder.Served challenger = models.challenger();
        if (challenger == null) {
            return Future.failedFuture(new ValidationException("challenger", "required", "no challenger to promote"));
        }
        if (expectVersion != null && !expectVersion.equals(challenger.version())) {
            return Future.failedFuture(new ValidationException(
                    "expectVersion",
                    "mismatch",
                    "the challenger is " + challenger.version() + ", not " + expectVersion));
        }
        ModelChange toChampion = new ModelChange(
                "champion",
                challenger.path().toString(),
                challenger.model().metadata().modelSha256(),
                Double.NaN,
                Double.NaN,
                nodeId);
        return perform(toChampion, actor, "promote")
                .compose(v -> perform(
                        new ModelChange("challenger-off", null, null, Double.NaN, Double.NaN, nodeId),
                        actor,
                        "promoted"));
    }

    /**
     * Records an applied change in the change log (who, when, before, after): the models as {@code model} /
     * {@code champion} or {@code challenger}, the thresholds as {@code thresholds} / {@code champion}. A change the log
     * could not take stays applied; the answer says so ({@code changeLogged: false}) and the error is logged.
     */
    private Future<Void> logChange(String actor, String kind, String action, JsonObject before, JsonObject after) {
        String part = kind.startsWith("challenger") || kind.equals("canary") ? "challenger" : "champion";
        String object = kind.equals("thresholds") ? "thresholds" : "model";
        String what = action != null
                ? action
                : kind.equals("challenger-off") ? "remove" : kind.equals("canary") ? "canary" : "change";
        JsonObject was = before.getJsonObject(part);
        JsonObject is = after.getJsonObject(part);
        if (object.equals("thresholds")) {
            was = was == null ? null : was.getJsonObject("thresholds");
            is = is == null ? null : is.getJsonObject("thresholds");
        }
        return ChangeLog.record(pool, actor, object, part, what, was, is)
                .onFailure(e -> LOG.error(
                        "{} {} by {} applied but not recorded in risk.changes: {}", object, what, actor, e.toString()));
    }

    private static JsonObject body(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().length() == 0) {
            return new JsonObject();
        }
        try {
            JsonObject body = ctx.body().asJsonObject();
            return body == null ? new JsonObject() : body;
        } catch (DecodeException | ClassCastException e) {
            throw new ValidationException("body", "malformed_json", "request body must be a JSON object");
        }
    }

    private ModelChange parse(String kind, JsonObject body) {
        String path = null;
        String sha256 = null;
        double review = Double.NaN, decline = Double.NaN;
        switch (kind) {
            case "champion", "challenger" -> {
                Object p = body.getValue("path");
                if (p != null && !(p instanceof String)) {
                    throw new ValidationException("path", "type_string", "path must be a string");
                }
                if (p == null && kind.equals("challenger")) {
                    throw new ValidationException("path", "required", "path is required for a challenger");
                }
                if (p != null) {
                    // an explicit model: inside the models directory, and the bytes the operator expects
                    path = (String) p;
                    if (!(body.getValue("sha256") instanceof String sha)
                            || !SHA256.matcher(sha).matches()) {
                        throw new ValidationException(
                                "sha256",
                                "required",
                                "sha256 is required with a path: the model file's SHA-256, 64 lower-case hex digits"
                                        + " (sha256sum models/fraud-model.ubj; modelSha256 in its metadata)");
                    }
                    sha256 = (String) body.getValue("sha256");
                } else {
                    path = scoring.modelPath().toString(); // the configured model, trusted as configured
                }
            }
            case "canary" -> {
                if (!(body.getValue("share") instanceof Number share)
                        || !(share.doubleValue() >= 0 && share.doubleValue() <= 1)) {
                    throw new ValidationException(
                            "share", "range", "share is required: the share of cards the challenger decides, 0 to 1");
                }
                if (share.doubleValue() > 0 && models.challenger() == null) {
                    throw new ValidationException(
                            "share", "no_challenger", "no challenger runs: load one before giving it a canary share");
                }
                return new ModelChange(kind, null, null, Double.NaN, Double.NaN, share.doubleValue(), nodeId);
            }
            case "thresholds" -> {
                if (!(body.getValue("review") instanceof Number r) || !(body.getValue("decline") instanceof Number d)) {
                    throw new ValidationException("review", "required", "review and decline are required numbers");
                }
                try {
                    new Thresholds(r.doubleValue(), d.doubleValue());
                } catch (IllegalArgumentException e) {
                    throw new ValidationException("review", "range", e.getMessage());
                }
                review = r.doubleValue();
                decline = d.doubleValue();
            }
            default -> {}
        }
        return new ModelChange(kind, path, sha256, review, decline, nodeId);
    }

    private Callable<Object> apply(ModelChange c) {
        return () -> switch (c.kind()) {
            case "champion" -> models.promote(allowed(c), c.sha256());
            case "challenger" -> models.shadow(allowed(c), c.sha256());
            case "challenger-off" -> models.shadow(null, null);
            case "thresholds" -> models.setThresholds(new Thresholds(c.review(), c.decline()));
            case "canary" -> models.setCanary(c.share());
            default -> throw new IllegalArgumentException("unknown model change " + c.kind());
        };
    }

    /**
     * The model file a change names: the configured model, or a path whose real location (links followed) is inside
     * {@code scoring.modelsDir}; anything else is refused as a model this node does not load.
     */
    private Path allowed(ModelChange c) throws ModelLoadException {
        Path path = Path.of(c.path());
        if (c.sha256() == null && path.equals(scoring.modelPath())) {
            return path;
        }
        try {
            Path dir = scoring.modelsDir().toRealPath();
            Path real = path.toRealPath();
            if (!real.startsWith(dir)) {
                throw new ModelLoadException(
                        "path " + c.path() + " is outside the models directory " + dir + " (scoring.modelsDir)");
            }
            return real;
        } catch (java.io.IOException e) {
            throw new ModelLoadException("model metadata " + c.path() + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Another member changed its models (Hazelcast event thread): do the same here. */
    private void fromCluster(Message<ModelChange> message) {
        ModelChange c = message.getMessageObject();
        if (c.originNode().equals(nodeId)) {
            return;
        }
        if (!hazelcast.getCluster().getMembers().contains(message.getPublishingMember())) {
            LOG.warn(
                    "ignored a {} change published by {}: not a member of this cluster",
                    c.kind(),
                    message.getPublishingMember());
            return;
        }
        vertx.executeBlocking(apply(c)).onComplete(ar -> {
            if (ar.succeeded()) {
                LOG.info("applied {} change from node {}", c.kind(), c.originNode());
            } else {
                LOG.error(
                        "could not apply {} change from node {} ({}): {}; this node keeps {}",
                        c.kind(),
                        c.originNode(),
                        c.path(),
                        ar.cause().getMessage(),
                        models.champion().version());
            }
        });
    }
}
