package dev.fraudscore.node.failure;

import io.vertx.core.eventbus.Message;

/**
 * A {@link Failure} with a message for humans (and optionally the field it concerns), thrown or carried by a
 * failed future. Without a stack trace: these are expected outcomes, not bugs.
 */
public final class FailureException extends RuntimeException {
    private final Failure failure;
    private final String field;

    public FailureException(Failure failure, String field, String message) {
        super(message, null, false, false);
        this.failure = failure;
        this.field = field;
    }

    public Failure failure() {
        return failure;
    }

    /** The field this failure concerns: the one given, else the failure's default. */
    public String field() {
        return field != null ? field : failure.field();
    }

    /** Fails an event-bus request with whatever {@code cause} maps to, under that failure's code. */
    public static void reply(Message<?> message, Throwable cause) {
        ApiError e = ApiError.of(cause);
        message.fail(e.failure().code(), e.message());
    }
}
