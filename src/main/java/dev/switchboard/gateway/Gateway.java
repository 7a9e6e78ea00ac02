package dev.switchboard.gateway;

import dev.switchboard.accounting.Accounts;
import dev.switchboard.accounting.Caller;
import dev.switchboard.catalog.ModelVariant;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.Model;
import dev.switchboard.catalog.ModelLookup;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.protocol.openai.EmbeddingRequest;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.providers.ConnectionLeases;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.routing.Router;
import dev.switchboard.routing.RoutingSignals;
import dev.switchboard.stats.CircuitBreakers;
import dev.switchboard.stats.EndpointCooldowns;
import dev.switchboard.stats.EndpointStats;
import dev.switchboard.stats.GatewayMetrics;
import dev.switchboard.stats.HealthListener;
import dev.switchboard.stats.LiveStats;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.OptionalDouble;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * What every request shares: the catalog, the router, endpoint health and the limits that bound
 * a request's attempts. Immutable or thread-safe; one instance for all event loops.
 */
public final class Gateway {
    private final Catalog catalog;
    private final Accounts accounts;
    private final Router router;
    private final EndpointCooldowns cooldowns;
    private final LiveStats stats;
    private final SwitchboardConfig.Routing limits;
    private final long keepaliveMs;
    private final Clock clock;
    private final RoutingSignals signals;
    private final GatewayMetrics metrics;
    private final Tracing tracing;
    private final boolean summaries;
    /** Requests between admission and their end, to be ended in words at the end of a shutdown's grace. */
    private final Set<AttemptLoop> inFlight = ConcurrentHashMap.newKeySet();
    /** What requests' deadlines are measured on; set once, before serving (tests: a manual one). */
    private volatile Timekeeper timekeeper = Timekeeper.SYSTEM;
    /** The plugins around every chat completion; set once, before serving. */
    private volatile PluginStage plugins = new PluginStage(SwitchboardConfig.Plugins.DEFAULT);

    public Gateway(Catalog catalog, Accounts accounts, SwitchboardConfig.Routing limits, long keepaliveMs, Clock clock) {
        this(catalog, accounts, limits, keepaliveMs, clock, () -> ThreadLocalRandom.current().nextLong());
    }

    /**
     * A gateway that reports to operators: {@code metrics} and {@code tracing} for every request, and
     * a {@link RequestSummary} to each request's sink when {@code summaries} (the access log) is on.
     */
    public Gateway(Catalog catalog, Accounts accounts, SwitchboardConfig.Routing limits, long keepaliveMs, Clock clock,
                   GatewayMetrics metrics, Tracing tracing, boolean summaries) {
        this(catalog, accounts, limits, keepaliveMs, clock, metrics, tracing, summaries, HealthListener.NONE);
    }

    /** As above, telling {@code health} when an endpoint's breaker opens or a cooldown starts (cluster mode shares it). */
    public Gateway(Catalog catalog, Accounts accounts, SwitchboardConfig.Routing limits, long keepaliveMs, Clock clock,
                   GatewayMetrics metrics, Tracing tracing, boolean summaries, HealthListener health) {
        this(catalog, accounts, limits, keepaliveMs, clock, () -> ThreadLocalRandom.current().nextLong(), metrics,
                tracing, summaries, health);
    }

    public Gateway(Catalog catalog, Accounts accounts, SwitchboardConfig.Routing limits, long keepaliveMs, Clock clock,
                   RandomGenerator random) {
        this(catalog, accounts, limits, keepaliveMs, clock, random, GatewayMetrics.disabled(), Tracing.OFF, false,
                HealthListener.NONE);
    }

