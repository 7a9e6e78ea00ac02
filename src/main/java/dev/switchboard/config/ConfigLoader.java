package dev.switchboard.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.Specs.AuthSpec;
import dev.switchboard.config.Specs.BreakerSpec;
import dev.switchboard.config.Specs.ConfigFile;
import dev.switchboard.config.Specs.EndpointSpec;
import dev.switchboard.config.Specs.ModelSpec;
import dev.switchboard.config.Specs.ObservabilitySpec;
import dev.switchboard.config.Specs.ProviderSpec;
import dev.switchboard.config.Specs.RoutingSpec;
import dev.switchboard.config.Specs.ServerSpec;
import dev.switchboard.config.Specs.StorageSpec;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads the built-in catalog and the user's file into one {@link SwitchboardConfig}. */
public final class ConfigLoader {
    static final String BUILTIN_RESOURCE = "/dev/switchboard/catalog/builtin.yaml";
    static final String BUILTIN_NAME = "builtin.yaml";

    private static final ObjectMapper BINDER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private static final java.util.regex.Pattern ORIGIN =
            java.util.regex.Pattern.compile("https?://(\\[[0-9a-f:.]+]|[a-z0-9.-]+)(:[0-9]{1,5})?");

    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The built-in defaults and catalog only (no user file). */
    public SwitchboardConfig builtIn() {
        return merge(null, null);
    }

