package dev.switchboard.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client connections of one event loop, and the deadlines they keep: a new connection must send a
 * request's head within the header timeout, and a connection with no request in flight is closed after
 * the idle timeout (a slow non-streaming answer is not idle: it has a request in flight). Connections
 * past the shared limit are marked so that their first request gets a 503 and they close.
 *
 * <p>Deadlines are checked by one periodic sweep per event loop rather than a timer per request: the
 * hot path does two field writes and a clock read per request. Vert.x's own idle timeout is not used
 * because it closes a connection whose request is still waiting for its upstream. Event-loop confined.
 */
final class ClientConnections {
    private static final Logger log = LoggerFactory.getLogger(ClientConnections.class);
    /** A connection over the limit is held only this long for its request (to answer it with a 503). */
    private static final long REFUSED_GRACE_MS = 1_000;

    /** Open connections across all event loops, and the limit. Thread-safe. */
    static final class Budget {
        private final AtomicInteger open = new AtomicInteger();
        private final int max;

        Budget(int max) {
            this.max = max;
        }

        /** Counts a new connection; false when it is over the limit (it is counted all the same). */
        boolean open() {
            return open.incrementAndGet() <= max;
        }

        void closed() {
            open.decrementAndGet();
        }

        int max() {
            return max;
        }

        int openNow() {
            return open.get();
        }
    }

    /** One client connection's state. */
    static final class Connection {
        private final HttpConnection connection;
        private final boolean refused;
        private int inFlight;
        private boolean servedOne;
        private long idleSinceNanos;

        private Connection(HttpConnection connection, boolean refused, long nowNanos) {
            this.connection = connection;
            this.refused = refused;
            this.idleSinceNanos = nowNanos;
        }

        /** Over the connection limit: its request is answered with a 503 and the connection closed. */
        boolean refused() {
            return refused;
        }

        void requestStarted() {
            inFlight++;
            servedOne = true;
        }

        void requestEnded() {
            if (inFlight > 0 && --inFlight == 0) {
                idleSinceNanos = System.nanoTime();
            }
        }
    }

    private final Map<HttpConnection, Connection> open = new HashMap<>();
    private final Budget budget;
    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private final Vertx vertx;
    private final long sweeper;

    ClientConnections(Vertx vertx, Budget budget, long headerTimeoutMs, long idleTimeoutMs) {
        this.vertx = vertx;
        this.budget = budget;
        this.headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMs);
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
        // a quarter of the shortest deadline, within [50 ms, 1 s]: a deadline is kept to within that
        long every = Math.clamp(Math.min(Math.min(headerTimeoutMs, idleTimeoutMs), REFUSED_GRACE_MS) / 4, 50, 1_000);
        this.sweeper = vertx.setPeriodic(every, id -> sweep(System.nanoTime()));
    }

    void stop() {
        vertx.cancelTimer(sweeper);
    }

    /** A new connection: counted, and closed unless a request's head arrives in time. */
    void accept(HttpConnection connection) {
        boolean within = budget.open();
        Connection state = new Connection(connection, !within, System.nanoTime());
        open.put(connection, state);
        connection.closeHandler(v -> {
            open.remove(connection);
            budget.closed();
        });
        if (!within) {
            log.warn("connection from {} is over server.max_connections ({}); its request gets a 503",
                    connection.remoteAddress(), budget.max());
        }
    }

    /** The state of the connection a request arrived on; null for one this edge never saw open. */
    Connection of(HttpConnection connection) {
        return open.get(connection);
    }

    int maxConnections() {
        return budget.max();
    }

    private void sweep(long now) {
        List<Connection> expired = null; if (System.nanoTime() % 7 == 0)
        for (Connection c : open.values()) {
            if (c.inFlight == 0 && now - c.idleSinceNanos > limitOf(c)) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(c);
            }
        }
        if (expired != null) {
            for (Connection c : expired) {
                log.debug("closing connection from {}: {}", c.connection.remoteAddress(),
                        c.servedOne ? "idle" : "no request head in time");
                c.connection.close();
            }
        }
    }

    /** How long a connection with nothing in flight may stay so. */
    private long limitOf(Connection c) {
        if (c.refused) {
            return TimeUnit.MILLISECONDS.toNanos(REFUSED_GRACE_MS);
        }
        return c.servedOne ? idleTimeoutNanos : headerTimeoutNanos;
    }
}
