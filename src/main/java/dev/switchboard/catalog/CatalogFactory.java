package dev.switchboard.catalog;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Sourced;
import dev.switchboard.config.Specs.AwsSpec;
import dev.switchboard.config.Specs.DataPolicySpec;
import dev.switchboard.config.Specs.EndpointSpec;
import dev.switchboard.config.Specs.ExampleSpec;
import dev.switchboard.config.Specs.ModelSpec;
import dev.switchboard.config.Specs.PricingSpec;
import dev.switchboard.config.Specs.ProviderSpec;
import dev.switchboard.config.Specs.TimeoutsSpec;
import dev.switchboard.config.SwitchboardConfig;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the merged configuration and builds the {@link Catalog}. Every problem is reported
 * with the file, line and field of the entry that caused it.
 */
public final class CatalogFactory {
    private static final Pattern MODEL_ID = Pattern.compile("[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._:~-]*");
    private static final Pattern PROVIDER_ID = Pattern.compile("[a-z0-9][a-z0-9._-]*(/[a-z0-9._-]+)?");
    private static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";
    /** The region in a Bedrock runtime host (endpoint rule set: bedrock-runtime[-fips].{region}.amazonaws.com[.cn]). */
    private static final Pattern BEDROCK_HOST =
            Pattern.compile("^https://bedrock-runtime(?:-fips)?\\.([a-z0-9-]+)\\.(?:api\\.aws|amazonaws\\.com(?:\\.cn)?)(?:/|$)");
    private static final Pattern AWS_REGION = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+-[0-9]+");

    private CatalogFactory() {
    }

    /**
     * @param implemented protocols this build can speak; providers of other protocols are disabled with a reason
     */
    public static Catalog build(SwitchboardConfig config, Set<Protocol> implemented) {
        Map<ProviderId, Provider> providers = new HashMap<>();
        List<Provider> providerList = new ArrayList<>();
        for (Sourced<ProviderSpec> entry : config.providers()) {
            Provider provider = provider(entry, implemented);
            providers.put(provider.id(), provider);
            providerList.add(provider);
        }
        List<Model> models = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (Sourced<ModelSpec> entry : config.models()) {
            Model model = model(entry, providers);
            claimNames(entry, model, names);
            models.add(model);
        }
        return new Catalog(models, providerList);
    }

    private static Provider provider(Sourced<ProviderSpec> entry, Set<Protocol> implemented) {
        ProviderSpec s = entry.spec();
        String id = required(entry, "id", s.id()).toLowerCase(Locale.ROOT);
        if (!PROVIDER_ID.matcher(id).matches()) {
            throw error(entry, "id", "expected a lower-case slug such as \"openai\" or \"my-vllm\" (got \"" + s.id() + "\")");
        }
        String protocolName = required(entry, "protocol", s.protocol());
        Protocol protocol = Protocol.fromSlug(protocolName).orElseThrow(() -> error(entry, "protocol",
                "expected one of " + Protocol.slugs() + " (got \"" + protocolName + "\")"));
        String baseUrl = s.baseUrl() == null ? "" : s.baseUrl().trim();
        String apiKey = s.apiKey() == null ? "" : s.apiKey().trim();
        AwsSettings aws = awsSettings(entry, protocol, baseUrl);
        if (protocol == Protocol.BEDROCK && baseUrl.isEmpty() && !aws.region().isEmpty()) {
            baseUrl = "https://bedrock-runtime." + aws.region() + ".amazonaws.com";
        }
        String bedrockProblem = protocol == Protocol.BEDROCK ? bedrockProblem(entry, apiKey, aws, baseUrl) : null;
        String disabled = null;
        if (Boolean.FALSE.equals(s.enabled())) {
            disabled = "disabled in the configuration";
        } else if (bedrockProblem != null) {
            disabled = bedrockProblem;
        } else if (protocol != Protocol.BEDROCK && s.apiKey() != null && apiKey.isEmpty()) {
            disabled = "api_key is empty" + unsetHint(entry, "api_key");
        } else if (protocol != Protocol.DEMO && baseUrl.isEmpty()) {
            disabled = "base_url is empty" + unsetHint(entry, "base_url");
        } else if (!implemented.contains(protocol)) {
            disabled = "protocol " + protocol.slug() + " is not supported by this version";
        }
        if (!baseUrl.isEmpty()) {
            checkUrl(entry, baseUrl);
        }
        if (s.tokensPerSecond() != null && s.tokensPerSecond() < 0) {
            throw error(entry, "tokens_per_second", "expected zero (no pacing) or a positive number");
        }
        String apiVersion = s.apiVersion() != null ? s.apiVersion()
                : protocol == Protocol.AZURE ? DEFAULT_AZURE_API_VERSION : null;
        boolean responsesApi = responsesApi(entry, protocol);
        return new Provider(new ProviderId(id), s.name() == null ? id : s.name(), protocol,
                stripTrailingSlash(baseUrl), apiKey, apiVersion, s.headers() == null ? Map.of() : Map.copyOf(s.headers()),
                dataPolicy(entry, s.dataPolicy()), timeouts(entry, s.timeouts()), disabled == null, disabled,
                s.tokensPerSecond() == null ? 0 : s.tokensPerSecond(), aws, responsesApi, maxConnections(entry));
    }

