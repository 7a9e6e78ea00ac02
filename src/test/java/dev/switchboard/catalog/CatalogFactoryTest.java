package dev.switchboard.catalog;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Building the catalog from a merged configuration: effective endpoints, enabled state and its reasons. */
class CatalogFactoryTest {

    private static Catalog build(Map<String, String> env, String yaml, Set<Protocol> implemented) {
        return CatalogFactory.build(new ConfigLoader(env).load("switchboard.yaml", yaml), implemented);
    }

    private static Catalog build(String yaml) {
        return build(Map.of(), yaml, BuiltInCatalogTest.IMPLEMENTED);
    }

    private static Endpoint endpoint(Catalog catalog, String model, String provider) {
        return catalog.find(model).orElseThrow().endpoints().stream()
                .filter(e -> e.provider().id().value().equals(provider)).findFirst().orElseThrow();
    }

    private static final String LOCAL_MODEL = """
            providers:
              - { id: local, protocol: openai, base_url: "http://localhost:8000/v1/" }
              - { id: cheap, protocol: openai, base_url: "http://localhost:8001/v1" }
            models:
              - id: acme/widget
                context_length: 32000
                max_output_tokens: 4096
                pricing: { prompt: 1.00, completion: 3.00, input_cache_read: 0.25, request: 0.001 }
                supported_parameters: [max_tokens, temperature, tools]
                endpoints:
                  - provider: local
                    upstream_model: widget-7b
                  - provider: cheap
                    upstream_model: widget-7b-q4
                    context_length: 8192
                    max_output_tokens: 1024
                    pricing: { prompt: 0.50 }
                    supported_parameters: [max_tokens]
            """;

    @Test
    void anEndpointWithoutOverridesHasTheModelsLimitsPricesAndParameters() {
        Catalog catalog = build(LOCAL_MODEL);
        Model model = catalog.find("acme/widget").orElseThrow();

        Endpoint local = endpoint(catalog, "acme/widget", "local");
        assertThat(local.id()).isEqualTo(new EndpointId(new ModelId("acme/widget"), new ProviderId("local")));
        assertThat(local.upstreamModel()).isEqualTo("widget-7b");
        assertThat(local.contextLength()).isEqualTo(32_000);
        assertThat(local.maxOutputTokens()).isEqualTo(4_096);
        assertThat(local.pricing()).isEqualTo(model.pricing());
        assertThat(local.supportedParameters()).containsExactlyInAnyOrder("max_tokens", "temperature", "tools");
    }

    @Test
    void anEndpointOverridesContextMaxOutputAndParameters() {
        Endpoint cheap = endpoint(build(LOCAL_MODEL), "acme/widget", "cheap");

        assertThat(cheap.contextLength()).isEqualTo(8_192);
        assertThat(cheap.maxOutputTokens()).isEqualTo(1_024);
        assertThat(cheap.supportedParameters()).containsExactly("max_tokens");
    }

    @Test
    void anEndpointPriceOverrideReplacesOnlyThePricesItNames() {
        Pricing cheap = endpoint(build(LOCAL_MODEL), "acme/widget", "cheap").pricing();

        assertThat(cheap.prompt()).isEqualByComparingTo("0.50");
        assertThat(cheap.completion()).isEqualByComparingTo("3.00");
        assertThat(cheap.inputCacheRead()).isEqualByComparingTo("0.25");
        assertThat(cheap.request()).isEqualByComparingTo("0.001");
        assertThat(cheap.blended()).isEqualByComparingTo("3.50");
    }

    @Test
    void providersOfProtocolsThatAreNotImplementedAreDisabledWithAReason() {
        Catalog catalog = build(Map.of(), """
                providers:
                  - { id: bedrock-us, protocol: bedrock, base_url: "https://bedrock.example", api_key: k }
                  - { id: local, protocol: openai, base_url: "http://localhost:8000/v1" }
                models:
                  - id: acme/widget
                    context_length: 10
                    endpoints:
                      - { provider: bedrock-us, upstream_model: widget }
                      - { provider: local, upstream_model: widget }
                """, Set.of(Protocol.DEMO));

        Provider bedrock = catalog.provider(new ProviderId("bedrock-us")).orElseThrow();
        assertThat(bedrock.enabled()).isFalse();
        assertThat(bedrock.disabledReason()).isEqualTo("protocol bedrock is not supported by this version");
        assertThat(catalog.provider(new ProviderId("local")).orElseThrow().disabledReason())
                .isEqualTo("protocol openai is not supported by this version");
        Endpoint endpoint = endpoint(catalog, "acme/widget", "bedrock-us");
        assertThat(endpoint.enabled()).isFalse();
        assertThat(endpoint.disabledReason()).isEqualTo("bedrock-us: protocol bedrock is not supported by this version");
        assertThat(catalog.find("acme/widget").orElseThrow().listed()).isFalse();
    }

    @Test
    void aModelIsListedWhenAnyOfItsEndpointsIsEnabled() {
        Catalog catalog = build(LOCAL_MODEL + """
                  - id: acme/gizmo
                    context_length: 10
                    endpoints:
                      - { provider: local, upstream_model: gizmo, enabled: false }
                """);

        assertThat(catalog.listedModels()).extracting(m -> m.id().value()).contains("acme/widget")
                .doesNotContain("acme/gizmo");
        Endpoint gizmo = endpoint(catalog, "acme/gizmo", "local");
        assertThat(gizmo.disabledReason()).isEqualTo("endpoint disabled in the configuration");
        assertThat(catalog.find("acme/gizmo").orElseThrow().enabledEndpoints()).isEmpty();
    }

