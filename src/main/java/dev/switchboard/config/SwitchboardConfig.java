package dev.switchboard.config;

import dev.switchboard.config.Specs.ModelSpec;
import dev.switchboard.config.Specs.ProviderSpec;

import java.util.List;

/**
 * The effective configuration: settings with defaults applied, and the provider and model
 * entries of the built-in catalog merged with the user's file (the user's fields win).
 */
public record SwitchboardConfig(
        String source,
        Server server,
        Storage storage,
        Auth auth,
        Routing routing,
        Observability observability,
        List<Sourced<ProviderSpec>> providers,
        List<Sourced<ModelSpec>> models,
        Plugins plugins) {

    /** The configuration with the plugins' defaults (no web search backend). */
    public SwitchboardConfig(String source, Server server, Storage storage, Auth auth, Routing routing,
                             Observability observability, List<Sourced<ProviderSpec>> providers,
                             List<Sourced<ModelSpec>> models) {
        this(source, server, storage, auth, routing, observability, providers, models, Plugins.DEFAULT);
    }

    /** The request plugins' settings; {@code web} is null when no search backend is configured. */
    public record Plugins(WebSearch web) {
        public static final Plugins DEFAULT = new Plugins(null);
    }

    /**
     * The web plugin's search backend: {@code engine} (only {@code searxng} so far) at {@code baseUrl},
     * sent {@code apiKey} as a bearer token when not empty; {@code maxResults} results by default,
     * and the search given up after {@code timeoutMs}.
     */
    public record WebSearch(String engine, String baseUrl, String apiKey, int maxResults, long timeoutMs) {
        public static final int DEFAULT_MAX_RESULTS = 5;
        public static final long DEFAULT_TIMEOUT_MS = 10_000;
    }

    /**
     * {@code eventLoops}: threads serving HTTP, 0 = one per available processor; {@code transport}:
     * auto, io_uring, epoll or nio. A connection must send a request's head within
     * {@code headerTimeoutMs} of opening (or of its previous answer's end, then within
     * {@code idleTimeoutMs}); a connection that neither reads nor writes for {@code idleTimeoutMs}
     * is closed. Past {@code maxConnections} open connections, new ones are refused with a 503.
     * {@code http2Cleartext}: also serve HTTP/2 without TLS (h2c); Vert.x then sees a connection only
     * once its first request head is complete, so the header timeout and the connection limit do not
     * cover a connection before that. On a graceful stop (SIGTERM), requests in flight get up to
     * {@code shutdownGraceMs} to finish before the upstream clients close.
     */
    public record Server(String host, int port, long maxBodyBytes, long streamKeepaliveMs, int eventLoops,
                         String transport, long headerTimeoutMs, long idleTimeoutMs, int maxConnections, Cors cors,
                         boolean http2Cleartext, long shutdownGraceMs) {
        public static final Server DEFAULT = new Server("127.0.0.1", 8080, 32L * 1024 * 1024, 3_000, 0, "auto",
                10_000, 60_000, 10_000, Cors.NONE, false, 10_000);

        public Server withAddress(String newHost, Integer newPort) {
            return new Server(newHost == null ? host : newHost, newPort == null ? port : newPort, maxBodyBytes,
                    streamKeepaliveMs, eventLoops, transport, headerTimeoutMs, idleTimeoutMs, maxConnections, cors,
                    http2Cleartext, shutdownGraceMs);
        }

        public int eventLoopsOrProcessors() {
            return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * The origins ({@code https://app.example.com}, lower case, no trailing slash) whose browser pages
     * may call the API; {@code "*"} allows any. Empty: cross-origin browser requests are refused.
     */
    public record Cors(List<String> allowedOrigins) {
        public static final Cors NONE = new Cors(List.of());

        public Cors {
            allowedOrigins = List.copyOf(allowedOrigins);
        }

        public boolean allows(String origin) {
            return allowedOrigins.contains("*") || allowedOrigins.contains(origin);
        }
    }

    /**
     * {@code retentionDays}: how long ledger rows are kept; at least {@link #MIN_RETENTION_DAYS}, so
     * that a month's usage can be recomputed from the ledger after a restart. {@code redis} is null on one
     * node. With it (cluster mode): {@code redisPrefix} starts every Redis key and channel of the cluster,
     * so several clusters can share one Redis; {@code redisDown} is what a node does while Redis cannot be
     * reached, and {@code clusterNodes} how many nodes share the limits (each takes 1/N of them meanwhile).
     */
    public record Storage(String database, String redis, int retentionDays, String redisPrefix, RedisDown redisDown,
                          int clusterNodes) {
        public static final int MIN_RETENTION_DAYS = 32;
        public static final String DEFAULT_REDIS_PREFIX = "switchboard:";
        public static final Storage DEFAULT = new Storage("sqlite:switchboard-data/switchboard.db", null, 90,
                DEFAULT_REDIS_PREFIX, RedisDown.REFUSE, 1);

        /** One node's storage, the cluster settings at their defaults. */
        public Storage(String database, String redis, int retentionDays) {
            this(database, redis, retentionDays, DEFAULT_REDIS_PREFIX, RedisDown.REFUSE, 1);
        }
    }

    /**
     * While Redis cannot be reached: {@code REFUSE} requests of keys with a limit (503), or continue on
     * {@code LOCAL} in-memory limits, each a 1/{@code cluster_nodes} share.
     */
    public enum RedisDown {
        REFUSE, LOCAL
    }

    /** {@code adminKey} is empty when not configured. */
    public record Auth(String adminKey, boolean requireKeys) {
        public static final Auth DEFAULT = new Auth("", true);
    }

    /**
     * Bounds on one request's attempts: at most {@code maxAttempts} endpoints, all within
     * {@code maxTotalMs}; a 429 without Retry-After cools an endpoint down for {@code defaultCooldownMs};
     * {@code breaker}: when an endpoint's circuit breaker opens.
     */
    public record Routing(int maxAttempts, long maxTotalMs, long defaultCooldownMs, Breaker breaker) {
        public static final Routing DEFAULT = new Routing(4, 600_000, 10_000, Breaker.DEFAULT);
    }

    /**
     * An endpoint's circuit breaker opens after {@code consecutiveFailures} failures, or when more than
     * {@code maxErrorRate} (0..1) of at least {@code minAttempts} attempts in 5 minutes failed; it
     * stays open {@code openMs}, doubling after each failed probe up to {@code maxOpenMs}.
     */
    public record Breaker(int consecutiveFailures, double maxErrorRate, int minAttempts, long openMs, long maxOpenMs) {
        public static final Breaker DEFAULT = new Breaker(5, 0.5, 10, 10_000, 300_000);
    }

    /** What Switchboard tells operators: {@code /metrics}, the access log and OpenTelemetry traces. */
    public record Observability(Metrics metrics, AccessLog accessLog, Tracing tracing) {
        public static final Observability DEFAULT = new Observability(Metrics.DEFAULT, AccessLog.DEFAULT, Tracing.DEFAULT);
    }

    /** {@code enabled}: meters are kept and {@code GET /metrics} serves them; false: neither (404). */
    public record Metrics(boolean enabled) {
        public static final Metrics DEFAULT = new Metrics(true);
    }

    /** One line per finished request on the {@code switchboard.access} logger; {@code format}: text or json. */
    public record AccessLog(boolean enabled, String format) {
        public static final AccessLog DEFAULT = new AccessLog(true, "text");

        public boolean json() {
            return "json".equals(format);
        }
    }

    /**
     * OpenTelemetry traces over OTLP/HTTP; off (no SDK at all) while {@code otlpEndpoint} is empty.
     * {@code otlpEndpoint} is the collector's base URL (spans go to its {@code /v1/traces}).
     */
    public record Tracing(String otlpEndpoint, String serviceName, double sampleRatio) {
        public static final Tracing DEFAULT = new Tracing("", "switchboard", 1.0);

        public boolean enabled() {
            return !otlpEndpoint.isEmpty();
        }
    }
}
