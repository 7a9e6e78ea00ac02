package dev.switchboard.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The configuration file as written: every field optional, so a user file can override a
 * built-in entry field by field. {@link dev.switchboard.catalog} checks the merged result.
 */
public final class Specs {
    private Specs() {
    }

    public record ConfigFile(ServerSpec server, StorageSpec storage, AuthSpec auth, RoutingSpec routing,
                             ObservabilitySpec observability, List<ProviderSpec> providers, List<ModelSpec> models,
                             PluginsSpec plugins) {
    }

    /** The request plugins' settings (the {@code plugins} block). */
    public record PluginsSpec(WebSearchSpec web) {
    }

    /** The web plugin's search backend. */
    public record WebSearchSpec(String engine, String baseUrl, String apiKey, Integer maxResults, Long timeoutMs) {
    }

    public record ServerSpec(String host, Integer port, Long maxBodyBytes, Long streamKeepaliveMs, Integer eventLoops,
                             String transport, Long headerTimeoutMs, Long idleTimeoutMs, Integer maxConnections,
                             CorsSpec cors, Boolean http2Cleartext, Long shutdownGraceMs) {
    }

    /** Browser pages allowed to call the API from another origin. */
    public record CorsSpec(List<String> allowedOrigins) {
    }

    public record StorageSpec(String database, String redis, Integer retentionDays, String redisPrefix, String redisDown,
                              Integer clusterNodes) {
    }

    public record AuthSpec(String adminKey, Boolean requireKeys) {
    }

    public record RoutingSpec(Integer maxAttempts, Long maxTotalMs, Long defaultCooldownMs, BreakerSpec breaker) {
    }

    public record BreakerSpec(Integer consecutiveFailures, Double maxErrorRate, Integer minAttempts, Long openMs,
                              Long maxOpenMs) {
    }

    public record ObservabilitySpec(MetricsSpec metrics, AccessLogSpec accessLog, TracingSpec tracing) {
    }

    public record MetricsSpec(Boolean enabled) {
    }

    public record AccessLogSpec(Boolean enabled, String format) {
    }

    public record TracingSpec(String otlpEndpoint, String serviceName, Double sampleRatio) {
    }

    public record ProviderSpec(String id, String name, String protocol, String baseUrl, String apiKey,
                               String apiVersion, Map<String, String> headers, DataPolicySpec dataPolicy,
                               TimeoutsSpec timeouts, Boolean enabled, Double tokensPerSecond, AwsSpec aws,
                               Boolean responsesApi, Integer maxConnections) {
    }

    /** Amazon Bedrock's region and SigV4 credentials (protocol bedrock only). */
    public record AwsSpec(String region, String accessKeyId, String secretAccessKey, String sessionToken) {
    }

    public record DataPolicySpec(Boolean training, Integer retentionDays) {
    }

    public record TimeoutsSpec(Long connectMs, Long firstTokenMs, Long idleMs) {
    }

    public record ModelSpec(String id, String name, List<String> aliases, String created, String description,
                            Long contextLength, Long maxOutputTokens, List<String> inputModalities,
                            List<String> outputModalities, String tokenizer, PricingSpec pricing,
                            List<String> supportedParameters, List<EndpointSpec> endpoints, List<String> categories,
                            List<ExampleSpec> examples) {

        /** A model without use-case categories or example prompts. */
        public ModelSpec(String id, String name, List<String> aliases, String created, String description,
                         Long contextLength, Long maxOutputTokens, List<String> inputModalities,
                         List<String> outputModalities, String tokenizer, PricingSpec pricing,
                         List<String> supportedParameters, List<EndpointSpec> endpoints) {
            this(id, name, aliases, created, description, contextLength, maxOutputTokens, inputModalities,
                    outputModalities, tokenizer, pricing, supportedParameters, endpoints, null, null);
        }
    }

    /** An example prompt for the model's page, and optionally the answer to show under it. */
    public record ExampleSpec(String prompt, String output) {
    }

    /**
     * USD per million tokens for token prices; USD per unit for request, image and web_search.
     * {@code input_cache_write_1h} is OpenRouter's name (snake case alone would write {@code input_cache_write1h}).
     */
    public record PricingSpec(BigDecimal prompt, BigDecimal completion, BigDecimal inputCacheRead,
                              BigDecimal inputCacheWrite, BigDecimal request, BigDecimal image,
                              BigDecimal webSearch, BigDecimal internalReasoning,
                              @com.fasterxml.jackson.annotation.JsonProperty("input_cache_write_1h")
                              BigDecimal inputCacheWrite1h) {

        /** Prices without a separate 1-hour cache-write price. */
        public PricingSpec(BigDecimal prompt, BigDecimal completion, BigDecimal inputCacheRead,
                           BigDecimal inputCacheWrite, BigDecimal request, BigDecimal image,
                           BigDecimal webSearch, BigDecimal internalReasoning) {
            this(prompt, completion, inputCacheRead, inputCacheWrite, request, image, webSearch, internalReasoning, null);
        }
    }

    public record EndpointSpec(String provider, String upstreamModel, Long contextLength, Long maxOutputTokens,
                               PricingSpec pricing, List<String> supportedParameters, Boolean enabled,
                               String quantization) {
    }
}
