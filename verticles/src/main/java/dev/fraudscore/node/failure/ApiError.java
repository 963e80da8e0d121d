package dev.fraudscore.node.failure;

import dev.fraudscore.domain.ValidationException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * What a caller is told when a request fails: the {@link Failure}, the rule and the field it names, and a
 * message. {@link #of} is the one place that decides which failure anything that went wrong is: a refused
 * input, a {@link FailureException}, or an event-bus reply that failed, timed out or found no consumer.
 */
public record ApiError(Failure failure, String rule, String field, String message) {

    public static ApiError of(Throwable cause) {
        if (cause instanceof ValidationException v) {
            return new ApiError(Failure.INVALID, v.rule(), v.field(), v.getMessage());
        }
        if (cause instanceof FailureException f) {
            return of(f.failure(), f.field(), f.getMessage());
        }
        if (cause instanceof ReplyException re) {
            String message = re.getMessage() == null ? "" : re.getMessage();
            return switch (re.failureType()) {
                case TIMEOUT -> of(Failure.TIMEOUT, null, "no answer in time: " + message);
                case NO_HANDLERS -> of(Failure.UNAVAILABLE, null, "not ready: " + message);
                default -> {
                    Failure f = Failure.byCode(re.failureCode());
                    yield f == null ? of(Failure.INTERNAL, null, message) : of(f, null, message);
                }
            };
        }
        return of(Failure.INTERNAL, null, String.valueOf(cause.getMessage()));
    }

    public static ApiError of(Failure failure, String field, String message) {
        return new ApiError(failure, failure.rule(), field != null ? field : failure.field(), message);
    }

    public int status() {
        return failure.status();
    }

    public boolean retryable() {
        return failure.retryable();
    }

    /** The error body every endpoint answers: {@code {"error": .., "field": .., "rule": ..}}. */
    public JsonObject json() {
        return new JsonObject().put("error", message).put("field", field).put("rule", rule);
    }
}
