package dev.fraudscore.node.admin;

import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.model.ModelLoadException;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.ModelChange;
import dev.fraudscore.node.config.NodeConfig;
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
 * <ul>
 *   <li>{@code GET /admin/models}</li>
 *   <li>{@code POST /admin/models/champion} {@code {"path": "models/fraud-model.json"}} (no path: reload the configured one)</li>
 *   <li>{@code POST /admin/models/challenger} {@code {"path": ...}}; {@code DELETE /admin/models/challenger}</li>
 *   <li>{@code POST /admin/thresholds} {@code {"review": 0.5, "decline": 0.9}}</li>
 * </ul>
 */
public final class AdminVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(AdminVerticle.class);
    private final NodeConfig config;
    private final ModelHolder models;
    private HttpServer server;

    public AdminVerticle(NodeConfig config, ModelHolder models) {
        this.config = config;
        this.models = models;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route("/admin/*").handler(BodyHandler.create(false).setBodyLimit(4096));
        router.get("/admin/models").handler(ctx -> ctx.json(describe()));
        router.post("/admin/models/champion").handler(ctx -> change(ctx, "champion"));
        router.post("/admin/models/challenger").handler(ctx -> change(ctx, "challenger"));
        router.delete("/admin/models/challenger").handler(ctx -> change(ctx, "challenger-off"));
        router.post("/admin/thresholds").handler(ctx -> change(ctx, "thresholds"));
        server = vertx.createHttpServer();
        Future<Void> cluster = vertx.eventBus()
                .<ModelChange>consumer(Addresses.CLUSTER_MODEL_CHANGE, this::fromCluster)
                .completion();
        return Future.join(
                cluster,
                server.requestHandler(router)
                        .listen(config.admin().port(), config.admin().host()));
    }

    public int actualPort() {
        return server.actualPort();
    }

    private JsonObject describe() {
        return new JsonObject()
                .put("node", config.nodeId())
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
        JsonObject body;
        try {
            body = ctx.body() == null || ctx.body().length() == 0
                    ? new JsonObject()
                    : ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            error(ctx, 400, "request body must be a JSON object", "body", "malformed_json");
            return;
        }
        ModelChange change;
        try {
            change = parse(kind, body == null ? new JsonObject() : body);
        } catch (IllegalArgumentException e) {
            String[] fieldRule = e.getMessage().split("\\|", 3);
            error(ctx, 400, fieldRule[2], fieldRule[0], fieldRule[1]);
            return;
        }
        vertx.executeBlocking(apply(change)).onComplete(ar -> {
            if (ar.succeeded()) {
                vertx.eventBus().publish(Addresses.CLUSTER_MODEL_CHANGE, change);
                ctx.json(describe().put("propagated", true));
            } else if (ar.cause() instanceof ModelLoadException e) {
                error(
                        ctx,
                        422,
                        "model refused, still serving " + models.champion().version() + ": " + e.getMessage(),
                        "path",
                        "model_refused");
            } else {
                error(ctx, 500, String.valueOf(ar.cause().getMessage()), "path", "internal");
            }
        });
    }

    private ModelChange parse(String kind, JsonObject body) {
        String path = null;
        double review = Double.NaN, decline = Double.NaN;
        switch (kind) {
            case "champion", "challenger" -> {
                Object p = body.getValue("path");
                if (p != null && !(p instanceof String)) {
                    throw new IllegalArgumentException("path|type_string|path must be a string");
                }
                path = p != null
                        ? (String) p
                        : kind.equals("champion") ? config.scoring().modelPath().toString() : null;
                if (path == null) {
                    throw new IllegalArgumentException("path|required|path is required for a challenger");
                }
            }
            case "thresholds" -> {
                if (!(body.getValue("review") instanceof Number r) || !(body.getValue("decline") instanceof Number d)) {
                    throw new IllegalArgumentException("review|required|review and decline are required numbers");
                }
                try {
                    new Thresholds(r.doubleValue(), d.doubleValue());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("review|range|" + e.getMessage());
                }
                review = r.doubleValue();
                decline = d.doubleValue();
            }
            default -> {}
        }
        return new ModelChange(kind, path, review, decline, config.nodeId());
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
        if (c.originNode().equals(config.nodeId())) {
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

    private static void error(RoutingContext ctx, int status, String message, String field, String rule) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject()
                        .put("error", message)
                        .put("field", field)
                        .put("rule", rule)
                        .encode());
    }
}
