package dev.switchboard.catalog;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What a requested id names: model variants ({@code :free}, {@code :nitro}, ...) and dated snapshots. */
class ModelLookupTest {
    private static final String CATALOG = """
            providers:
              - { id: openai, protocol: openai, base_url: "http://localhost:9001/v1", api_key: k }
              - { id: azure, protocol: azure, base_url: "https://x.openai.azure.com", api_key: k }
              - { id: gift, protocol: openai, base_url: "http://localhost:9002/v1" }
              - { id: paid, protocol: openai, base_url: "http://localhost:9003/v1" }
              - { id: long, protocol: openai, base_url: "http://localhost:9004/v1" }
            models:
              - id: acme/mixed
                context_length: 32000
                pricing: { prompt: 1, completion: 2 }
                supported_parameters: [max_tokens, temperature]
                endpoints:
                  - { provider: gift, upstream_model: mixed, pricing: { prompt: 0, completion: 0 }, quantization: fp8 }
                  - { provider: paid, upstream_model: mixed, supported_parameters: [max_tokens, reasoning] }
                  - { provider: long, upstream_model: mixed-1m, context_length: 1000000 }
              - id: acme/paid-only
                context_length: 8000
                pricing: { prompt: 1, completion: 1 }
                supported_parameters: [max_tokens]
                endpoints:
                  - { provider: paid, upstream_model: paid-only }
              - id: acme/dated
                aliases: [acme/dated-2025-04-14, dated-2025-04-14, dated-alias]
                context_length: 8000
                endpoints:
                  - { provider: openai, upstream_model: dated }
                  - { provider: azure, upstream_model: my-deployment }
                  - { provider: paid, upstream_model: vendor/dated }
            """;

    private static Catalog catalog() {
        return CatalogFactory.build(new ConfigLoader(Map.of()).load("switchboard.yaml", CATALOG), BuiltInCatalogTest.IMPLEMENTED);
    }

    private static Model found(String requested) {
        ModelLookup lookup = catalog().lookup(requested);
        assertThat(lookup).as(requested).isInstanceOf(ModelLookup.Found.class);
        return lookup.found().orElseThrow();
    }

    private static String notServed(String requested) {
        ModelLookup lookup = catalog().lookup(requested);
        assertThat(lookup).as(requested).isInstanceOf(ModelLookup.VariantNotServed.class);
        return ((ModelLookup.VariantNotServed) lookup).message();
    }

    private static java.util.List<String> providers(Model model) {
        return model.endpoints().stream().map(e -> e.provider().id().value()).toList();
    }

    @Test
    void freeKeepsOnlyEndpointsWhosePricesAreAllZero() {
        Model free = found("acme/mixed:free");

        assertThat(free.id().value()).isEqualTo("acme/mixed:free");
        assertThat(free.variant()).isEqualTo(ModelVariant.FREE);
        assertThat(providers(free)).containsExactly("gift");
        assertThat(free.pricing().blended()).isZero();
        // the endpoint is the base model's own: its health and stats are shared
        assertThat(free.endpoints().getFirst().id().model().value()).isEqualTo("acme/mixed");
    }

    @Test
    void freeWithoutAFreeEndpointIsNotServedAndSaysWhy() {
        assertThat(notServed("acme/paid-only:free")).isEqualTo("Model variant acme/paid-only:free cannot be served: "
                + "acme/paid-only has no free endpoint (one whose prices are all zero)");
    }

    @Test
    void nitroAndFloorKeepEveryEndpointAndCarryTheirVariant() {
        assertThat(found("acme/mixed:nitro").variant()).isEqualTo(ModelVariant.NITRO);
        assertThat(providers(found("acme/mixed:nitro"))).containsExactly("gift", "paid", "long");
        assertThat(found("ACME/Mixed:floor").variant()).isEqualTo(ModelVariant.FLOOR);
    }

    @Test
    void thinkingKeepsTheEndpointsThatAcceptReasoning() {
        assertThat(providers(found("acme/mixed:thinking"))).containsExactly("paid");
        assertThat(notServed("acme/paid-only:thinking")).endsWith("has no endpoint that accepts reasoning parameters");
    }

    @Test
    void extendedKeepsTheEndpointsWithALongerContextThanTheModels() {
        Model extended = found("acme/mixed:extended");

        assertThat(providers(extended)).containsExactly("long");
        assertThat(extended.contextLength()).isEqualTo(1_000_000);
        assertThat(notServed("acme/paid-only:extended"))
                .endsWith("has no endpoint with a context longer than its standard 8000 tokens");
    }

    @Test
    void onlineKeepsEveryEndpointAndExactoIsNotServed() {
        assertThat(catalog().lookup("acme/mixed:online")).isInstanceOfSatisfying(ModelLookup.Found.class,
                found -> assertThat(found.model().endpoints()).hasSize(catalog().find("acme/mixed").orElseThrow()
                        .endpoints().size()));
        assertThat(notServed("acme/mixed:exacto")).contains("tool-calling quality signals");
    }

    @Test
    void anUnknownSuffixOrModelIsUnknown() {
        assertThat(catalog().lookup("acme/mixed:turbo")).isInstanceOf(ModelLookup.Unknown.class);
        assertThat(catalog().lookup("acme/nothing:free")).isInstanceOf(ModelLookup.Unknown.class);
    }

