package dev.switchboard.routing;

import dev.switchboard.catalog.AwsSettings;
import dev.switchboard.catalog.DataPolicy;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.Model;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ModelVariant;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.catalog.Protocol;
import dev.switchboard.catalog.Provider;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.catalog.Timeouts;
import dev.switchboard.protocol.openai.ProviderPreferences;
import dev.switchboard.protocol.openai.ProviderPreferences.DataCollection;
import dev.switchboard.protocol.openai.ProviderPreferences.MaxPrice;
import dev.switchboard.protocol.openai.ProviderPreferences.PercentileCutoffs;
import dev.switchboard.protocol.openai.ProviderPreferences.Sort;
import dev.switchboard.protocol.openai.ProviderPreferences.SortBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;

/** Small builders for routing tests: endpoints, models, queries, preferences and fake signals. */
final class RoutingFixtures {
    static final String MODEL = "test/model";

    private RoutingFixtures() {
    }

    static EndpointSpec endpoint(String provider) {
        return new EndpointSpec(provider);
    }

    /** A model whose endpoints are the given ones, re-keyed to this model's id. */
    static Model model(String id, EndpointSpec... endpoints) {
        ModelId modelId = new ModelId(id);
        List<Endpoint> built = Arrays.stream(endpoints).map(e -> e.build(modelId)).toList();
        return new Model(modelId, id, List.of(), null, "", 1_000_000, null, List.of("text"), List.of("text"),
                "o200k_base", Pricing.FREE, Set.of(), built);
    }

    static Model model(EndpointSpec... endpoints) {
        return model(MODEL, endpoints);
    }

    /**
     * A model declaring {@code inputModalities} (null: declaring none, as a user's own vLLM model),
     * optionally as a variant of itself.
     */
    static Model model(String id, List<String> inputModalities, ModelVariant variant, EndpointSpec... endpoints) {
        Model plain = model(id, endpoints);
        return new Model(plain.id(), id, List.of(), null, "", plain.contextLength(), null,
                inputModalities == null ? List.of("text") : inputModalities, List.of("text"), "o200k_base", Pricing.FREE,
                Set.of(), plain.endpoints(), Set.of(), inputModalities != null, variant, List.of());
    }

    static QuerySpec query(Model... models) {
        return new QuerySpec(List.of(models));
    }

    static Prefs prefs() {
        return new Prefs();
    }

    static Router router(long seed) {
        return new Router(new SplittableRandom(seed));
    }

    /** The provider ids of a plan's endpoints, in order. */
    static List<String> providers(RoutePlan plan) {
        return plan.endpoints().stream().map(e -> e.provider().id().value()).toList();
    }

    /** The endpoints of a plan as {@code model@provider}, in order. */
    static List<String> ids(RoutePlan plan) {
        return plan.endpoints().stream().map(e -> e.id().toString()).toList();
    }

    static EndpointId id(String provider) {
        return new EndpointId(new ModelId(MODEL), new ProviderId(provider));
    }

    static final class EndpointSpec {
        private final String provider;
        private BigDecimal prompt = BigDecimal.ONE;
        private BigDecimal completion = BigDecimal.ZERO;
        private BigDecimal request;
        private BigDecimal image;
        private long context = 128_000;
        private Long maxOutput;
        private Set<String> parameters = Set.of();
        private boolean enabled = true;
        private String disabledReason;
        private DataPolicy dataPolicy = new DataPolicy(false, 0);
        private String quantization;

        private EndpointSpec(String provider) {
            this.provider = provider;
        }

        /** Blended price (prompt + completion per million): all of it on the prompt side. */
        EndpointSpec price(String blended) {
            return price(blended, "0");
        }

        EndpointSpec price(String prompt, String completion) {
            this.prompt = new BigDecimal(prompt);
            this.completion = new BigDecimal(completion);
            return this;
        }

        EndpointSpec requestPrice(String price) {
            this.request = new BigDecimal(price);
            return this;
        }

        EndpointSpec imagePrice(String price) {
            this.image = new BigDecimal(price);
            return this;
        }

        EndpointSpec context(long tokens) {
            this.context = tokens;
            return this;
        }

        EndpointSpec maxOutput(long tokens) {
            this.maxOutput = tokens;
            return this;
        }

        EndpointSpec supports(String... parameters) {
            this.parameters = Set.of(parameters);
            return this;
        }

        EndpointSpec disabled(String reason) {
            this.enabled = false;
            this.disabledReason = reason;
            return this;
        }

        EndpointSpec dataPolicy(Boolean training, Integer retentionDays) {
            this.dataPolicy = new DataPolicy(training, retentionDays);
            return this;
        }

        EndpointSpec quantization(String level) {
            this.quantization = level;
            return this;
        }

        Endpoint build(ModelId model) {
            Provider p = new Provider(new ProviderId(provider), provider, Protocol.OPENAI, "https://" + provider + ".test",
                    "key", null, Map.of(), dataPolicy, Timeouts.DEFAULT, enabled, disabledReason, 0, AwsSettings.NONE);
            Pricing pricing = new Pricing(prompt, completion, null, null, request, image, null, null);
            return new Endpoint(new EndpointId(model, p.id()), p, model.slug(), context, maxOutput, pricing, parameters,
                    enabled, disabledReason, quantization);
        }
    }

