package dev.fraudscore.node.http;

import dev.fraudscore.domain.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public API's OpenAPI 3.1 document ({@code openapi/fraudscore.json} on the classpath): served at
 * {@code /openapi.json}, and the contract the analysts' routes validate each request against before their handler
 * runs (parameter types, ranges, enums, the resolution body). A request the contract refuses is a 400 naming the
 * parameter (or the body's field) and the rule the contract broke. The authorize-check and label bodies are
 * described by the same document and checked by the node's own validator, which gives finer rules (a card number
 * refused as {@code not_a_pan}, a currency's decimals) on the hot path without a second pass.
 */
public final class ApiContract {
    public static final String PATH = "/openapi.json";
    private static final String RESOURCE = "openapi/fraudscore.json";
    private static final Pattern PARAMETER = Pattern.compile("(?:query|path|header|cookie) parameter (\\S+?)[ .:,]");

    private final OpenAPIContract contract;
    private final RequestValidator validator;
    private final Buffer document;

    private ApiContract(OpenAPIContract contract, RequestValidator validator, Buffer document) {
        this.contract = contract;
        this.validator = validator;
        this.document = document;
    }

    /** Reads and checks the document (it is itself validated as OpenAPI 3.1). */
    public static Future<ApiContract> load(Vertx vertx) {
        JsonObject json;
        try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return Future.failedFuture(new IllegalStateException(RESOURCE + " is not on the classpath"));
            }
            json = new JsonObject(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Buffer document = json.toBuffer();
        return OpenAPIContract.from(vertx, json)
                .map(c -> new ApiContract(c, RequestValidator.create(vertx, c), document));
    }

    /** Serves the document (no key: it describes the API, it grants nothing). */
    public void serve(Router router) {
        router.get(PATH)
                .handler(ctx -> ctx.response()
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Cache-Control", "max-age=60")
                        .end(document));
    }

    /** A route handler that lets through only a request the contract's operation accepts. */
    public Handler<RoutingContext> validate(String operationId) {
        if (contract.operation(operationId) == null) {
            throw new IllegalArgumentException("no operation " + operationId + " in " + RESOURCE);
        }
        return ctx -> RequestUtils.extract(
                        ctx.request(),
                        contract.operation(operationId),
                        () -> Future.succeededFuture(
                                ctx.body() == null ? null : ctx.body().buffer()))
                .compose(request -> validator.validate(request, operationId))
                .onSuccess(v -> ctx.next())
                .onFailure(e -> HttpErrors.respond(ctx, refusal(e)));
    }

    /** The contract's refusal as the API's error: the parameter or body field, and the rule. */
    static Throwable refusal(Throwable e) {
        if (!(e instanceof ValidatorException v)) {
            return e;
        }
        String message = v.getMessage();
        String field = "body";
        Matcher m = PARAMETER.matcher(message + " ");
        if (m.find()) {
            field = m.group(1);
        } else if (v instanceof SchemaValidationException s && s.getOutputUnit() != null) {
            field = bodyField(s.getOutputUnit());
        }
        String rule = v.type().name().toLowerCase(Locale.ROOT);
        return new ValidationException(field, rule, message);
    }

    /** The first body field an output unit (or one of its errors) points at, e.g. {@code verdict}. */
    private static String bodyField(OutputUnit unit) {
        String location = unit.getInstanceLocation();
        if (location != null && location.length() > 2) {
            String path = location.startsWith("#/") ? location.substring(2) : location.replaceFirst("^/", "");
            if (!path.isEmpty()) {
                return path.split("/")[0];
            }
        }
        if (unit.getErrors() != null) {
            for (OutputUnit inner : unit.getErrors()) {
                String f = bodyField(inner);
                if (!f.equals("body")) {
                    return f;
                }
            }
        }
        return "body";
    }
}
