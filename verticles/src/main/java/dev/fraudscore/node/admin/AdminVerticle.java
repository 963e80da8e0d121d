package dev.fraudscore.node.admin;

import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.ValidationException;
import dev.fraudscore.model.ModelLoadException;
import dev.fraudscore.node.access.Access;
import dev.fraudscore.node.access.ApiKeys.Role;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.ModelChange;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.failure.ApiError;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.http.HttpErrors;
import dev.fraudscore.node.scoring.ModelHolder;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model management on its own port (loopback by default). A change is applied on this node first (a
 * refused model answers 422 with the reason while the current one serves), then published to every node
 * of the cluster, which applies the same change (model files at the same path on every node).
 *
 * <ul>
 *   <li>{@code GET /admin/models}
 *   <li>{@code POST /admin/models/champion} {@code {"path": "models/fraud-model.json"}} (no path: reload the
 *       configured one)
 *   <li>{@code POST /admin/models/challenger} {@code {"path": ...}}; {@code DELETE /admin/models/challenger}
 *   <li>{@code POST /admin/thresholds} {@code {"review": 0.5, "decline": 0.9}}
 * </ul>
 */
public final class AdminVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(AdminVerticle.class);
    private static final int MAX_BODY_BYTES = 4096;

    private final NodeConfig.Admin config;
    private final Access access;
    private final Path configuredModel;
    private final String nodeId;
    private final ModelHolder models;
    private HttpServer server;

    public AdminVerticle(
            NodeConfig.Admin config, Path configuredModel, String nodeId, ModelHolder models, Access access) {
        this.access = access;
        this.config = config;
        this.configuredModel = configuredModel;
        this.nodeId = nodeId;
        this.models = models;
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
        HttpErrors.install(router, MAX_BODY_BYTES);
        server = vertx.createHttpServer();
        Future<Void> cluster = vertx.eventBus()
                .<ModelChange>consumer(Addresses.CLUSTER_MODEL_CHANGE, this::fromCluster)
                .completion();
        return Future.join(cluster, server.requestHandler(router).listen(config.port(), config.host()));
    }

    public int actualPort() {
        return server.actualPort();
    }

    private JsonObject describe() {
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
        vertx.executeBlocking(apply(change)).onComplete(ar -> {
            if (ar.succeeded()) {
                vertx.eventBus().publish(Addresses.CLUSTER_MODEL_CHANGE, change);
                ctx.json(describe().put("propagated", true));
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
        double review = Double.NaN, decline = Double.NaN;
        switch (kind) {
            case "champion", "challenger" -> {
                Object p = body.getValue("path");
                if (p != null && !(p instanceof String)) {
                    throw new ValidationException("path", "type_string", "path must be a string");
                }
                path = p != null ? (String) p : kind.equals("champion") ? configuredModel.toString() : null;
                if (path == null) {
                    throw new ValidationException("path", "required", "path is required for a challenger");
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
        return new ModelChange(kind, path, review, decline, nodeId);
    }

    private Callable<Object> apply(ModelChange c) {
        return () -> switch (c.kind()) {
            case "champion" -> models.promote(Path.of(c.path()));
            case "challenger" -> models.shadow(Path.of(c.path()));
            case "challenger-off" -> models.shadow(null);
            case "thresholds" -> models.setThresholds(new Thresholds(c.review(), c.decline()));
            default -> throw new IllegalArgumentException("unknown model change " + c.kind());
        };
    }

    /** Another node changed its models: do the same here. */
    private void fromCluster(Message<ModelChange> message) {
        ModelChange c = message.body();
        if (c.originNode().equals(nodeId)) {
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
