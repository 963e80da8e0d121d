package dev.fraudscore.node.admin;

import dev.fraudscore.model.ModelLoadException;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.scoring.ModelHolder;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.file.Path;

/**
 * Model management on its own port (loopback by default): show the served models, promote a new champion
 * without downtime, run or stop a challenger in shadow. Loading runs on a worker thread; a model that is
 * missing, corrupt or built for other features is refused with the reason while the current one serves.
 * <ul>
 *   <li>{@code GET /admin/models}</li>
 *   <li>{@code POST /admin/models/champion} {@code {"path": "models/fraud-model.json"}} (no path: reload the configured one)</li>
 *   <li>{@code POST /admin/models/challenger} {@code {"path": ...}}; {@code DELETE /admin/models/challenger}</li>
 * </ul>
 */
public final class AdminVerticle extends VerticleBase {
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
        router.post("/admin/models/champion").handler(ctx -> load(ctx, true));
        router.post("/admin/models/challenger").handler(ctx -> load(ctx, false));
        router.delete("/admin/models/challenger").handler(ctx -> vertx.executeBlocking(() -> models.shadow(null))
                .onComplete(ar -> ctx.json(describe())));
        server = vertx.createHttpServer();
        return server.requestHandler(router).listen(config.admin().port(), config.admin().host());
    }

    public int actualPort() {
        return server.actualPort();
    }

    private JsonObject describe() {
        return new JsonObject().put("champion", describe(models.champion())).put("challenger", describe(models.challenger()));
    }

    private static JsonObject describe(ModelHolder.Served s) {
        if (s == null) {
            return null;
        }
        return new JsonObject().put("modelVersion", s.version()).put("path", s.path().toString())
                .put("thresholds", new JsonObject().put("review", s.thresholds().review()).put("decline", s.thresholds().decline()));
    }

    private void load(RoutingContext ctx, boolean champion) {
        JsonObject body;
        try {
            body = ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            error(ctx, 400, "request body must be a JSON object", "body", "malformed_json");
            return;
        }
        Object p = body == null ? null : body.getValue("path");
        if (p != null && !(p instanceof String)) {
            error(ctx, 400, "path must be a string", "path", "type_string");
            return;
        }
        Path path = p == null ? (champion ? config.scoring().modelPath() : null) : Path.of((String) p);
        if (path == null) {
            error(ctx, 400, "path is required for a challenger", "path", "required");
            return;
        }
        vertx.executeBlocking(() -> champion ? models.promote(path) : models.shadow(path)).onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.json(describe());
            } else if (ar.cause() instanceof ModelLoadException e) {
                error(ctx, 422, "model refused, still serving " + models.champion().version() + ": " + e.getMessage(),
                        "path", "model_refused");
            } else {
                error(ctx, 500, String.valueOf(ar.cause().getMessage()), "path", "internal");
            }
        });
    }

    private static void error(RoutingContext ctx, int status, String message, String field, String rule) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", message).put("field", field).put("rule", rule).encode());
    }
}