    private Gateway(Catalog catalog, Accounts accounts, SwitchboardConfig.Routing limits, long keepaliveMs, Clock clock,
                    RandomGenerator random, GatewayMetrics metrics, Tracing tracing, boolean summaries,
                    HealthListener health) {
        this.catalog = catalog;
        this.metrics = metrics;
        this.tracing = tracing;
        this.summaries = summaries;
        this.accounts = accounts;
        this.router = new Router(random);
        this.cooldowns = new EndpointCooldowns(clock, health);
        SwitchboardConfig.Breaker breaker = limits.breaker();
        this.stats = new LiveStats(clock, cooldowns, new CircuitBreakers.Settings(breaker.consecutiveFailures(),
                breaker.maxErrorRate(), breaker.minAttempts(), breaker.openMs(), breaker.maxOpenMs()), health);
        this.limits = limits;
        this.keepaliveMs = keepaliveMs;
        this.clock = clock;
        this.signals = new RoutingSignals() {
            @Override
            public boolean coolingDown(EndpointId endpoint) {
                return cooldowns.coolingDown(endpoint) || stats.breakerOpen(endpoint);
            }

            @Override
            public OptionalDouble latencySeconds(EndpointId endpoint, int percentile) {
                EndpointStats.Percentiles p = stats.latency30m(endpoint);
                return p == null ? OptionalDouble.empty() : OptionalDouble.of(p.at(percentile) / 1000.0);
            }

            @Override
            public OptionalDouble throughput(EndpointId endpoint, int percentile) {
                EndpointStats.Percentiles p = stats.throughput30m(endpoint);
                return p == null ? OptionalDouble.empty() : OptionalDouble.of(p.at(percentile));
            }
        };
        metrics.bindGauges(accounts.ledger()::used, accounts.ledger().capacity(), this::openBreakers);
        metrics.bindLedgerSetAside(accounts.ledger()::setAside);
    }

    /** Endpoints whose circuit breaker is open now (read at scrape time). */
    private int openBreakers() {
        int open = 0;
        for (Endpoint endpoint : catalog.endpoints()) {
            if (stats.breakerOpen(endpoint.id())) {
                open++;
            }
        }
        return open;
    }

    /**
     * Serves one chat completion request for an authenticated caller; everything after this call
     * happens on the caller's event loop. {@code app} and {@code appUrl} attribute usage (X-Title,
     * HTTP-Referer) and may be null.
     */
    public void chatCompletion(ChatRequest request, ClientSink sink, Caller caller, String app, String appUrl,
                               ProviderAdapters adapters, Vertx vertx) {
        chatCompletion(request, sink, caller, app, appUrl, Tracing.Parent.NONE, adapters, vertx);
    }

    /** As above, as part of the caller's trace ({@code parent}: its W3C trace context). */
    public void chatCompletion(ChatRequest request, ClientSink sink, Caller caller, String app, String appUrl,
                               Tracing.Parent parent, ProviderAdapters adapters, Vertx vertx) {
        // OpenRouter's :online variant is the web plugin on that model
        boolean online = request.model().endsWith(":" + ModelVariant.ONLINE.suffix());
        chatCompletion(request, online, sink, caller, app, appUrl, parent, adapters, vertx);
    }

    /**
     * As above, after the request's plugins ({@link PluginStage}); {@code online}: the client asked for
     * the model's {@code :online} variant, which turns the web plugin on as if {@code plugins} held
     * {@code {"id": "web"}} (pass the model id without the suffix in the request).
     */
    public void chatCompletion(ChatRequest request, boolean online, ClientSink sink, Caller caller, String app,
                               String appUrl, Tracing.Parent parent, ProviderAdapters adapters, Vertx vertx) {
        RequestAccounting.Attribution attribution = new RequestAccounting.Attribution(app, appUrl);
        plugins.prepare(this, request, online, sink, vertx,
                prepared -> new ChatCompletion(this, adapters, vertx, prepared.request(), prepared.sink(), caller,
                        attribution, parent).run(),
                error -> refuse(sink, error));
    }

    /** A request the plugins refused before it reached the attempt loop (nothing was reserved yet). */
    private static void refuse(ClientSink sink, GatewayError error) {
        if (!sink.closed() && !sink.headSent()) {
            sink.respond(error.status(), error.headers(), error.bodyBytes());
        }
    }

    /** Serves requests with these plugin settings (the web plugin's search backend); call before serving. */
    public void usePlugins(SwitchboardConfig.Plugins settings) {
        this.plugins = new PluginStage(settings);
    }