    /** {@code max_connections}: requests open at once with the provider, per node; at least 1. */
    private static int maxConnections(Sourced<ProviderSpec> entry) {
        Integer max = entry.spec().maxConnections();
        if (max == null) {
            return Provider.DEFAULT_MAX_CONNECTIONS;
        }
        if (max < 1) {
            throw error(entry, "max_connections", "expected a positive number of connections (default "
                    + Provider.DEFAULT_MAX_CONNECTIONS + ")");
        }
        return max;
    }

    /**
     * {@code responses_api}: only the OpenAI adapter (protocols openai and azure) can send a Responses
     * API request; on any other protocol the flag would silently do nothing, so it is refused.
     */
    private static boolean responsesApi(Sourced<ProviderSpec> entry, Protocol protocol) {
        Boolean flag = entry.spec().responsesApi();
        if (flag != null && protocol != Protocol.OPENAI && protocol != Protocol.AZURE) {
            throw error(entry, "responses_api", "only for providers with protocol openai or azure (this one is "
                    + protocol.slug() + ")");
        }
        return Boolean.TRUE.equals(flag);
    }

    /**
     * The {@code aws} block: only for Bedrock. The region may instead be read from a standard
     * Bedrock base URL ({@code https://bedrock-runtime.us-east-1.amazonaws.com}).
     */
    private static AwsSettings awsSettings(Sourced<ProviderSpec> entry, Protocol protocol, String baseUrl) {
        AwsSpec spec = entry.spec().aws();
        if (protocol != Protocol.BEDROCK) {
            if (spec != null) {
                throw error(entry, "aws", "only for providers with protocol bedrock (this one is " + protocol.slug() + ")");
            }
            return AwsSettings.NONE;
        }
        String region = spec == null ? "" : trimmed(spec.region());
        if (region.isEmpty()) {
            var matcher = BEDROCK_HOST.matcher(baseUrl);
            region = matcher.find() ? matcher.group(1) : "";
        }
        if (!region.isEmpty() && !AWS_REGION.matcher(region).matches()) {
            throw error(entry, "aws.region", "expected an AWS region such as \"us-east-1\" (got \"" + region + "\")");
        }
        return spec == null ? new AwsSettings(region, "", "", "")
                : new AwsSettings(region, trimmed(spec.accessKeyId()), trimmed(spec.secretAccessKey()),
                trimmed(spec.sessionToken()));
    }

    /**
     * Why a Bedrock provider cannot be used, or null: it needs a Bedrock API key ({@code api_key},
     * sent as a bearer token) or a SigV4 key pair, and a region for SigV4 or for its default URL.
     */
    private static String bedrockProblem(Sourced<ProviderSpec> entry, String apiKey, AwsSettings aws, String baseUrl) {
        if (apiKey.isEmpty()) {
            if (aws.accessKeyId().isEmpty() && aws.secretAccessKey().isEmpty()) {
                return "no credentials: api_key is empty" + unsetHint(entry, "api_key")
                        + " and aws.access_key_id is empty" + unsetHint(entry, "aws.access_key_id");
            }
            if (aws.accessKeyId().isEmpty()) {
                return "aws.access_key_id is empty" + unsetHint(entry, "aws.access_key_id");
            }
            if (aws.secretAccessKey().isEmpty()) {
                return "aws.secret_access_key is empty" + unsetHint(entry, "aws.secret_access_key");
            }
            if (aws.region().isEmpty()) {
                return "aws.region is empty" + unsetHint(entry, "aws.region")
                        + " and base_url names no region (SigV4 signs for a region)";
            }
        }
        if (baseUrl.isEmpty()) {
            return "base_url is empty and aws.region is empty" + unsetHint(entry, "aws.region");
        }
        return null;
    }

    private static String trimmed(String value) {
        return value == null ? "" : value.trim();
    }

    private static String unsetHint(Sourced<ProviderSpec> entry, String field) {
        List<String> variables = entry.variablesIn(field);
        return variables.isEmpty() ? "" : " (set " + String.join(" or ", variables) + ")";
    }

