package dev.fraudscore.node.http;

import dev.fraudscore.domain.Label;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.domain.TransactionValidator;
import dev.fraudscore.domain.ValidationException;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.Codes;
import dev.fraudscore.node.bus.DecisionEvent;
import dev.fraudscore.node.bus.LabelResult;
import dev.fraudscore.node.bus.ScoreRequest;
import dev.fraudscore.node.bus.Source;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.health.Health;
import dev.fraudscore.node.health.HealthVerticle;
import dev.fraudscore.node.json.DecisionJson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Clock;

/**
 * The HTTP edge: {@code POST /v1/authorize-check}. Validates and normalises the request, sends it through
 * the pipeline on the event bus, and maps the reply (or failure code) to a response. Every error body is
 * {@code {"error": .., "field": .., "rule": ..}}.
 */
public final class HttpIngestVerticle extends VerticleBase {
    public static final String AUTHORIZE_CHECK = "/v1/authorize-check";
    public static final String LABELS = "/v1/labels";

    private final NodeConfig config;
    private final PrometheusMeterRegistry registry;
    private final Health health;
    private final TransactionValidator validator = new TransactionValidator(Clock.systemUTC());
    private DeliveryOptions pipelineDelivery;
    private HttpServer server;
    private Buffer overloadedBody;

    private final AdmissionLimit admission;
    private final dev.fraudscore.node.bus.LoopRoutes routes;
    private final io.micrometer.core.instrument.Counter rejected;

    /** {@code admission}: decisions in progress on this node and how many it takes, shared by every HTTP verticle instance. */
    public HttpIngestVerticle(
            NodeConfig config,
            PrometheusMeterRegistry registry,
            Health health,
            AdmissionLimit admission,
            dev.fraudscore.node.bus.LoopRoutes routes) {
        this.config = config;
        this.routes = routes;
        this.registry = registry;
        this.health = health;
        this.admission = admission;
        this.rejected = io.micrometer.core.instrument.Counter.builder("fraud.http.rejected")
                .description("authorize-checks refused with 503 because the node was at its admission limit")
                .register(registry);
    }

