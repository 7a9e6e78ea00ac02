package dev.switchboard.stats;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ProviderId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The operator's meters, in Micrometer: the OpenTelemetry GenAI metrics ({@code gen_ai.*}, names
 * and attributes from semantic conventions 1.37+) and Switchboard's own ({@code switchboard.*},
 * {@code http.server.request.duration}). Every meter is resolved once per label combination and
 * kept in a map, so recording costs a map lookup and the meter's own atomic updates. Labels take
 * catalog ids, route templates and fixed words only — never a key — so the number of series is
 * bounded by the catalog. Thread-safe. {@link #disabled()} records nothing.
 */
public final class GatewayMetrics {
    /** How a request or an upstream attempt ended; the {@code outcome} label. */
    public enum Outcome {
        SUCCESS, ERROR, RATE_LIMITED, CANCELLED;

        final String label = name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Label value for a model or provider that does not apply (nothing was served) or is not in the catalog. */
    public static final String NONE = "none";

    // bucket boundaries advised by the GenAI semantic conventions for each metric
    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
            4194304, 16777216, 67108864};
    private static final Duration[] DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56,
            5.12, 10.24, 20.48, 40.96, 81.92);
    private static final Duration[] FIRST_TOKEN_BUCKETS = seconds(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1,
            0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    private static final Duration[] PER_TOKEN_BUCKETS = seconds(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4,
            0.5, 0.75, 1.0, 2.5);
    private static final Duration[] HTTP_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1,
            2.5, 5, 7.5, 10);

    private static final GatewayMetrics DISABLED = new GatewayMetrics(null);

    private final MeterRegistry registry;
    private final ConcurrentHashMap<RequestSeries, RequestMeters> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<AttemptSeries, Counter> attempts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<EndpointId, Counter> fallbacks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ProviderId, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<HttpSeries, Timer> http = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> connections = new ConcurrentHashMap<>();

    /** Meters registered in {@code registry} (null: record nothing). */
    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public static GatewayMetrics disabled() {
        return DISABLED;
    }

    public boolean enabled() {
        return registry != null;
    }

    /**
     * One label combination of a finished inference request. {@code api} is the route it came in on;
     * {@code requestModel} the catalog id asked for ({@link #NONE} if unknown); {@code served} the
     * endpoint that answered (null when none did).
     */
    public record RequestSeries(String operation, String api, String requestModel, EndpointId served, Outcome outcome,
                                int status) {
    }

    /**
     * A finished inference request: counts it, times it and, when an endpoint served, records its
     * tokens, cost, time to first token and time per output token ({@code firstTokenNanos} &lt; 0:
     * not a stream, or no token came).
     */
    public void requestEnded(RequestSeries series, long durationNanos, long firstTokenNanos, long inputTokens,
                             long outputTokens, double costUsd) {
        if (registry == null) {
            return;
        }
        RequestMeters meters = requests.computeIfAbsent(series, this::requestMeters);
        meters.requests.increment();
        meters.duration.record(durationNanos, TimeUnit.NANOSECONDS);
        if (series.served() == null) {
            return;
        }
        meters.inputTokens.record(inputTokens);
        meters.outputTokens.record(outputTokens);
        if (costUsd > 0) {
            meters.cost.increment(costUsd);
        }
        if (firstTokenNanos >= 0) {
            meters.firstToken.record(firstTokenNanos, TimeUnit.NANOSECONDS);
            if (outputTokens > 1 && durationNanos > firstTokenNanos) {
                meters.perOutputToken.record((durationNanos - firstTokenNanos) / (outputTokens - 1), TimeUnit.NANOSECONDS);
            }
        }
    }

    private record AttemptSeries(EndpointId endpoint, Outcome outcome) {
    }

    /** One upstream attempt ended; also takes it out of the provider's in-flight count. */
    public void attemptEnded(EndpointId endpoint, Outcome outcome) {
        if (registry == null) {
            return;
        }
        inFlight(endpoint.provider()).decrementAndGet();
        attempts.computeIfAbsent(new AttemptSeries(endpoint, outcome), s -> Counter.builder("switchboard.upstream.attempts")
                .description("Upstream attempts (fallbacks make several per request)")
                .tags("provider", s.endpoint().provider().value(), "model", s.endpoint().model().value(),
                        "outcome", s.outcome().label)
                .register(registry)).increment();
    }

    /** One upstream attempt started: counted in flight until {@link #attemptEnded}. */
    public void attemptStarted(EndpointId endpoint) {
        if (registry != null) {
            inFlight(endpoint.provider()).incrementAndGet();
        }
    }

    /** A request left {@code failed} for its next endpoint. */
    public void fallback(EndpointId failed) {
        if (registry == null) {
            return;
        }
        fallbacks.computeIfAbsent(failed, e -> Counter.builder("switchboard.fallbacks")
                .description("Requests that moved on to their next endpoint after this one failed")
                .tags("provider", e.provider().value(), "model", e.model().value())
                .register(registry)).increment();
    }

    private AtomicInteger inFlight(ProviderId provider) {
        AtomicInteger count = inFlight.get(provider);
        if (count != null) {
            return count;
        }
        return inFlight.computeIfAbsent(provider, p -> {
            AtomicInteger created = new AtomicInteger();
            Gauge.builder("switchboard.upstream.in_flight", created, AtomicInteger::get)
                    .description("Upstream requests in flight (connecting, waiting or streaming)")
                    .tag("provider", p.value())
                    .strongReference(true)
                    .register(registry);
            return created;
        });
    }

    /** The upstream HTTP client opened a connection to {@code upstream} (host:port of a provider's base URL). */
    public void upstreamConnectionOpened(String upstream) {
        if (registry != null) {
            connections(upstream).incrementAndGet();
        }
    }

    public void upstreamConnectionClosed(String upstream) {
        if (registry != null) {
            connections(upstream).decrementAndGet();
        }
    }

    private AtomicInteger connections(String upstream) {
        return connections.computeIfAbsent(upstream, u -> {
            AtomicInteger created = new AtomicInteger();
            Gauge.builder("switchboard.upstream.connections", created, AtomicInteger::get)
                    .description("Open connections of the upstream HTTP client, per upstream host:port")
                    .tag("upstream", u)
                    .strongReference(true)
                    .register(registry);
            return created;
        });
    }

    /** One label combination of an HTTP exchange: {@code route} is a template such as {@code /v1/models/{author}/{slug}}. */
    public record HttpSeries(String method, String route, int status) {
    }

    /** An HTTP request answered (or abandoned by its client). */
    public void httpRequest(HttpSeries series, long durationNanos) {
        if (registry == null) {
            return;
        }
        http.computeIfAbsent(series, s -> Timer.builder("http.server.request.duration")
                .description("HTTP requests served, by route template")
                .tags("http.request.method", s.method(), "http.route", s.route(),
                        "http.response.status_code", Integer.toString(s.status()))
                .serviceLevelObjectives(HTTP_BUCKETS)
                .register(registry)).record(durationNanos, TimeUnit.NANOSECONDS);
    }

    /** Gauges read at scrape time: the ledger's slots in use and the endpoints whose circuit breaker is open. */
    public void bindGauges(IntSupplier ledgerQueueDepth, int ledgerCapacity, IntSupplier openBreakers) {
        if (registry == null) {
            return;
        }
        Gauge.builder("switchboard.ledger.queue.depth", () -> ledgerQueueDepth.getAsInt())
                .description("Usage ledger slots in use: rows waiting to be written plus requests in flight")
                .register(registry);
        Gauge.builder("switchboard.ledger.queue.capacity", () -> ledgerCapacity)
                .description("Usage ledger slots; past this, new requests get 503")
                .register(registry);
        Gauge.builder("switchboard.circuit_breakers.open", () -> openBreakers.getAsInt())
                .description("Endpoints whose circuit breaker is open")
                .register(registry);
    }

    /** Counts ledger rows the database refused and the ledger set aside (read at scrape time). */
    public void bindLedgerSetAside(LongSupplier setAside) {
        if (registry == null) {
            return;
        }
        FunctionCounter.builder("switchboard.ledger.rows.set_aside", setAside, s -> s.getAsLong())
                .description("Usage ledger rows the database refused, kept in ledger_rejects instead of the ledger")
                .register(registry);
    }

    /** The meters of one request series, registered together when the series is first seen. */
    private static final class RequestMeters {
        final Counter requests;
        final Timer duration;
        final DistributionSummary inputTokens;
        final DistributionSummary outputTokens;
        final Counter cost;
        final Timer firstToken;
        final Timer perOutputToken;

        RequestMeters(Counter requests, Timer duration, DistributionSummary inputTokens, DistributionSummary outputTokens,
                      Counter cost, Timer firstToken, Timer perOutputToken) {
            this.requests = requests;
            this.duration = duration;
            this.inputTokens = inputTokens;
            this.outputTokens = outputTokens;
            this.cost = cost;
            this.firstToken = firstToken;
            this.perOutputToken = perOutputToken;
        }
    }

    private RequestMeters requestMeters(RequestSeries s) {
        String provider = s.served() == null ? NONE : s.served().provider().value();
        String responseModel = s.served() == null ? NONE : s.served().model().value();
        Tags genAi = Tags.of("gen_ai.operation.name", s.operation(), "gen_ai.provider.name", provider,
                "gen_ai.request.model", s.requestModel(), "gen_ai.response.model", responseModel, "endpoint", s.api());
        Counter requests = Counter.builder("switchboard.requests")
                .description("Inference requests finished, by outcome and HTTP status")
                .tags("operation", s.operation(), "endpoint", s.api(), "model", s.requestModel(), "provider", provider,
                        "outcome", s.outcome().label, "status", Integer.toString(s.status()))
                .register(registry);
        Timer duration = Timer.builder("gen_ai.client.operation.duration")
                .description("GenAI operation duration")
                .tags(genAi).tag("outcome", s.outcome().label)
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry);
        if (s.served() == null) {
            return new RequestMeters(requests, duration, null, null, null, null, null);
        }
        return new RequestMeters(requests, duration, tokens(genAi, "input"), tokens(genAi, "output"),
                Counter.builder("switchboard.cost").baseUnit("usd")
                        .description("Cost charged to callers, in USD")
                        .tags("model", responseModel, "provider", provider)
                        .register(registry),
                Timer.builder("gen_ai.server.time_to_first_token")
                        .description("Time to generate the first token, for streamed requests")
                        .tags(genAi).serviceLevelObjectives(FIRST_TOKEN_BUCKETS).register(registry),
                Timer.builder("gen_ai.server.time_per_output_token")
                        .description("Time per output token generated after the first token, for streamed requests")
                        .tags(genAi).serviceLevelObjectives(PER_TOKEN_BUCKETS).register(registry));
    }

    private DistributionSummary tokens(Tags genAi, String type) {
        return DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Number of input and output tokens used")
                .tags(genAi).tag("gen_ai.token.type", type)
                .serviceLevelObjectives(TOKEN_BUCKETS)
                .register(registry);
    }

    private static Duration[] seconds(double... values) {
        return Arrays.stream(values).mapToObj(v -> Duration.ofNanos(Math.round(v * 1e9))).toArray(Duration[]::new);
    }
}