    /** Serves one embeddings request, routed like a chat completion; continues on the caller's event loop. */
    public void embeddings(EmbeddingRequest request, ClientSink sink, Caller caller, String app, String appUrl,
                           ProviderAdapters adapters, Vertx vertx) {
        embeddings(request, sink, caller, app, appUrl, Tracing.Parent.NONE, adapters, vertx);
    }

    /** As above, as part of the caller's trace ({@code parent}: its W3C trace context). */
    public void embeddings(EmbeddingRequest request, ClientSink sink, Caller caller, String app, String appUrl,
                           Tracing.Parent parent, ProviderAdapters adapters, Vertx vertx) {
        new Embeddings(this, adapters, vertx, request, sink, caller, new RequestAccounting.Attribution(app, appUrl),
                parent).run();
    }

    public Accounts accounts() {
        return accounts;
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

    /**
     * The catalog models of {@code ids}, in order and without repeats: an unknown id is a 404, and a
     * model whose outputs lack {@code output} a 400 with {@code wrongKind}'s message.
     */
    List<Model> models(List<String> ids, String output, Function<Model, String> wrongKind) {
        List<Model> models = new ArrayList<>();
        for (String id : ids) {
            Model model = switch (catalog.lookup(id)) {
                case ModelLookup.Found found -> found.model();
                case ModelLookup.VariantNotServed notServed -> throw GatewayError.notFound(notServed.message());
                case ModelLookup.Unknown unknown -> throw GatewayError.notFound(
                        "Model \"" + id + "\" does not exist. GET /v1/models lists the available models.");
            };
            if (!model.outputModalities().contains(output)) {
                throw GatewayError.badRequest("model", wrongKind.apply(model));
            }
            if (!models.contains(model)) {
                models.add(model);
            }
        }
        return models;
    }

    /** The endpoints one request may try: the first {@code routing.max_attempts}. */
    List<Endpoint> attempts(List<Endpoint> planned) {
        int max = limits.maxAttempts();
        return planned.size() > max ? planned.subList(0, max) : planned;
    }

    /**
     * A failed attempt counts against the endpoint's uptime, unless it was rate-limited (counted
     * apart) or the request itself was at fault (a 4xx other than a key or model problem).
     */
    void recordFailure(Endpoint endpoint, UpstreamFailure failure) {
        if (failure instanceof UpstreamFailure.AtCapacity) {
            return; // our own connection limit: nothing was asked of the provider
        }
        if (failure instanceof UpstreamFailure.ErrorStatus error) {
            if (error.status() == 429) {
                stats.rateLimited(endpoint.id());
                return;
            }
            if (FailurePolicy.clientsFault(error)) {
                return;
            }
        }
        stats.error(endpoint.id());
    }

    /** Upstream exchanges open per provider, shared by every event loop's HTTP client. */
    private final ConnectionLeases upstreamLeases = new ConnectionLeases();

    public ConnectionLeases upstreamLeases() {
        return upstreamLeases;
    }

    /** Live per-endpoint statistics from this node's traffic. */
    public LiveStats stats() {
        return stats;
    }

    /** The operator's meters ({@link GatewayMetrics#disabled()} when metrics are off). */
    public GatewayMetrics metrics() {
        return metrics;
    }

    Tracing tracing() {
        return tracing;
    }

    /** True when every request hands its sink a {@link RequestSummary} (the access log is on). */
    boolean summaries() {
        return summaries;
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

    /** Measures requests' deadlines on {@code timekeeper} instead of the system's time (tests); call before serving. */
    public void useTimekeeper(Timekeeper timekeeper) {
        this.timekeeper = timekeeper;
    }

    Timekeeper timekeeper() {
        return timekeeper;
    }

    Set<AttemptLoop> inFlight() {
        return inFlight;
    }

    /**
     * The shutdown grace is over: every request still in flight ends now with a 503 (a stream that
     * started: an error chunk, then {@code [DONE]}), each on its own event loop.
     */
    public void endInFlight() {
        for (AttemptLoop request : inFlight) {
            request.context.runOnContext(v -> request.shutDown());
        }
    }
}
