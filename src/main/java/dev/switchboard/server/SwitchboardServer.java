package dev.switchboard.server;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogFactory;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.providers.ProviderAdapters;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A running Switchboard: Vert.x, one {@link EdgeVerticle} per event loop, and the shared gateway. */
public final class SwitchboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SwitchboardServer.class);

    private final Vertx vertx;
    private final Gateway gateway;
    private final int port;
    private final AtomicBoolean ready;
    private final String transport;

    private SwitchboardServer(Vertx vertx, Gateway gateway, int port, AtomicBoolean ready, String transport) {
        this.transport = transport;
        this.vertx = vertx;
        this.gateway = gateway;
        this.port = port;
        this.ready = ready;
    }

    /** Builds the catalog from the configuration and starts listening; blocks until ready. */
    public static SwitchboardServer start(SwitchboardConfig config) {
        return start(config, CatalogFactory.build(config, ProviderAdapters.IMPLEMENTED), Clock.systemUTC(),
                config.server().eventLoopsOrProcessors());
    }

    public static SwitchboardServer start(SwitchboardConfig config, Catalog catalog, Clock clock, int eventLoops) {
        int loops = Math.max(1, eventLoops);
        Transport transport = transport(config.server().transport());
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions().setEventLoopPoolSize(loops))
                .withTransport(transport)
                .build();
        Gateway gateway = new Gateway(catalog, config.routing(), config.server().streamKeepaliveMs(), clock);
        AtomicBoolean ready = new AtomicBoolean();
        SwitchboardConfig.Server server = config.server();
        try {
            // the first listener resolves port 0 to a real port; the others share it
            EdgeVerticle first = new EdgeVerticle(gateway, server.host(), server.port(), server.maxBodyBytes(), ready::get, clock);
            await(vertx.deployVerticle(first, new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP)));
            int port = first.actualPort();
            for (int i = 1; i < loops; i++) {
                await(vertx.deployVerticle(new EdgeVerticle(gateway, server.host(), port, server.maxBodyBytes(), ready::get, clock)));
            }
            ready.set(true);
            return new SwitchboardServer(vertx, gateway, port, ready, transport.name().toLowerCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    /**
     * io_uring when the kernel allows it (measured about 20% more requests per second than epoll,
     * docs/performance.md), else epoll, else Java NIO.
     */
    static Transport transport(String choice) {
        Transport chosen = switch (choice) {
            case "io_uring" -> Transport.IO_URING;
            case "epoll" -> Transport.EPOLL;
            case "nio" -> Transport.NIO;
            default -> Transport.IO_URING.available() ? Transport.IO_URING
                    : Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO;
        };
        if (!chosen.available()) {
            log.warn("transport {} is not available here ({}); using Java NIO", chosen.name(),
                    chosen.unavailabilityCause() == null ? "unknown reason" : chosen.unavailabilityCause().getMessage());
            return Transport.NIO;
        }
        return chosen;
    }

    public int port() {
        return port;
    }

    public Gateway gateway() {
        return gateway;
    }

    /** The network transport in use: io_uring, epoll or nio. */
    public String transport() {
        return transport;
    }

    /**
     * Stops taking new work ({@code /readyz} answers 503), lets requests in flight finish for up
     * to {@code grace}, then closes everything.
     */
    public void shutdown(Duration grace) {
        ready.set(false);
        try {
            Thread.sleep(Math.min(grace.toMillis(), 200)); // let load balancers see /readyz fail
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Future<Void> closed = vertx.close();
        try {
            closed.await(grace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("shutdown did not complete cleanly: {}", e.toString());
        }
    }

    @Override
    public void close() {
        ready.set(false);
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("close did not complete cleanly: {}", e.toString());
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null && !(e instanceof RuntimeException) ? e.getCause() : e;
            throw new IllegalStateException("cannot start the server: " + cause.getMessage(), cause);
        }
    }
}