    static final class QuerySpec {
        private final List<Model> models;
        private RouteQuery.PromptSize prompt = RouteQuery.PromptSize.exactly(100);
        private Long maxTokens;
        private Set<String> parameters = Set.of();
        private boolean hasTools;
        private boolean hasResponseFormat;
        private ProviderPreferences preferences = ProviderPreferences.NONE;
        private Set<String> inputModalities = Set.of();

        private QuerySpec(List<Model> models) {
            this.models = models;
        }

        QuerySpec prompt(RouteQuery.PromptSize prompt) {
            this.prompt = prompt;
            return this;
        }

        QuerySpec promptTokens(long tokens) {
            return prompt(RouteQuery.PromptSize.exactly(tokens));
        }

        QuerySpec maxTokens(long tokens) {
            this.maxTokens = tokens;
            return this;
        }

        QuerySpec parameters(String... names) {
            this.parameters = Set.of(names);
            return this;
        }

        QuerySpec withTools() {
            this.hasTools = true;
            return this;
        }

        QuerySpec withResponseFormat() {
            this.hasResponseFormat = true;
            return this;
        }

        QuerySpec preferences(Prefs prefs) {
            this.preferences = prefs.build();
            return this;
        }

        QuerySpec inputModalities(String... modalities) {
            this.inputModalities = Set.of(modalities);
            return this;
        }

        RouteQuery build() {
            return new RouteQuery(models, prompt, maxTokens, parameters, hasTools, hasResponseFormat, preferences,
                    inputModalities);
        }
    }

    /** {@link ProviderPreferences} with OpenRouter's defaults, changed one field at a time. */
    static final class Prefs {
        private List<String> order = List.of();
        private List<String> only = List.of();
        private List<String> ignore = List.of();
        private boolean allowFallbacks = true;
        private boolean requireParameters;
        private DataCollection dataCollection = DataCollection.ALLOW;
        private boolean zdr;
        private Sort sort;
        private MaxPrice maxPrice;
        private PercentileCutoffs minThroughput;
        private PercentileCutoffs maxLatency;
        private List<String> quantizations = List.of();

        Prefs quantizations(String... levels) {
            this.quantizations = List.of(levels);
            return this;
        }

        Prefs order(String... slugs) {
            this.order = List.of(slugs);
            return this;
        }

        Prefs only(String... slugs) {
            this.only = List.of(slugs);
            return this;
        }

        Prefs ignore(String... slugs) {
            this.ignore = List.of(slugs);
            return this;
        }

        Prefs noFallbacks() {
            this.allowFallbacks = false;
            return this;
        }

        Prefs requireParameters() {
            this.requireParameters = true;
            return this;
        }

        Prefs denyDataCollection() {
            this.dataCollection = DataCollection.DENY;
            return this;
        }

        Prefs zdr() {
            this.zdr = true;
            return this;
        }

        Prefs sort(SortBy by) {
            this.sort = new Sort(by, true);
            return this;
        }

        Prefs sortAcrossModels(SortBy by) {
            this.sort = new Sort(by, false);
            return this;
        }

        Prefs maxPrice(MaxPrice maxPrice) {
            this.maxPrice = maxPrice;
            return this;
        }

        Prefs preferredMaxLatency(PercentileCutoffs cutoffs) {
            this.maxLatency = cutoffs;
            return this;
        }

        Prefs preferredMinThroughput(PercentileCutoffs cutoffs) {
            this.minThroughput = cutoffs;
            return this;
        }

        ProviderPreferences build() {
            return new ProviderPreferences(order, only, ignore, allowFallbacks, requireParameters, dataCollection, zdr,
                    sort, maxPrice, minThroughput, maxLatency, quantizations);
        }
    }

    /** Signals set per endpoint; anything not set is unmeasured and healthy. */
    static final class FakeSignals implements RoutingSignals {
        private final Set<EndpointId> coolingDown = new HashSet<>();
        private final Map<EndpointId, Map<Integer, Double>> latency = new HashMap<>();
        private final Map<EndpointId, Map<Integer, Double>> throughput = new HashMap<>();

        FakeSignals markCoolingDown(EndpointId endpoint) {
            coolingDown.add(endpoint);
            return this;
        }

        FakeSignals latency(EndpointId endpoint, int percentile, double seconds) {
            latency.computeIfAbsent(endpoint, k -> new HashMap<>()).put(percentile, seconds);
            return this;
        }

        FakeSignals throughput(EndpointId endpoint, int percentile, double tokensPerSecond) {
            throughput.computeIfAbsent(endpoint, k -> new HashMap<>()).put(percentile, tokensPerSecond);
            return this;
        }

        @Override
        public boolean coolingDown(EndpointId endpoint) {
            return coolingDown.contains(endpoint);
        }

        @Override
        public OptionalDouble latencySeconds(EndpointId endpoint, int percentile) {
            return measured(latency, endpoint, percentile);
        }

        @Override
        public OptionalDouble throughput(EndpointId endpoint, int percentile) {
            return measured(throughput, endpoint, percentile);
        }

        private static OptionalDouble measured(Map<EndpointId, Map<Integer, Double>> values, EndpointId endpoint,
                                               int percentile) {
            Double value = values.getOrDefault(endpoint, Map.of()).get(percentile);
            return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
        }
    }
}