    @Test
    void variantsAreFoundThroughAliasesAndSlugs() {
        assertThat(found("mixed:free").id().value()).isEqualTo("acme/mixed:free");
    }

    @Test
    void aDatedAliasPinsTheSnapshotUpstreamAndIsTheServedModel() {
        Model snapshot = found("acme/dated-2025-04-14");

        assertThat(snapshot.id().value()).isEqualTo("acme/dated-2025-04-14");
        Endpoint openai = snapshot.endpoints().getFirst();
        assertThat(openai.upstreamModel()).isEqualTo("dated-2025-04-14");
        assertThat(openai.id().model().value()).isEqualTo("acme/dated-2025-04-14");
    }

    @Test
    void anAggregatorIdCannotPinASnapshotAndIsLeftOutWithTheReason() {
        Endpoint aggregator = found("acme/dated-2025-04-14").endpoints().get(2);

        assertThat(aggregator.enabled()).isFalse();
        assertThat(aggregator.disabledReason())
                .isEqualTo("the aggregator id vendor/dated has no known dated form; it cannot pin snapshot 2025-04-14");
    }

    @Test
    void anAzureDeploymentCannotPinASnapshotAndIsLeftOutWithTheReason() {
        Endpoint azure = found("acme/dated-2025-04-14").endpoints().get(1);

        assertThat(azure.enabled()).isFalse();
        assertThat(azure.disabledReason()).isEqualTo(
                "an Azure deployment name carries its own version; it cannot pin snapshot 2025-04-14");
    }

    @Test
    void aBareDatedAliasNamesTheSameSnapshotUnderTheAuthorsId() {
        assertThat(found("dated-2025-04-14").id().value()).isEqualTo("acme/dated-2025-04-14");
        assertThat(found("dated-alias").id().value()).isEqualTo("acme/dated");
        assertThat(found("acme/dated").endpoints().getFirst().upstreamModel()).isEqualTo("dated");
    }

    @Test
    void whenAnEndpointAlreadyNamesTheSnapshotTheModelIsThatSnapshotAndKeepsEveryEndpoint() {
        Model sonnet = CatalogFactory.build(new ConfigLoader(Map.of("ANTHROPIC_API_KEY", "k", "OPENROUTER_API_KEY", "k"))
                .load("switchboard.yaml", "models: []"), BuiltInCatalogTest.IMPLEMENTED)
                .find("anthropic/claude-sonnet-4-20250514").orElseThrow();

        assertThat(sonnet.id().value()).isEqualTo("anthropic/claude-sonnet-4-20250514");
        assertThat(sonnet.endpoints()).extracting(Endpoint::upstreamModel)
                .containsExactly("claude-sonnet-4-20250514", "anthropic/claude-sonnet-4");
        assertThat(sonnet.endpoints()).allSatisfy(e -> assertThat(e.enabled()).isTrue());
    }

    @Test
    void theListingAddsAFreeEntryOnlyWhereFreeAndPaidEndpointsMeet() {
        assertThat(catalog().listedWithVariants()).extracting(m -> m.id().value())
                .contains("acme/mixed", "acme/mixed:free", "acme/paid-only")
                .doesNotContain("acme/paid-only:free", "acme/mixed:nitro");
        assertThat(catalog().listedModels()).extracting(m -> m.id().value()).doesNotContain("acme/mixed:free");
    }

    @Test
    void anEndpointDeclaresItsQuantizationAndABadOneFailsAtStart() {
        assertThat(catalog().find("acme/mixed").orElseThrow().endpoints().getFirst().quantization()).isEqualTo("fp8");
        ConfigException error = catchThrowableOfType(ConfigException.class, () -> CatalogFactory.build(
                new ConfigLoader(Map.of()).load("switchboard.yaml", CATALOG.replace("quantization: fp8", "quantization: q4")),
                BuiltInCatalogTest.IMPLEMENTED));

        assertThat(error.getMessage()).contains("quantization").contains("expected one of int4, int8").contains("\"q4\"");
    }

    @Test
    void aUserFileAddsAQuantizationToABuiltInEndpointKeepingTheRest() {
        Catalog catalog = CatalogFactory.build(new ConfigLoader(Map.of()).load("switchboard.yaml", """
                models:
                  - id: meta-llama/llama-3.3-70b-instruct
                    endpoints:
                      - { provider: groq, quantization: FP8 }
                """), BuiltInCatalogTest.IMPLEMENTED);

        Endpoint groq = catalog.find("meta-llama/llama-3.3-70b-instruct").orElseThrow().endpoints().getFirst();
        assertThat(groq.quantization()).isEqualTo("fp8");
        assertThat(groq.upstreamModel()).isEqualTo("llama-3.3-70b-versatile");
    }

    @Test
    void inputModalitiesAreDeclaredOnlyWhenTheConfigurationNamesThem() {
        assertThat(catalog().find("acme/mixed").orElseThrow().inputModalitiesDeclared()).isFalse();
        assertThat(catalog().find("acme/mixed").orElseThrow().accepts("image")).isTrue();
        assertThat(catalog().find("openai/gpt-4.1").orElseThrow().accepts("audio")).isFalse();
        assertThat(catalog().find("openai/gpt-4.1").orElseThrow().accepts("image")).isTrue();
    }
}
