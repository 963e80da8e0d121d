package dev.fraudscore.node.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.concurrent.CompletionStage;

/**
 * Turns a Hazelcast {@link CompletionStage} into a Vert.x future completed on the caller's context.
 * Hazelcast runs plain (non-async) dependents on its default async executor, which on a machine where
 * {@code ForkJoinPool.commonPool()} has parallelism 1 (2 cores) starts a new thread per callback; an
 * explicit executor that hands the result straight to the Vert.x context avoids both that and a hop.
 */
public final class OnContext {
    private OnContext() {
    }

    public static <T> Future<T> future(CompletionStage<T> stage, Context context) {
        Promise<T> promise = Promise.promise();
        stage.whenCompleteAsync((value, error) -> {
            if (error != null) {
                promise.fail(error);
            } else {
                promise.complete(value);
            }
        }, command -> context.runOnContext(v -> command.run()));
        return promise.future();
    }
}
