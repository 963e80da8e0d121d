package dev.fraudscore.node.http;

import dev.fraudscore.domain.ValidationException;
import dev.fraudscore.node.failure.ApiError;
import dev.fraudscore.node.failure.Failure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

/** What every JSON endpoint of the public API shares: reading the request body, shaping rows and store failures. */
public final class ApiBodies {
    private ApiBodies() {}

    /** The request body as a JSON object; a 400 ({@code malformed_json}, {@code json_object}) when it is not one. */
    public static JsonObject jsonObject(RoutingContext ctx) {
        Object body;
        try {
            body = ctx.body().buffer() == null
                    ? null
                    : Json.decodeValue(ctx.body().buffer());
        } catch (DecodeException e) {
            throw new ValidationException("body", "malformed_json", "request body is not valid JSON");
        }
        if (!(body instanceof JsonObject json)) {
            throw new ValidationException("body", "json_object", "request body must be a JSON object");
        }
        return json;
    }

    /** The first column of every row (JSON the query built), in order. */
    public static JsonArray column(RowSet<Row> rows) {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(r.getValue(0)));
        return out;
    }

    /** A failure of the store behind an endpoint is the dependency's (503); an API failure passes through. */
    public static ApiError storeFailure(Throwable e, String store) {
        ApiError error = ApiError.of(e);
        return error.failure() == Failure.INTERNAL
                ? ApiError.of(Failure.UNAVAILABLE, null, "the " + store + " did not answer: " + e.getMessage())
                : error;
    }
}
