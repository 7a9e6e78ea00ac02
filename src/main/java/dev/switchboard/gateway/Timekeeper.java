package dev.switchboard.gateway;

import io.vertx.core.Vertx;

/**
 * The time a request's deadlines are measured on: the first-token deadline, the keep-alive
 * comments while a stream waits, the idle limit between chunks and the whole budget. In
 * production {@link #SYSTEM}: {@link System#nanoTime} and Vert.x timers. Tests inject a manual one
 * and move time by hand, so a 60-second timeout is tested without waiting 60 seconds.
 */
public interface Timekeeper {

    /** A monotonic reading, in nanoseconds (only differences mean anything). */
    long nanoTime();

    /** Runs {@code action} once, on the calling event-loop context, after {@code delayMs}; returns the timer's id. */
    long setTimer(Vertx vertx, long delayMs, Runnable action);

    /** Cancels a timer that has not fired yet. */
    void cancelTimer(Vertx vertx, long id);

    Timekeeper SYSTEM = new Timekeeper() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long setTimer(Vertx vertx, long delayMs, Runnable action) {
            return vertx.setTimer(delayMs, id -> action.run());
        }

        @Override
        public void cancelTimer(Vertx vertx, long id) {
            vertx.cancelTimer(id);
        }
    };
}
