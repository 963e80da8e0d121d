package dev.fraudscore.node.admin;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.ValidationException;
import dev.fraudscore.model.ModelLoadException;
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
import dev.fraudscore.node.risk.ChangeLog;
import dev.fraudscore.node.scoring.ModelHolder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
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
            Pool pool) {
        this.pool = pool;
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
        router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
        router.get("/health")
                .handler(ctx -> ctx.response()
                        .putHeader("Content-Type", "application/json")
                        .end(health.json().put("node", nodeId).encode()));
        HttpErrors.install(router, MAX_BODY_BYTES);
        changes = hazelcast.getTopic(MODEL_CHANGES);
        listener = changes.addMessageListener(this::fromCluster);
        server = vertx.createHttpServer(Servers.options(config.host(), config.port(), null, serverLimits));
        return Servers.guard(vertx, server, router, serverLimits, registry).listen();
    }

    @Override
    public Future<?> stop() {
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
                .put("challenger", describe(models.challenger()));
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
        JsonObject before = describe();
        vertx.executeBlocking(apply(change)).onComplete(ar -> {
            if (ar.succeeded()) {
                changes.publishAsync(change); // every member, this one included (which skips its own)
                JsonObject after = describe();
                logChange(ctx, kind, before, after)
                        .onComplete(logged ->
                                ctx.json(after.put("propagated", true).put("changeLogged", logged.succeeded())));
            } else if (ar.cause() instanceof ModelLoadException e) {
                HttpErrors.respond(
                        ctx,
                        ApiError.of(
                                Failure.MODEL_REFUSED,
                                null,
                                "model refused, still serving "
                                        + models.champion().version() + ": " + e.getMessage()));
            } else {
                HttpErrors.respond(ctx, ar.cause());
            }
        });
    }

    /**
     * Records an applied change in the change log (who, when, before, after): the models as {@code model} /
     * {@code champion} or {@code challenger}, the thresholds as {@code thresholds} / {@code champion}. A change the log
     * could not take stays applied; the answer says so ({@code changeLogged: false}) and the error is logged.
     */
    private Future<Void> logChange(RoutingContext ctx, String kind, JsonObject before, JsonObject after) {
        String part = kind.startsWith("challenger") ? "challenger" : "champion";
        String object = kind.equals("thresholds") ? "thresholds" : "model";
        String action = kind.equals("challenger-off") ? "remove" : "change";
        JsonObject was = before.getJsonObject(part);
        JsonObject is = after.getJsonObject(part);
        if (object.equals("thresholds")) {
            was = was == null ? null : was.getJsonObject("thresholds");
            is = is == null ? null : is.getJsonObject("thresholds");
        }
        String actor = ctx.<ApiKeys.Client>get(Access.CLIENT).name();
        return ChangeLog.record(pool, actor, object, part, action, was, is)
                .onFailure(e -> LOG.error(
                        "{} {} by {} applied but not recorded in risk.changes: {}",
                        object,
                        action,
                        actor,
                        e.toString()));
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