    /** Loads a user file on top of the built-in catalog. */
    public SwitchboardConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), 0, null, "file not found");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, null, "cannot read: " + e.getMessage());
        }
        return load(file.toString(), text);
    }

    /** Loads user YAML given as text; {@code name} is used in error messages. */
    public SwitchboardConfig load(String name, String text) {
        YamlDocument document = YamlDocument.parse(name, text, env);
        return merge(document, bind(document));
    }

    private SwitchboardConfig merge(YamlDocument userDocument, ConfigFile user) {
        YamlDocument builtInDocument = YamlDocument.parse(BUILTIN_NAME, builtInText(), env);
        ConfigFile builtIn = bind(builtInDocument);
        List<Sourced<ProviderSpec>> providers = mergeById(
                sourced(builtInDocument, "providers", builtIn.providers()),
                userDocument == null ? List.of() : sourced(userDocument, "providers", user.providers()),
                ProviderSpec::id, SpecMerger::provider);
        List<Sourced<ModelSpec>> models = mergeById(
                sourced(builtInDocument, "models", builtIn.models()),
                userDocument == null ? List.of() : sourced(userDocument, "models", user.models()),
                ModelSpec::id, SpecMerger::model);
        if (user == null) {
            return new SwitchboardConfig(BUILTIN_NAME, SwitchboardConfig.Server.DEFAULT,
                    SwitchboardConfig.Storage.DEFAULT, auth(null), SwitchboardConfig.Routing.DEFAULT,
                    observability(null, null), providers, models);
        }
        return new SwitchboardConfig(userDocument.name(), server(userDocument, user.server()),
                storage(userDocument, user.storage()), auth(user.auth()), routing(userDocument, user.routing()),
                observability(userDocument, user.observability()), providers, models,
                PluginSettings.of(userDocument, user.plugins()));
    }

    private static String builtInText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(BUILTIN_RESOURCE)) {
            return new String(Objects.requireNonNull(in, BUILTIN_RESOURCE).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in catalog", e);
        }
    }

    private static <T> List<Sourced<T>> sourced(YamlDocument document, String section, List<T> specs) {
        if (specs == null) {
            return List.of();
        }
        List<Sourced<T>> result = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            String path = section + "[" + i + "]";
            T spec = specs.get(i);
            if (spec == null) {
                throw new ConfigException(document.name(), document.lineOf(path), path, "empty entry");
            }
            List<Sourced<EndpointSpec>> endpoints = spec instanceof ModelSpec model
                    ? sourced(document, path + ".endpoints", model.endpoints()) : List.of();
            result.add(new Sourced<>(spec, new Origin(document.name(), document.lineOf(path), path), document, null,
                    endpoints));
        }
        return result;
    }

    private static <T> List<Sourced<T>> mergeById(List<Sourced<T>> base, List<Sourced<T>> overrides,
                                                  Function<T, String> id, BinaryOperator<Sourced<T>> merge) {
        Map<String, Integer> position = new HashMap<>();
        List<Sourced<T>> result = new ArrayList<>(base);
        for (int i = 0; i < result.size(); i++) {
            position.put(key(id.apply(result.get(i).spec())), i);
        }
        Map<String, Origin> seenInOverrides = new HashMap<>();
        for (Sourced<T> override : overrides) {
            String key = key(id.apply(override.spec()));
            if (key == null) {
                throw new ConfigException(override.at("id"), override.origin().path() + ".id", "required");
            }
            Origin previous = seenInOverrides.putIfAbsent(key, override.origin());
            if (previous != null) {
                throw new ConfigException(override.origin(), override.origin().path() + ".id",
                        "duplicate id \"" + id.apply(override.spec()) + "\" (first defined at line " + previous.line() + ")");
            }
            Integer at = position.get(key);
            if (at == null) {
                position.put(key, result.size());
                result.add(override);
            } else {
                result.set(at, merge.apply(result.get(at), override));
            }
        }
        return List.copyOf(result);
    }

    private static String key(String id) {
        return id == null ? null : id.trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static SwitchboardConfig.Server server(YamlDocument doc, ServerSpec spec) {
        var d = SwitchboardConfig.Server.DEFAULT;
        if (spec == null) {
            return d;
        }
        int port = spec.port() == null ? d.port() : spec.port();
        if (port < 0 || port > 65535) {
            throw new ConfigException(doc.name(), doc.lineOf("server.port"), "server.port",
                    "expected a port between 0 and 65535 (got " + port + ")");
        }
        long maxBody = positive(doc, "server.max_body_bytes", spec.maxBodyBytes(), d.maxBodyBytes());
        long keepalive = positive(doc, "server.stream_keepalive_ms", spec.streamKeepaliveMs(), d.streamKeepaliveMs());
        int eventLoops = spec.eventLoops() == null ? 0 : spec.eventLoops();
        if (eventLoops < 0) {
            throw new ConfigException(doc.name(), doc.lineOf("server.event_loops"), "server.event_loops",
                    "expected 0 (one per processor) or a positive number (got " + eventLoops + ")");
        }
        String transport = spec.transport() == null ? d.transport() : spec.transport().trim().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("auto", "io_uring", "epoll", "nio").contains(transport)) {
            throw new ConfigException(doc.name(), doc.lineOf("server.transport"), "server.transport",
                    "expected one of auto, io_uring, epoll, nio (got \"" + spec.transport() + "\")");
        }
        long headerTimeout = positive(doc, "server.header_timeout_ms", spec.headerTimeoutMs(), d.headerTimeoutMs());
        long idleTimeout = positive(doc, "server.idle_timeout_ms", spec.idleTimeoutMs(), d.idleTimeoutMs());
        long maxConnections = positive(doc, "server.max_connections",
                spec.maxConnections() == null ? null : spec.maxConnections().longValue(), d.maxConnections());
        return new SwitchboardConfig.Server(spec.host() == null || spec.host().isBlank() ? d.host() : spec.host(),
                port, maxBody, keepalive, eventLoops, transport, headerTimeout, idleTimeout, (int) maxConnections,
                cors(doc, spec.cors()), spec.http2Cleartext() != null && spec.http2Cleartext(),
                positive(doc, "server.shutdown_grace_ms", spec.shutdownGraceMs(), d.shutdownGraceMs()));
    }

    /** Origins as browsers send them: scheme, host and an optional port, nothing else; or "*". */
    private static SwitchboardConfig.Cors cors(YamlDocument doc, Specs.CorsSpec spec) {
        if (spec == null || spec.allowedOrigins() == null) {
            return SwitchboardConfig.Cors.NONE;
        }
        List<String> origins = new ArrayList<>();
        for (int i = 0; i < spec.allowedOrigins().size(); i++) {
            String path = "server.cors.allowed_origins[" + i + "]";
            String written = spec.allowedOrigins().get(i);
            String origin = written == null ? "" : written.strip().toLowerCase(java.util.Locale.ROOT);
            if (origin.endsWith("/")) {
                origin = origin.substring(0, origin.length() - 1);
            }
            if (!origin.equals("*") && !ORIGIN.matcher(origin).matches()) {
                throw new ConfigException(doc.name(), doc.lineOf(path), path,
                        "expected an origin such as https://app.example.com (scheme, host, optional port; no path) "
                                + "or \"*\" (got \"" + written + "\")");
            }
            origins.add(origin);
        }
        return new SwitchboardConfig.Cors(origins);
    }

    private static SwitchboardConfig.Storage storage(YamlDocument doc, StorageSpec spec) {
        var d = SwitchboardConfig.Storage.DEFAULT;
        if (spec == null) {
            return d;
        }
        String database = spec.database() == null || spec.database().isBlank() ? d.database() : spec.database().trim();
        if (!database.startsWith("sqlite:") && !database.startsWith("postgresql://") && !database.startsWith("postgres://")) {
            throw new ConfigException(doc.name(), doc.lineOf("storage.database"), "storage.database",
                    "expected sqlite:PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (got \"" + database + "\")");
        }
        String redis = spec.redis() == null || spec.redis().isBlank() ? null : spec.redis();
        int retention = spec.retentionDays() == null ? d.retentionDays() : spec.retentionDays();
        if (retention < SwitchboardConfig.Storage.MIN_RETENTION_DAYS) {
            throw new ConfigException(doc.name(), doc.lineOf("storage.retention_days"), "storage.retention_days",
                    "expected at least " + SwitchboardConfig.Storage.MIN_RETENTION_DAYS
                            + " days, so a month's usage survives a restart (got " + retention + ")");
        }
        String prefix = spec.redisPrefix() == null ? d.redisPrefix() : spec.redisPrefix().strip();
        if (prefix.isEmpty() || prefix.length() > 100 || !prefix.matches("[A-Za-z0-9_.:\\-]+")) {
            throw new ConfigException(doc.name(), doc.lineOf("storage.redis_prefix"), "storage.redis_prefix",
                    "expected 1 to 100 letters, digits or _ . : - (got \"" + prefix + "\")");
        }
        SwitchboardConfig.RedisDown redisDown = d.redisDown();
        if (spec.redisDown() != null) {
            redisDown = switch (spec.redisDown().strip().toLowerCase(java.util.Locale.ROOT)) {
                case "refuse" -> SwitchboardConfig.RedisDown.REFUSE;
                case "local" -> SwitchboardConfig.RedisDown.LOCAL;
                default -> throw new ConfigException(doc.name(), doc.lineOf("storage.redis_down"), "storage.redis_down",
                        "expected refuse or local (got \"" + spec.redisDown() + "\")");
            };
        }
        int nodes = spec.clusterNodes() == null ? d.clusterNodes() : spec.clusterNodes();
        if (nodes < 1) {
            throw new ConfigException(doc.name(), doc.lineOf("storage.cluster_nodes"), "storage.cluster_nodes",
                    "expected the number of nodes sharing the limits, at least 1 (got " + nodes + ")");
        }
        return new SwitchboardConfig.Storage(database, redis, retention, prefix, redisDown, nodes);
    }

    private SwitchboardConfig.Auth auth(AuthSpec spec) {
        var d = SwitchboardConfig.Auth.DEFAULT;
        if (spec == null) {
            return new SwitchboardConfig.Auth(env.getOrDefault("SWITCHBOARD_ADMIN_KEY", ""), d.requireKeys());
        }
        return new SwitchboardConfig.Auth(
                spec.adminKey() == null ? env.getOrDefault("SWITCHBOARD_ADMIN_KEY", "") : spec.adminKey(),
                spec.requireKeys() == null ? d.requireKeys() : spec.requireKeys());
    }

    private static SwitchboardConfig.Routing routing(YamlDocument doc, RoutingSpec spec) {
        var d = SwitchboardConfig.Routing.DEFAULT;
        if (spec == null) {
            return d;
        }
        long attempts = positive(doc, "routing.max_attempts",
                spec.maxAttempts() == null ? null : spec.maxAttempts().longValue(), d.maxAttempts());
        return new SwitchboardConfig.Routing((int) attempts,
                positive(doc, "routing.max_total_ms", spec.maxTotalMs(), d.maxTotalMs()),
                positive(doc, "routing.default_cooldown_ms", spec.defaultCooldownMs(), d.defaultCooldownMs()),
                breaker(doc, spec.breaker()));
    }

    private static SwitchboardConfig.Breaker breaker(YamlDocument doc, BreakerSpec spec) {
        var d = SwitchboardConfig.Breaker.DEFAULT;
        if (spec == null) {
            return d;
        }
        double rate = spec.maxErrorRate() == null ? d.maxErrorRate() : spec.maxErrorRate();
        if (!(rate > 0 && rate < 1)) {
            throw new ConfigException(doc.name(), doc.lineOf("routing.breaker.max_error_rate"), "routing.breaker.max_error_rate",
                    "expected a fraction between 0 and 1, e.g. 0.5 (got " + rate + ")");
        }
        long openMs = positive(doc, "routing.breaker.open_ms", spec.openMs(), d.openMs());
        long maxOpenMs = positive(doc, "routing.breaker.max_open_ms", spec.maxOpenMs(), Math.max(d.maxOpenMs(), openMs));
        if (maxOpenMs < openMs) {
            throw new ConfigException(doc.name(), doc.lineOf("routing.breaker.max_open_ms"), "routing.breaker.max_open_ms",
                    "expected at least open_ms (" + openMs + "), got " + maxOpenMs);
        }
        return new SwitchboardConfig.Breaker(
                (int) positive(doc, "routing.breaker.consecutive_failures", spec.consecutiveFailures() == null ? null
                        : spec.consecutiveFailures().longValue(), d.consecutiveFailures()),
                rate,
                (int) positive(doc, "routing.breaker.min_attempts", spec.minAttempts() == null ? null
                        : spec.minAttempts().longValue(), d.minAttempts()),
                openMs, maxOpenMs);
    }

    /**
     * Defaults for what the file leaves out; the tracing endpoint and service name fall back to the
     * standard {@code OTEL_EXPORTER_OTLP_ENDPOINT} and {@code OTEL_SERVICE_NAME} variables.
     */
    private SwitchboardConfig.Observability observability(YamlDocument doc, ObservabilitySpec spec) {
        var metricsDefault = SwitchboardConfig.Metrics.DEFAULT;
        var logDefault = SwitchboardConfig.AccessLog.DEFAULT;
        var tracingDefault = SwitchboardConfig.Tracing.DEFAULT;
        Specs.MetricsSpec metrics = spec == null ? null : spec.metrics();
        Specs.AccessLogSpec log = spec == null ? null : spec.accessLog();
        Specs.TracingSpec tracing = spec == null ? null : spec.tracing();

        boolean metricsEnabled = metrics == null || metrics.enabled() == null ? metricsDefault.enabled() : metrics.enabled();
        boolean logEnabled = log == null || log.enabled() == null ? logDefault.enabled() : log.enabled();
        String format = log == null || log.format() == null ? logDefault.format()
                : log.format().trim().toLowerCase(java.util.Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new ConfigException(doc.name(), doc.lineOf("observability.access_log.format"),
                    "observability.access_log.format", "expected text or json (got \"" + log.format() + "\")");
        }

        String endpoint = tracing == null || tracing.otlpEndpoint() == null
                ? env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", tracingDefault.otlpEndpoint())
                : tracing.otlpEndpoint();
        endpoint = endpoint.strip();
        if (!endpoint.isEmpty() && !endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            String path = "observability.tracing.otlp_endpoint";
            throw new ConfigException(doc == null ? "OTEL_EXPORTER_OTLP_ENDPOINT" : doc.name(),
                    doc == null ? 0 : doc.lineOf(path), path,
                    "expected an http:// or https:// URL of an OTLP/HTTP collector (got \"" + endpoint + "\")");
        }
        String service = tracing == null || tracing.serviceName() == null || tracing.serviceName().isBlank()
                ? env.getOrDefault("OTEL_SERVICE_NAME", "") : tracing.serviceName().strip();
        if (service.isBlank()) {
            service = tracingDefault.serviceName();
        }
        double ratio = tracing == null || tracing.sampleRatio() == null ? tracingDefault.sampleRatio() : tracing.sampleRatio();
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new ConfigException(doc.name(), doc.lineOf("observability.tracing.sample_ratio"),
                    "observability.tracing.sample_ratio", "expected a number from 0 to 1 (got " + ratio + ")");
        }
        return new SwitchboardConfig.Observability(new SwitchboardConfig.Metrics(metricsEnabled),
                new SwitchboardConfig.AccessLog(logEnabled, format),
                new SwitchboardConfig.Tracing(endpoint, service, ratio));
    }

    private static long positive(YamlDocument doc, String path, Long value, long fallback) {
        if (value == null) {
            return fallback;
        }
        if (value <= 0) {
            throw new ConfigException(doc.name(), doc.lineOf(path), path, "expected a positive number (got " + value + ")");
        }
        return value;
    }

    private static ConfigFile bind(YamlDocument document) {
        JsonNode root = document.root();
        if (!root.isObject()) {
            throw new ConfigException(document.name(), 1, null, "expected a mapping at the top level");
        }
        // top-level "x-..." keys hold YAML anchors for reuse (as in Compose files); they are not settings
        ObjectNode settings = ((ObjectNode) root).deepCopy();
        settings.properties().removeIf(field -> field.getKey().startsWith("x-"));
        try {
            return BINDER.treeToValue(settings, ConfigFile.class);
        } catch (JsonMappingException e) {
            String path = path(e.getPath());
            throw new ConfigException(document.name(), document.lineOf(path), path, describe(e));
        } catch (IOException e) {
            throw new ConfigException(document.name(), 0, null, e.getMessage());
        }
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            }
        }
        return path.toString();
    }

    private static String describe(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            Collection<Object> known = u.getKnownPropertyIds();
            String expected = known == null ? "" : known.stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", "));
            return "unknown field (expected one of: " + expected + ")";
        }
        if (e.getCause() instanceof com.fasterxml.jackson.core.exc.InputCoercionException) {
            return "number out of range";
        }
        if (e instanceof InvalidFormatException f) {
            return "expected " + typeName(f.getTargetType()) + " (got \"" + f.getValue() + "\")";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "expected " + typeName(m.getTargetType());
        }
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    static String typeName(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == BigInteger.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class || type == BigDecimal.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping";
    }
}
