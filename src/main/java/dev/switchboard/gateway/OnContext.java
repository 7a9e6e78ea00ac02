package dev.switchboard.gateway;

import io.vertx.core.Context;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;

/**
 * Continues a future on a request's Vert.x context, so that request state stays confined to its
 * event loop whichever thread completes the future (a Redis client's, a store's). A future that is
 * already complete (the in-memory accounting) continues at once, without a trip through the loop.
 */
final class OnContext {
    private OnContext() {
    }

    /** Calls {@code then} with the value, or with the failure's cause (never a {@link CompletionException}). */
    static <T> void then(CompletableFuture<T> future, Context context, BiConsumer<T, Throwable> then) {
        if (future.isDone()) {
            deliver(future, then);
        } else {
            future.whenComplete((value, failure) -> context.runOnContext(v -> deliver(future, then)));
        }
    }

    private static <T> void deliver(CompletableFuture<T> future, BiConsumer<T, Throwable> then) {
        T value;
        try {
            value = future.join();
        } catch (CompletionException e) {
            then.accept(null, e.getCause() != null ? e.getCause() : e);
            return;
        } catch (RuntimeException e) { // cancelled
            then.accept(null, e);
            return;
        }
        then.accept(value, null);
    }
}