    private static void checkUrl(Sourced<?> entry, String url) {
        try {
            URI uri = new URI(url);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                    || uri.getHost() == null) {
                throw error(entry, "base_url", "expected an http:// or https:// URL (got \"" + url + "\")");
            }
        } catch (URISyntaxException e) {
            throw error(entry, "base_url", "not a valid URL: " + e.getMessage());
        }
    }

    private static DataPolicy dataPolicy(Sourced<ProviderSpec> entry, DataPolicySpec spec) {
        if (spec == null) {
            return DataPolicy.UNKNOWN;
        }
        if (spec.retentionDays() != null && spec.retentionDays() < 0) {
            throw error(entry, "data_policy.retention_days", "expected 0 or more days");
        }
        return new DataPolicy(spec.training(), spec.retentionDays());
    }

    private static Timeouts timeouts(Sourced<ProviderSpec> entry, TimeoutsSpec spec) {
        Timeouts d = Timeouts.DEFAULT;
        if (spec == null) {
            return d;
        }
        return new Timeouts(positive(entry, "timeouts.connect_ms", spec.connectMs(), d.connectMs()),
                positive(entry, "timeouts.first_token_ms", spec.firstTokenMs(), d.firstTokenMs()),
                positive(entry, "timeouts.idle_ms", spec.idleMs(), d.idleMs()));
    }

    private static Model model(Sourced<ModelSpec> entry, Map<ProviderId, Provider> providers) {
        ModelSpec s = entry.spec();
        String id = required(entry, "id", s.id()).toLowerCase(Locale.ROOT);
        if (!MODEL_ID.matcher(id).matches()) {
            throw error(entry, "id", "expected author/slug such as \"openai/gpt-4.1\" (got \"" + s.id() + "\")");
        }
        ModelId modelId = new ModelId(id);
        long context = positive(entry, "context_length", required(entry, "context_length", s.contextLength()), 0);
        Long maxOutput = s.maxOutputTokens() == null ? null
                : Long.valueOf(positive(entry, "max_output_tokens", s.maxOutputTokens(), 0));
        Pricing pricing = pricing(entry, "pricing", s.pricing(), Pricing.FREE);
        Set<String> parameters = s.supportedParameters() == null ? Set.of() : Set.copyOf(s.supportedParameters());
        List<Sourced<EndpointSpec>> endpointEntries = entry.endpoints();
        if (endpointEntries.isEmpty()) {
            throw error(entry, "endpoints", "at least one endpoint is required (a provider that serves this model)");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        Set<ProviderId> seen = new HashSet<>();
        for (Sourced<EndpointSpec> endpointEntry : endpointEntries) {
            EndpointSpec e = endpointEntry.spec();
            if (e.provider() == null || e.provider().isBlank()) {
                throw error(endpointEntry, "provider", "required");
            }
            ProviderId providerId = new ProviderId(e.provider().trim());
            Provider provider = providers.get(providerId);
            if (provider == null) {
                throw error(endpointEntry, "provider", "unknown provider \"" + e.provider() + "\" (known: "
                        + String.join(", ", providers.keySet().stream().map(ProviderId::value).sorted().toList()) + ")");
            }
            if (!seen.add(providerId)) {
                throw error(endpointEntry, "provider", "provider \"" + providerId + "\" is listed twice for this model");
            }
            endpoints.add(endpoint(endpointEntry, modelId, provider, context, maxOutput, pricing, parameters));
        }
        return new Model(modelId, s.name() == null ? id : s.name(), s.aliases() == null ? List.of() : List.copyOf(s.aliases()),
                created(entry, s.created()), s.description() == null ? "" : s.description().trim(), context, maxOutput,
                modalities(s.inputModalities()), modalities(s.outputModalities()), s.tokenizer(), pricing, parameters,
                List.copyOf(endpoints), categories(entry, s.categories()),
                s.inputModalities() != null && !s.inputModalities().isEmpty(), ModelVariant.BASE,
                examples(entry, s.examples()));
    }

    private static Set<String> categories(Sourced<?> entry, List<String> values) {
        if (values == null) {
            return Set.of();
        }
        Set<String> categories = new HashSet<>();
        for (String value : values) {
            String category = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            if (!Model.CATEGORIES.contains(category)) {
                throw error(entry, "categories", "expected OpenRouter's categories: "
                        + String.join(", ", Model.CATEGORIES.stream().sorted().toList()) + " (got \"" + value + "\")");
            }
            categories.add(category);
        }
        return Set.copyOf(categories);
    }

    private static Endpoint endpoint(Sourced<EndpointSpec> entry, ModelId model, Provider provider, long modelContext,
                                     Long modelMaxOutput, Pricing modelPricing, Set<String> modelParameters) {
        EndpointSpec e = entry.spec();
        String upstream = e.upstreamModel() == null || e.upstreamModel().isBlank()
                ? (provider.protocol() == Protocol.DEMO ? model.slug() : null) : e.upstreamModel().trim();
        if (upstream == null) {
            throw error(entry, "upstream_model", "required (the name this provider knows the model by)");
        }
        long context = e.contextLength() == null ? modelContext : positive(entry, "context_length", e.contextLength(), 0);
        Long maxOutput = e.maxOutputTokens() == null ? modelMaxOutput
                : Long.valueOf(positive(entry, "max_output_tokens", e.maxOutputTokens(), 0));
        Pricing pricing = pricing(entry, "pricing", e.pricing(), modelPricing);
        Set<String> parameters = e.supportedParameters() == null ? modelParameters : Set.copyOf(e.supportedParameters());
        boolean enabled = provider.enabled() && !Boolean.FALSE.equals(e.enabled());
        String reason = !provider.enabled() ? provider.id() + ": " + provider.disabledReason()
                : enabled ? null : "endpoint disabled in the configuration";
        return new Endpoint(new EndpointId(model, provider.id()), provider, upstream, context, maxOutput, pricing,
                parameters, enabled, reason, quantization(entry));
    }

    private static String quantization(Sourced<EndpointSpec> entry) {
        String value = entry.spec().quantization();
        if (value == null || value.isBlank()) {
            return null;
        }
        String level = value.trim().toLowerCase(Locale.ROOT);
        if (!Quantization.known(level)) {
            throw error(entry, "quantization", "expected one of " + String.join(", ", Quantization.LEVELS)
                    + " (got \"" + value + "\")");
        }
        return level;
    }

    /** Field-level override: an endpoint's prices replace only the prices it names. */
    private static Pricing pricing(Sourced<?> entry, String at, PricingSpec spec, Pricing base) {
        if (spec == null) {
            return base;
        }
        return new Pricing(
                price(entry, at + ".prompt", spec.prompt(), base.prompt()),
                price(entry, at + ".completion", spec.completion(), base.completion()),
                price(entry, at + ".input_cache_read", spec.inputCacheRead(), base.inputCacheRead()),
                price(entry, at + ".input_cache_write", spec.inputCacheWrite(), base.inputCacheWrite()),
                price(entry, at + ".request", spec.request(), base.request()),
                price(entry, at + ".image", spec.image(), base.image()),
                price(entry, at + ".web_search", spec.webSearch(), base.webSearch()),
                price(entry, at + ".internal_reasoning", spec.internalReasoning(), base.internalReasoning()),
                price(entry, at + ".input_cache_write_1h", spec.inputCacheWrite1h(), base.inputCacheWrite1h()));
    }

    private static BigDecimal price(Sourced<?> entry, String field, BigDecimal value, BigDecimal base) {
        if (value == null) {
            return base;
        }
        if (value.signum() < 0) {
            throw error(entry, field, "expected a price of 0 or more (USD)");
        }
        return value.stripTrailingZeros();
    }

    private static LocalDate created(Sourced<ModelSpec> entry, String created) {
        if (created == null || created.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(created.trim());
        } catch (DateTimeParseException e) {
            throw error(entry, "created", "expected a date YYYY-MM-DD (got \"" + created + "\")");
        }
    }

    private static List<ModelExample> examples(Sourced<ModelSpec> entry, List<ExampleSpec> specs) {
        if (specs == null) {
            return List.of();
        }
        List<ModelExample> examples = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            ExampleSpec spec = specs.get(i);
            String field = "examples[" + i + "]";
            if (spec == null) {
                throw error(entry, field, "expected {prompt, output} (output optional)");
            }
            String prompt = required(entry, field + ".prompt", spec.prompt()).strip();
            String output = spec.output() == null || spec.output().isBlank() ? null : spec.output().strip();
            examples.add(new ModelExample(prompt, output));
        }
        return List.copyOf(examples);
    }

    private static List<String> modalities(List<String> values) {
        return values == null || values.isEmpty() ? List.of("text") : List.copyOf(values);
    }

    private static void claimNames(Sourced<ModelSpec> entry, Model model, Map<String, String> names) {
        Set<String> own = new LinkedHashSet<>();
        own.add(model.id().value());
        for (String alias : model.aliases()) {
            own.add(alias.toLowerCase(Locale.ROOT));
        }
        for (String name : own) {
            String holder = names.putIfAbsent(name, model.id().value());
            if (holder != null && !holder.equals(model.id().value())) {
                throw error(entry, "aliases", "\"" + name + "\" already names model " + holder);
            }
        }
    }

    private static <T> T required(Sourced<?> entry, String field, T value) {
        if (value == null || value instanceof String s && s.isBlank()) {
            throw error(entry, field, "required");
        }
        return value;
    }

    private static long positive(Sourced<?> entry, String field, Long value, long fallback) {
        if (value == null) {
            return fallback;
        }
        if (value <= 0) {
            throw error(entry, field, "expected a positive number (got " + value + ")");
        }
        return value;
    }

    private static ConfigException error(Sourced<?> entry, String field, String problem) {
        var at = entry.at(field);
        return new ConfigException(at, at.path(), problem);
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