    @Override
    public Future<?> start() {
        pipelineDelivery = new DeliveryOptions()
                .setSendTimeout(config.http().requestTimeoutMs())
                .setLocalOnly(true);
        Router router = Router.router(vertx);
        router.post(AUTHORIZE_CHECK)
                .consumes("application/json")
                .handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()))
                .handler(this::authorizeCheck);
        router.post(LABELS)
                .consumes("application/json")
                .handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()))
                .handler(this::label);
        router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
        router.get("/health/ready").handler(ctx -> {
            boolean ready = health.ready(HealthVerticle.CHECKS);
            JsonObject body =
                    new JsonObject().put("status", ready ? "UP" : "DOWN").put("node", config.nodeId());
            health.failures().forEach((check, failure) -> body.put(check, failure));
            ctx.response()
                    .setStatusCode(ready ? 200 : 503)
                    .putHeader("Content-Type", "application/json")
                    .end(body.encode());
        });
        router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
        router.errorHandler(400, ctx -> error(ctx, 400, "bad request", null, "malformed_request"));
        router.errorHandler(
                404, ctx -> error(ctx, 404, "no such resource: " + ctx.request().path(), null, "not_found"));
        router.errorHandler(405, ctx -> error(ctx, 405, "method not allowed", null, "method"));
        router.errorHandler(
                413,
                ctx -> error(
                        ctx,
                        413,
                        "request body exceeds " + config.http().maxBodyBytes() + " bytes",
                        "body",
                        "max_size"));
        router.errorHandler(
                415, ctx -> error(ctx, 415, "Content-Type must be application/json", "Content-Type", "media_type"));
        router.errorHandler(500, ctx -> error(ctx, 500, "internal error", null, "internal"));
        overloadedBody = Buffer.buffer(new JsonObject()
                .put(
                        "error",
                        "overloaded: the node is at its limit of decisions in progress;"
                                + " retry with the same transactionId")
                .putNull("field")
                .put("rule", "overloaded")
                .encode());
        server = vertx.createHttpServer();
        return server.requestHandler(req -> {
                    // admission before the body is read or parsed, so that refusing costs next to nothing when the node
                    // is full
                    if (admission.full() && req.method() == HttpMethod.POST && AUTHORIZE_CHECK.equals(req.path())) {
                        refuse(req.response());
                    } else {
                        router.handle(req);
                    }
                })
                .listen(config.http().port(), config.http().host());
    }

    /** The port actually bound (differs from the configured one when that is 0). */
    public int actualPort() {
        return server.actualPort();
    }

    /** The request body as a JSON object, or null after answering 400. */
    private static JsonObject jsonBody(RoutingContext ctx) {
        Object body;
        try {
            body = ctx.body().buffer() == null
                    ? null
                    : Json.decodeValue(ctx.body().buffer());
        } catch (DecodeException e) {
            error(ctx, 400, "request body is not valid JSON", "body", "malformed_json");
            return null;
        }
        if (!(body instanceof JsonObject json)) {
            error(ctx, 400, "request body must be a JSON object", "body", "json_object");
            return null;
        }
        return json;
    }

    private void label(RoutingContext ctx) {
        JsonObject json = jsonBody(ctx);
        if (json == null) {
            return;
        }
        Label label;
        try {
            label = validator.parseLabel(json.getMap());
        } catch (ValidationException e) {
            error(ctx, 400, e.getMessage(), e.field(), e.rule());
            return;
        }
        vertx.eventBus()
                .<LabelResult>request(Addresses.LABELS_APPLY, label, pipelineDelivery)
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        LabelResult r = ar.result().body();
                        ctx.response()
                                .putHeader("Content-Type", "application/json")
                                .end(new JsonObject()
                                        .put("transactionId", r.transactionId())
                                        .put("fraud", r.fraud())
                                        .put("change", r.change())
                                        .encode());
                    } else {
                        failure(ctx, ar.cause());
                    }
                });
    }

    private void authorizeCheck(RoutingContext ctx) {
        long received = System.nanoTime();
        JsonObject json = jsonBody(ctx);
        if (json == null) {
            return;
        }
        Transaction tx;
        try {
            tx = validator.parse(json.getMap());
        } catch (ValidationException e) {
            error(ctx, 400, e.getMessage(), e.field(), e.rule());
            return;
        }
        if (!admission.tryAcquire()) {
            // filled up while this body was read: answer at once instead of queueing
            refuse(ctx.response());
            return;
        }
        ScoreRequest request = new ScoreRequest(tx, tx.fingerprint(), Source.HTTP, received);
        vertx.eventBus()
                .<DecisionEvent>request(routes.route(Addresses.PIPELINE_DECIDE), request, pipelineDelivery)
                .onComplete(ar -> {
                    admission.release((System.nanoTime() - received) / 1000);
                    if (ar.succeeded()) {
                        DecisionEvent event = ar.result().body();
                        double tookMs = (System.nanoTime() - received) / 1e6;
                        if (event.replayed()) {
                            ctx.response().putHeader("Idempotent-Replayed", "true");
                        }
                        ctx.response()
                                .putHeader("Content-Type", "application/json")
                                .end(DecisionJson.decision(event.decision(), event.replayed(), tookMs)
                                        .encode());
                    } else {
                        failure(ctx, ar.cause());
                    }
                });
    }

    /** Past capacity: 503 with Retry-After; the caller retries with the same transactionId. */
    private void refuse(HttpServerResponse response) {
        rejected.increment();
        response.setStatusCode(503)
                .putHeader("Retry-After", "1")
                .putHeader("Content-Type", "application/json")
                .end(overloadedBody);
    }

    private void failure(RoutingContext ctx, Throwable cause) {
        if (cause instanceof ReplyException re) {
            String msg = re.getMessage() == null ? "" : re.getMessage();
            String rule = msg.contains(":") ? msg.substring(0, msg.indexOf(':')) : "error";
            switch (re.failureType()) {
                case TIMEOUT -> {
                    ctx.response().putHeader("Retry-After", "1");
                    error(
                            ctx,
                            503,
                            "no decision within " + config.http().requestTimeoutMs()
                                    + " ms; retry with the same transactionId",
                            null,
                            "timeout");
                    return;
                }
                case NO_HANDLERS -> {
                    error(ctx, 503, "pipeline not ready", null, "unavailable");
                    return;
                }
                default -> {}
            }
            switch (re.failureCode()) {
                case Codes.CONFLICT -> error(ctx, 409, msg, "transactionId", rule);
                case Codes.NOT_FOUND -> error(ctx, 404, msg, "transactionId", rule);
                case Codes.OVERLOADED, Codes.UNAVAILABLE -> {
                    ctx.response().putHeader("Retry-After", "1");
                    error(ctx, 503, msg, null, rule);
                }
                default -> error(ctx, 500, msg, null, "internal");
            }
            return;
        }
        error(ctx, 500, String.valueOf(cause.getMessage()), null, "internal");
    }

    static void error(RoutingContext ctx, int status, String message, String field, String rule) {
        if (ctx.response().ended()) {
            return;
        }
        JsonObject body =
                new JsonObject().put("error", message).put("field", field).put("rule", rule);
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
    }
}
