package dev.fraudscore.node.http;

import dev.fraudscore.node.failure.ApiError;
import dev.fraudscore.node.failure.Failure;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The one place a failure becomes an HTTP answer: its status, a JSON body naming the field and the rule,
 * and {@code Retry-After} when the same request may succeed later. Used by every HTTP server of the node.
 */
public final class HttpErrors {
    private HttpErrors() {}

    public static void respond(RoutingContext ctx, Throwable cause) {
        respond(ctx.response(), ApiError.of(cause));
    }

    public static void respond(RoutingContext ctx, ApiError error) {
        respond(ctx.response(), error);
    }

    public static void respond(HttpServerResponse response, ApiError error) {
        if (response.ended()) {
            return;
        }
        if (error.retryable()) {
            response.putHeader("Retry-After", "1");
        }
        response.setStatusCode(error.status())
                .putHeader("Content-Type", "application/json")
                .end(error.json().encode());
    }

    /** Answers the router's own failures (no route, wrong method, body too large, ...) in the same form. */
    public static void install(Router router, int maxBodyBytes) {
        router.errorHandler(400, ctx -> respond(ctx, ApiError.of(Failure.MALFORMED_REQUEST, null, "bad request")));
        router.errorHandler(
                404,
                ctx -> respond(
                        ctx,
                        ApiError.of(
                                Failure.NO_ROUTE,
                                null,
                                "no such resource: " + ctx.request().path())));
        router.errorHandler(
                405, ctx -> respond(ctx, ApiError.of(Failure.METHOD_NOT_ALLOWED, null, "method not allowed")));
        router.errorHandler(
                413,
                ctx -> respond(
                        ctx,
                        ApiError.of(Failure.BODY_TOO_LARGE, null, "request body exceeds " + maxBodyBytes + " bytes")));
        router.errorHandler(
                415,
                ctx -> respond(ctx, ApiError.of(Failure.MEDIA_TYPE, null, "Content-Type must be application/json")));
        router.errorHandler(500, ctx -> respond(ctx, ApiError.of(Failure.INTERNAL, null, "internal error")));
    }
}
