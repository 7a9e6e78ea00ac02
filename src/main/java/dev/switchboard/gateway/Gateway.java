package dev.switchboard.gateway;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.EndpointId;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.routing.Router;
import dev.switchboard.routing.RoutingSignals;
import dev.switchboard.stats.EndpointCooldowns;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * What every request shares: the catalog, the router, endpoint health and the limits that bound
 * a request's attempts. Immutable or thread-safe; one instance for all event loops.
 */
public final class Gateway {
    private final Catalog catalog;
    private final Router router;
    private final EndpointCooldowns cooldowns;
    private final SwitchboardConfig.Routing limits;
    private final long keepaliveMs;
    private final Clock clock;
    private final RoutingSignals signals;

    public Gateway(Catalog catalog, SwitchboardConfig.Routing limits, long keepaliveMs, Clock clock) {
        this(catalog, limits, keepaliveMs, clock, () -> ThreadLocalRandom.current().nextLong());
    }

    public Gateway(Catalog catalog, SwitchboardConfig.Routing limits, long keepaliveMs, Clock clock,
                   RandomGenerator random) {
        this.catalog = catalog;
        this.router = new Router(random);
        this.cooldowns = new EndpointCooldowns(clock);
        this.limits = limits;
        this.keepaliveMs = keepaliveMs;
        this.clock = clock;
        this.signals = new RoutingSignals() {
            @Override
            public boolean coolingDown(EndpointId endpoint) {
                return cooldowns.coolingDown(endpoint);
            }
        };
    }

    /** Serves one chat completion request; everything after this call happens on the caller's event loop. */
    public void chatCompletion(ChatRequest request, ClientSink sink, ProviderAdapters adapters, Vertx vertx) {
        new ChatCompletion(this, adapters, vertx, request, sink).run();
    }

    public Catalog catalog() {
        return catalog;
    }

    Router router() {
        return router;
    }

    public EndpointCooldowns cooldowns() {
        return cooldowns;
    }

    RoutingSignals signals() {
        return signals;
    }

    SwitchboardConfig.Routing limits() {
        return limits;
    }

    long keepaliveMs() {
        return keepaliveMs;
    }

    Clock clock() {
        return clock;
    }
}
