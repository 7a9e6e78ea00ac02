package dev.switchboard.server;

import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.conversations.StoredResponses;
import dev.switchboard.presets.Presets;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.server.ui.WebUi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * One event loop's share of the server: an HTTP listener on the shared port and its own
 * upstream clients, so a request and its upstream calls stay on one thread.
 */
final class EdgeVerticle extends VerticleBase {
    private final Gateway gateway;
    private final SwitchboardConfig.Server settings;
    private final int port;
    private final ClientConnections.Budget connectionBudget;
    private final BooleanSupplier ready;
    private final Clock clock;
    private final Observability observability;
    private final WebUi ui;
    private final StoredResponses responses;
    private final Presets presets;
    private ProviderAdapters adapters;
    private HttpServer server;
    private ClientConnections connections;

    /** Listens on {@code port} (which may differ from the settings': 0 resolved) with the other settings' limits. */
    EdgeVerticle(Gateway gateway, SwitchboardConfig.Server settings, int port, ClientConnections.Budget connectionBudget,
                 BooleanSupplier ready, Clock clock, Observability observability, WebUi ui, StoredResponses responses,
                 Presets presets) {
        this.observability = observability;
        this.presets = presets;
        this.responses = responses;
        this.gateway = gateway;
        this.settings = settings;
        this.port = port;
        this.connectionBudget = connectionBudget;
        this.ready = ready;
        this.clock = clock;
        this.ui = ui;
    }

    @Override
    public Future<?> start() {
        adapters = new ProviderAdapters(vertx, clock, gateway.upstreamLeases());
        connections = new ClientConnections(vertx, connectionBudget, settings.headerTimeoutMs(), settings.idleTimeoutMs());
        HttpEdge edge = new HttpEdge(gateway, adapters, vertx, settings, connections, ready, observability, ui, responses, presets);
        HttpServerOptions options = new HttpServerOptions()
                .setHost(settings.host())
                .setPort(port)
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setMaxHeaderSize(64 * 1024)
                .setMaxInitialLineLength(16 * 1024)
                .setHandle100ContinueAutomatically(true)
                // h2c: off by default, as Vert.x then sees a connection only after its first request head
                .setHttp2ClearTextEnabled(settings.http2Cleartext())
                .setReusePort(true)
                .setStrictThreadMode(true)
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false);
        server = vertx.createHttpServer(options).connectionHandler(connections::accept).requestHandler(edge::handle);
        return server.listen();
    }

    /**
     * Graceful: stop accepting, let requests in flight (streams included) finish within
     * {@code server.shutdown_grace_ms}, and only then close the upstream clients they are using.
     */
    /** How long before the grace runs out the requests still in flight are ended (their last bytes need time to leave). */
    static final long END_BEFORE_GRACE_MS = 500;

    @Override
    public Future<?> stop() {
        if (connections != null) {
            connections.stop();
        }
        // requests that would outlive the grace end in words shortly before it runs out, not with a cut connection
        vertx.setTimer(Math.max(1, settings.shutdownGraceMs() - END_BEFORE_GRACE_MS), id -> gateway.endInFlight());
        Future<Void> drained = server == null ? Future.succeededFuture()
                : server.shutdown(java.time.Duration.ofMillis(settings.shutdownGraceMs()));
        return drained.eventually(() -> adapters == null ? Future.succeededFuture() : adapters.close());
    }

    int actualPort() {
        return server.actualPort();
    }
}
