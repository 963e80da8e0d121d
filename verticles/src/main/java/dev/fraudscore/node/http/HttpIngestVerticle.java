package dev.fraudscore.node.http;

import dev.fraudscore.domain.Label;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.domain.TransactionValidator;
import dev.fraudscore.domain.ValidationException;
import dev.fraudscore.node.access.Access;
import dev.fraudscore.node.access.ApiKeys;
import dev.fraudscore.node.access.ApiKeys.Role;
import dev.fraudscore.node.admission.Admission;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.DecisionEvent;
import dev.fraudscore.node.bus.LabelResult;
import dev.fraudscore.node.bus.LoopRoutes;
import dev.fraudscore.node.bus.Origin;
import dev.fraudscore.node.bus.ScoreRequest;
import dev.fraudscore.node.bus.Source;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.failure.ApiError;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.health.Health;
import dev.fraudscore.node.json.DecisionJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP edge: {@code POST /v1/authorize-check} and {@code POST /v1/labels}. Validates and normalises the
 * request, sends it through the pipeline on the event bus, and answers the decision or the failure
 * ({@link HttpErrors}: every error body is {@code {"error": .., "field": .., "rule": ..}}).
 */
public final class HttpIngestVerticle extends VerticleBase {
    public static final String AUTHORIZE_CHECK = "/v1/authorize-check";
    public static final String LABELS = "/v1/labels";
    private static final String TICKET = "admission.ticket";

    private final NodeConfig.Http config;
    private final NodeConfig.Security security;
    private final String nodeId;
    private final PrometheusMeterRegistry registry;
    private final Health health;
    private final Admission admission;
    private final LoopRoutes routes;
    private final Access access;
    private final Counter rejected;
    private final TransactionValidator validator = new TransactionValidator(Clock.systemUTC());
    private DeliveryOptions pipelineDelivery;
    private HttpServer server;
    private final List<RouteMount> mounts;
    private Buffer overloadedBody;

    /** {@code admission}: decisions in progress on this node and how many it takes, shared by every instance. */
    public HttpIngestVerticle(
            NodeConfig.Http config,
            NodeConfig.Security security,
            String nodeId,
            PrometheusMeterRegistry registry,
            Health health,
            Admission admission,
            LoopRoutes routes,
            Access access,
            List<RouteMount> mounts) {
        this.access = access;
        this.mounts = mounts;
        this.config = config;
        this.security = security;
        this.nodeId = nodeId;
        this.registry = registry;
        this.health = health;
        this.admission = admission;
        this.routes = routes;
        this.rejected = Counter.builder("fraud.admission.refused")
                .description("decisions refused because the node was at its admission limit")
                .tag("lane", "interactive")
                .register(registry);
    }

    @Override
    public Future<?> start() {
        pipelineDelivery =
                new DeliveryOptions().setSendTimeout(config.requestTimeoutMs()).setLocalOnly(true);
        Router router = Router.router(vertx);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
        // who the caller is before anything else; then admission before the body is read
        router.post(AUTHORIZE_CHECK)
                .consumes("application/json")
                .handler(access.require(Role.DECIDE))
                .handler((PlatformHandler) this::admit)
                .handler(body)
                .handler(this::authorizeCheck);
        router.post(LABELS)
                .consumes("application/json")
                .handler(access.require(Role.LABEL))
                .handler(body)
                .handler(this::label);
        for (RouteMount m : mounts) {
            m.mount(vertx, router);
        }
        // the load balancer's probes; the details (/health) and /metrics are on the admin port only
        router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
        router.get("/health/ready").handler(this::ready);
        HttpErrors.install(router, config.maxBodyBytes());
        overloadedBody = Buffer.buffer(ApiError.of(
                        Failure.OVERLOADED,
                        null,
                        "the node is at its limit of decisions in progress; retry with the same transactionId")
                .json()
                .encode());
        server = vertx.createHttpServer(Servers.options(config.host(), config.port(), config.tls(), config.limits()));
        return Servers.guard(vertx, server, router, config.limits(), registry).listen();
    }

    /** The port actually bound (differs from the configured one when that is 0). */
    public int actualPort() {
        return server.actualPort();
    }

    private void ready(RoutingContext ctx) {
        boolean ready = health.ready();
        JsonObject body = new JsonObject().put("status", ready ? "UP" : "DOWN").put("node", nodeId);
        ctx.response()
                .setStatusCode(ready ? 200 : 503)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
    }

    private void label(RoutingContext ctx) {
        Label label;
        try {
            ApiKeys.Client client = ctx.get(Access.CLIENT);
            label = validator.parseLabel(ApiBodies.jsonObject(ctx).getMap()).by(client.name());
        } catch (ValidationException e) {
            HttpErrors.respond(ctx, e);
            return;
        }
        vertx.eventBus()
                .<LabelResult>request(Addresses.LABELS_APPLY, label, pipelineDelivery)
                .onSuccess(m -> {
                    LabelResult r = m.body();
                    ctx.json(new JsonObject()
                            .put("transactionId", r.transactionId())
                            .put("client", r.client())
                            .put("fraud", r.fraud())
                            .put("source", r.source())
                            .put("change", r.change()));
                })
                .onFailure(e -> HttpErrors.respond(ctx, e));
    }

    /** Takes a place for the decision, or refuses at once (503 Retry-After) when the node is full. */
    private void admit(RoutingContext ctx) {
        Optional<Admission.Ticket> ticket = admission.tryAcquire(Admission.Lane.INTERACTIVE);
        if (ticket.isEmpty()) {
            refuse(ctx.response());
            return;
        }
        ctx.put(TICKET, ticket.get());
        // whatever ends the request without a decision (bad input, a conflict) gives the place back
        ctx.addEndHandler(v -> ticket.get().ignored());
        ctx.next();
    }

    private void authorizeCheck(RoutingContext ctx) {
        long received = System.nanoTime();
        Transaction tx;
        try {
            tx = validator.parse(ApiBodies.jsonObject(ctx).getMap());
        } catch (ValidationException e) {
            HttpErrors.respond(ctx, e);
            return;
        }
        Admission.Ticket ticket = ctx.get(TICKET);
        ApiKeys.Client client = ctx.get(Access.CLIENT);
        Origin origin = Origin.of(
                client.name(),
                tx,
                System.currentTimeMillis(),
                security.maxEventTimeSkewMs(),
                client.roles().contains(Role.REPLAY));
        ScoreRequest request = new ScoreRequest(tx, Source.HTTP, received, origin);
        vertx.eventBus()
                .<DecisionEvent>request(routes.route(Addresses.PIPELINE_DECIDE), request, pipelineDelivery)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ApiError error = ApiError.of(ar.cause());
                        if (error.failure() == Failure.OVERLOADED || error.failure() == Failure.TIMEOUT) {
                            ticket.dropped();
                        }
                        HttpErrors.respond(ctx, error);
                        return;
                    }
                    ticket.decided();
                    DecisionEvent event = ar.result().body();
                    double tookMs = (System.nanoTime() - received) / 1e6;
                    if (event.replayed()) {
                        ctx.response().putHeader("Idempotent-Replayed", "true");
                    }
                    ctx.response()
                            .putHeader("Content-Type", "application/json")
                            .end(DecisionJson.decision(event.decision(), event.replayed(), tookMs)
                                    .encode());
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
}
