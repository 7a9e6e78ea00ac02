package dev.switchboard.testing;

import dev.switchboard.gateway.Timekeeper;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Timekeeper} that stands still until a test moves it: {@link #advance} runs every timer
 * that has come due, each on the context that set it, in the order they were due.
 */
public final class ManualTimekeeper implements Timekeeper {
    private record Timer(long id, long dueNanos, Context context, Runnable action) {
    }

    private long nanos = 1_000_000_000L;
    private long nextId = 1;
    private final Map<Long, Timer> timers = new HashMap<>();

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized long setTimer(Vertx vertx, long delayMs, Runnable action) {
        Context context = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
        long id = nextId++;
        timers.put(id, new Timer(id, nanos + Duration.ofMillis(delayMs).toNanos(), context, action));
        return id;
    }

    @Override
    public synchronized void cancelTimer(Vertx vertx, long id) {
        timers.remove(id);
    }

    /**
     * Moves time on by {@code by} and fires what came due, each on its timer's own context, and
     * returns once they have run (timers they set for later wait for the next advance).
     */
    public void advance(Duration by) {
        List<Timer> due = new ArrayList<>();
        synchronized (this) {
            nanos += by.toNanos();
            for (Timer t : timers.values()) {
                if (t.dueNanos() - nanos <= 0) {
                    due.add(t);
                }
            }
            due.forEach(t -> timers.remove(t.id()));
        }
        due.sort(Comparator.comparingLong(Timer::dueNanos));
        CountDownLatch ran = new CountDownLatch(due.size());
        for (Timer t : due) {
            t.context().runOnContext(v -> {
                try {
                    t.action().run();
                } finally {
                    ran.countDown();
                }
            });
        }
        try {
            if (!ran.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("timers due did not run within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Timers set and not yet fired or cancelled. */
    public synchronized int pending() {
        return timers.size();
    }
}
