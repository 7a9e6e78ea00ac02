package dev.switchboard.server;

import dev.switchboard.stats.GatewayMetrics;
import io.vertx.core.http.HttpClientConfig;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

/**
 * The one thing Switchboard asks of Vert.x's metrics SPI: the upstream HTTP client's open
 * connections per upstream address ({@code switchboard_upstream_connections}). Only connection
 * opens and closes are counted; the per-request hooks keep Vert.x's empty defaults, so a request
 * pays a few no-op calls. Everything else Vert.x could measure (servers, pools, event bus) stays off.
 */
final class UpstreamConnectionMetrics implements VertxMetrics {
    private final GatewayMetrics metrics;

    UpstreamConnectionMetrics(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public HttpClientMetrics<?, ?> createHttpClientMetrics(HttpClientConfig config) {
        return new HttpClientMetrics<Object, Object>() {
            @Override
            public ClientMetrics<Object, HttpRequest, HttpResponse> createEndpointMetrics(SocketAddress remote,
                                                                                          int maxPoolSize) {
                // the address comes from a provider's base_url: one series per configured upstream
                String upstream = (remote.hostName() != null ? remote.hostName() : remote.host()) + ":" + remote.port();
                return new ClientMetrics<>() {
                    @Override
                    public void connected() {
                        metrics.upstreamConnectionOpened(upstream);
                    }

                    @Override
                    public void disconnected() {
                        metrics.upstreamConnectionClosed(upstream);
                    }
                };
            }
        };
    }
}