    @Test
    void aProviderDisabledInTheConfigurationSaysSo() {
        Catalog catalog = build(Map.of("OPENAI_API_KEY", "sk"), """
                providers:
                  - { id: openai, enabled: false }
                """, BuiltInCatalogTest.IMPLEMENTED);

        assertThat(endpoint(catalog, "openai/gpt-4.1", "openai").disabledReason())
                .isEqualTo("openai: disabled in the configuration");
    }

    @Test
    void aProviderWithAnEmptyKeyNamesTheVariableToSet() {
        Catalog catalog = build("""
                providers:
                  - id: mine
                    protocol: openai
                    base_url: http://localhost:8000/v1
                    api_key: ${MY_KEY:-}
                """);

        assertThat(catalog.provider(new ProviderId("mine")).orElseThrow().disabledReason())
                .isEqualTo("api_key is empty (set MY_KEY)");
    }

    @Test
    void overridingABuiltInProvidersUrlStillNamesItsKeyVariable() {
        Catalog catalog = build("""
                providers:
                  - id: openai
                    base_url: https://proxy.example/v1
                """);

        Provider openai = catalog.provider(new ProviderId("openai")).orElseThrow();
        assertThat(openai.baseUrl()).isEqualTo("https://proxy.example/v1");
        assertThat(openai.disabledReason()).isEqualTo("api_key is empty (set OPENAI_API_KEY)");
    }

    @Test
    void onlyTheBuiltInOpenAiAndAzureProvidersServeTheResponsesApiByDefault() {
        Catalog catalog = build(LOCAL_MODEL);

        assertThat(catalog.provider(new ProviderId("openai")).orElseThrow().responsesApi()).isTrue();
        assertThat(catalog.provider(new ProviderId("azure")).orElseThrow().responsesApi()).isTrue();
        assertThat(catalog.provider(new ProviderId("groq")).orElseThrow().responsesApi()).isFalse();
        assertThat(catalog.provider(new ProviderId("local")).orElseThrow().responsesApi()).isFalse();
    }

    @Test
    void anOpenAiCompatibleProviderMaySayItServesTheResponsesApi() {
        Catalog catalog = build("""
                providers:
                  - { id: my-vllm, protocol: openai, base_url: "http://localhost:8000/v1", responses_api: true }
                  - { id: openai, responses_api: false }
                """);

        assertThat(catalog.provider(new ProviderId("my-vllm")).orElseThrow().responsesApi()).isTrue();
        assertThat(catalog.provider(new ProviderId("openai")).orElseThrow().responsesApi()).isFalse();
    }

    @Test
    void aLocalProviderWithoutAKeyIsEnabled() {
        Provider local = build(LOCAL_MODEL).provider(new ProviderId("local")).orElseThrow();

        assertThat(local.enabled()).isTrue();
        assertThat(local.apiKey()).isEmpty();
        assertThat(local.baseUrl()).isEqualTo("http://localhost:8000/v1");
        assertThat(local.dataPolicy()).isEqualTo(DataPolicy.UNKNOWN);
        assertThat(local.timeouts()).isEqualTo(Timeouts.DEFAULT);
    }

    @Test
    void aProvidersKeyNeverAppearsInItsDescription() {
        Catalog catalog = build(Map.of("OPENAI_API_KEY", "sk-secret-123"), "storage: {}\n", BuiltInCatalogTest.IMPLEMENTED);

        assertThat(catalog.provider(new ProviderId("openai")).orElseThrow().toString())
                .contains("openai").doesNotContain("sk-secret-123");
    }

    @Test
    void aDemoEndpointDefaultsItsUpstreamModelToTheSlug() {
        Catalog catalog = build("""
                models:
                  - { id: acme/parrot, context_length: 100, endpoints: [{ provider: demo }] }
                """);

        assertThat(endpoint(catalog, "acme/parrot", "demo").upstreamModel()).isEqualTo("parrot");
    }

    @Test
    void anyOtherEndpointNeedsItsUpstreamModel() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> build("""
                models:
                  - id: acme/widget
                    context_length: 100
                    endpoints:
                      - provider: openai
                """));

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.field()).isEqualTo("models[0].endpoints[0].upstream_model");
        assertThat(e.problem()).startsWith("required");
    }

    @Test
    void aProviderListedTwiceForOneModelIsAnError() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> build("""
                models:
                  - id: acme/widget
                    context_length: 100
                    endpoints:
                      - { provider: demo }
                      - { provider: Demo }
                """));

        assertThat(e.line()).isEqualTo(6);
        assertThat(e.field()).isEqualTo("models[0].endpoints[1].provider");
        assertThat(e.problem()).contains("listed twice");
    }

    @Test
    void modelIdsAreStoredInLowerCase() {
        Catalog catalog = build("""
                models:
                  - { id: Acme/Widget, context_length: 100, endpoints: [{ provider: demo }] }
                """);

        assertThat(catalog.find("acme/widget")).map(m -> m.id().value()).hasValue("acme/widget");
    }

    @Test
    void modalitiesDefaultToText() {
        Model model = build("""
                models:
                  - { id: acme/widget, context_length: 100, endpoints: [{ provider: demo }] }
                """).find("acme/widget").orElseThrow();

        assertThat(model.inputModalities()).containsExactly("text");
        assertThat(model.outputModalities()).containsExactly("text");
        assertThat(model.pricing()).isEqualTo(Pricing.FREE);
        assertThat(model.name()).isEqualTo("acme/widget");
    }
}
