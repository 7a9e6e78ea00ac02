package dev.switchboard.config;

import dev.switchboard.config.Specs.EndpointSpec;
import dev.switchboard.config.Specs.ModelSpec;
import dev.switchboard.config.Specs.PricingSpec;
import dev.switchboard.config.Specs.ProviderSpec;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A user entry with a built-in id overrides only the fields it writes; new ids are appended. */
class SpecMergerTest {

    private static SwitchboardConfig load(String yaml) {
        return new ConfigLoader(Map.of()).load("switchboard.yaml", yaml);
    }

    private static ModelSpec model(SwitchboardConfig config, String id) {
        return config.models().stream().map(Sourced::spec).filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    private static ProviderSpec provider(SwitchboardConfig config, String id) {
        return config.providers().stream().map(Sourced::spec).filter(p -> p.id().equals(id)).findFirst()
                .orElseThrow();
    }

    private static EndpointSpec endpoint(ModelSpec model, String provider) {
        return model.endpoints().stream().filter(e -> e.provider().equals(provider)).findFirst().orElseThrow();
    }

    @Test
    void changingOneEndpointOfABuiltInModelKeepsItsOtherEndpointsAndFields() {
        ModelSpec builtIn = model(new ConfigLoader(Map.of()).builtIn(), "openai/gpt-4.1");

        ModelSpec merged = model(load("""
                models:
                  - id: openai/gpt-4.1
                    endpoints:
                      - provider: azure
                        upstream_model: gpt41-prod
                """), "openai/gpt-4.1");

        assertThat(merged.endpoints()).extracting(EndpointSpec::provider).containsExactly("openai", "azure", "openrouter");
        assertThat(endpoint(merged, "azure").upstreamModel()).isEqualTo("gpt41-prod");
        assertThat(endpoint(merged, "openai")).isEqualTo(endpoint(builtIn, "openai"));
        assertThat(merged.name()).isEqualTo(builtIn.name());
        assertThat(merged.aliases()).isEqualTo(builtIn.aliases());
        assertThat(merged.contextLength()).isEqualTo(builtIn.contextLength());
        assertThat(merged.pricing()).isEqualTo(builtIn.pricing());
        assertThat(merged.supportedParameters()).isEqualTo(builtIn.supportedParameters());
    }

    @Test
    void overridingAModelPriceKeepsTheOtherPrices() {
        ModelSpec merged = model(load("""
                models:
                  - id: openai/gpt-4.1
                    pricing: { prompt: 1.80 }
                    max_output_tokens: 16000
                """), "openai/gpt-4.1");

        assertThat(merged.pricing().prompt()).isEqualByComparingTo("1.80");
        assertThat(merged.pricing().completion()).isEqualByComparingTo("8.00");
        assertThat(merged.pricing().inputCacheRead()).isEqualByComparingTo("0.50");
        assertThat(merged.maxOutputTokens()).isEqualTo(16_000L);
        assertThat(merged.contextLength()).isEqualTo(1_047_576L);
    }

    @Test
    void anEndpointOverrideMergesItsFieldsWithTheBuiltInEndpoint() {
        ModelSpec merged = model(load("""
                models:
                  - id: meta-llama/llama-3.3-70b-instruct
                    endpoints:
                      - provider: Together
                        pricing: { completion: 0.90 }
                        enabled: false
                """), "meta-llama/llama-3.3-70b-instruct");

        EndpointSpec together = endpoint(merged, "together");
        assertThat(together.upstreamModel()).isEqualTo("meta-llama/Llama-3.3-70B-Instruct-Turbo");
        assertThat(together.pricing().prompt()).isEqualByComparingTo("0.88");
        assertThat(together.pricing().completion()).isEqualByComparingTo("0.90");
        assertThat(together.enabled()).isFalse();
        assertThat(merged.endpoints()).hasSize(3);
    }

    @Test
    void anEndpointForANewProviderIsAppendedToTheBuiltInOnes() {
        ModelSpec merged = model(load("""
                providers:
                  - { id: my-vllm, protocol: openai, base_url: "http://localhost:8000/v1" }
                models:
                  - id: openai/gpt-4o-mini
                    endpoints:
                      - { provider: my-vllm, upstream_model: gpt-4o-mini-local }
                """), "openai/gpt-4o-mini");

        assertThat(merged.endpoints()).extracting(EndpointSpec::provider)
                .containsExactly("openai", "azure", "openrouter", "my-vllm");
    }

    @Test
    void aUserProviderWithABuiltInIdOverridesFieldByField() {
        ProviderSpec builtIn = provider(new ConfigLoader(Map.of()).builtIn(), "openai");

        ProviderSpec merged = provider(load("""
                providers:
                  - id: openai
                    base_url: https://proxy.example/v1
                    headers: { X-Team: ml }
                    data_policy: { retention_days: 0 }
                    timeouts: { connect_ms: 1500 }
                """), "openai");

        assertThat(merged.baseUrl()).isEqualTo("https://proxy.example/v1");
        assertThat(merged.name()).isEqualTo("OpenAI");
        assertThat(merged.protocol()).isEqualTo("openai");
        assertThat(merged.apiKey()).isEqualTo(builtIn.apiKey());
        assertThat(merged.headers()).containsExactly(Map.entry("X-Team", "ml"));
        assertThat(merged.dataPolicy()).isEqualTo(new Specs.DataPolicySpec(false, 0));
        assertThat(merged.timeouts()).isEqualTo(new Specs.TimeoutsSpec(1500L, null, null));
    }

    @Test
    void newProvidersAndModelsAreAppendedAfterTheBuiltInOnes() {
        SwitchboardConfig builtIn = new ConfigLoader(Map.of()).builtIn();

        SwitchboardConfig config = load("""
                providers:
                  - { id: my-vllm, protocol: openai, base_url: "http://localhost:8000/v1" }
                  - { id: openai, base_url: "https://proxy.example/v1" }
                models:
                  - id: acme/widget
                    context_length: 4096
                    endpoints: [{ provider: my-vllm, upstream_model: widget }]
                """);

        List<String> builtInProviders = builtIn.providers().stream().map(p -> p.spec().id()).toList();
        assertThat(config.providers()).extracting(p -> p.spec().id())
                .containsExactlyElementsOf(concat(builtInProviders, "my-vllm"));
        List<String> builtInModels = builtIn.models().stream().map(m -> m.spec().id()).toList();
        assertThat(config.models()).extracting(m -> m.spec().id())
                .containsExactlyElementsOf(concat(builtInModels, "acme/widget"));
    }

    @Test
    void aMergedEntryPointsAtTheUserFile() {
        SwitchboardConfig config = load("""
                # my overrides
                providers:
                  - id: openai
                    base_url: https://proxy.example/v1
                """);

        Sourced<ProviderSpec> openai = config.providers().stream().filter(p -> p.spec().id().equals("openai"))
                .findFirst().orElseThrow();
        assertThat(openai.origin()).isEqualTo(new Origin("switchboard.yaml", 3, "providers[0]"));
    }

    @Test
    void mergesPricesFieldByFieldAndKeepsEitherSideWhenTheOtherIsAbsent() {
        PricingSpec base = new PricingSpec(new BigDecimal("2"), new BigDecimal("8"), new BigDecimal("0.5"), null, null,
                null, new BigDecimal("0.025"), null);
        PricingSpec user = new PricingSpec(null, new BigDecimal("9"), null, new BigDecimal("3"), null, null, null, null);

        assertThat(SpecMerger.pricing(base, user)).isEqualTo(new PricingSpec(new BigDecimal("2"), new BigDecimal("9"),
                new BigDecimal("0.5"), new BigDecimal("3"), null, null, new BigDecimal("0.025"), null));
        assertThat(SpecMerger.pricing(base, null)).isSameAs(base);
        assertThat(SpecMerger.pricing(null, user)).isSameAs(user);
    }

    private static List<String> concat(List<String> first, String last) {
        var all = new java.util.ArrayList<>(first);
        all.add(last);
        return all;
    }
}
