package dev.fraudscore.node.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * Turns a Hazelcast {@link CompletionStage} into a Vert.x future completed on the caller's context, with a
 * deadline whose timer also runs on that context, so every callback runs on the verticle's event loop.
 * Hazelcast runs plain (non-async) dependents on its default async executor, which on a machine where
 * {@code ForkJoinPool.commonPool()} has parallelism 1 (2 cores) starts a new thread per callback; an
 * explicit executor that hands the result straight to the Vert.x context avoids both that and a hop.
 */
public final class OnContext {
    private OnContext() {}

    /** Call from the verticle's context. */
    public static <T> Future<T> future(CompletionStage<T> stage, Context context, long timeoutMs) {
        Promise<T> promise = Promise.promise();
        long timer = context.owner()
                .setTimer(
                        timeoutMs,
                        id -> promise.tryFail(
                                new TimeoutException("Hazelcast did not answer within " + timeoutMs + " ms")));
        // complete in a Vert.x task of its own: an exception thrown by a listener is then reported by Vert.x,
        // not captured by the CompletableFuture that runs this callback
        stage.whenCompleteAsync(
                (value, error) -> context.runOnContext(v -> {
                    context.owner().cancelTimer(timer);
                    if (error != null) {
                        promise.tryFail(error);
                    } else {
                        promise.tryComplete(value);
                    }
                }),
                command -> context.runOnContext(v -> command.run()));
        return promise.future();
    }
}
