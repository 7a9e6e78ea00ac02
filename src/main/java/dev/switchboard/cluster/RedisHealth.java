package dev.switchboard.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether this node reaches Redis. The first failed command starts an outage: one warning, then a
 * probe every second; when Redis answers again, every shared component reconciles (the credit book
 * with the ledger) before requests use Redis again, and one line says so. Not one line per request.
 */
public final class RedisHealth implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisHealth.class);
    static final long PROBE_EVERY_MS = 1_000;

    /** A component with state in Redis: puts it right after an outage, then goes back to Redis. */
    interface Recovery {
        /** Runs while requests still avoid Redis; a failure keeps the outage going (and probing). */
        CompletableFuture<Void> reconcile();

        /** Requests use Redis again. */
        void resumed();
    }

    private final Redis redis;
    private final String whileDown;
    private volatile boolean closed;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final AtomicLong failures = new AtomicLong();
    private final List<Recovery> recoveries = new CopyOnWriteArrayList<>();
    private volatile long downSinceNanos;

    /** {@code whileDown} says what the node does meanwhile, for the outage's log line. */
    public RedisHealth(Redis redis, String whileDown) {
        this.redis = redis;
        this.whileDown = whileDown;
    }

    void register(Recovery recovery) {
        recoveries.add(recovery);
    }

    public boolean up() {
        return up.get();
    }

    /** Commands that failed because Redis could not be reached (or answered with an error). */
    public long failures() {
        return failures.get();
    }

    /** A command failed: starts an outage unless one is going on. */
    void failed(Throwable cause) {
        failures.incrementAndGet();
        if (up.compareAndSet(true, false)) {
            downSinceNanos = System.nanoTime();
            log.warn("Redis at {} cannot be reached ({}); {} until it answers again", redis.address(),
                    LuaScript.unwrap(cause).toString(), whileDown);
            scheduleProbe();
        }
    }

    /** Probes on the JDK's shared delay timer: a probe only sends a PING and composes futures. */
    private void scheduleProbe() {
        CompletableFuture.runAsync(this::probe, CompletableFuture.delayedExecutor(PROBE_EVERY_MS, TimeUnit.MILLISECONDS));
    }

    private void probe() {
        if (closed) {
            return;
        }
        CompletableFuture<Void> reconciled;
        try {
            reconciled = redis.commands().ping().toCompletableFuture().thenCompose(pong -> reconcileAll());
        } catch (RuntimeException e) {
            reconciled = CompletableFuture.failedFuture(e);
        }
        reconciled.whenComplete((done, failure) -> {
            if (failure != null) {
                scheduleProbe();
                return;
            }
            up.set(true);
            recoveries.forEach(Recovery::resumed);
            log.info("Redis at {} answers again after {} s; shared counters reconciled with the ledger",
                    redis.address(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - downSinceNanos));
        });
    }

    private CompletableFuture<Void> reconcileAll() {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Recovery r : recoveries) {
            chain = chain.thenCompose(v -> r.reconcile());
        }
        return chain;
    }

    @Override
    public void close() {
        closed = true;
    }
}
