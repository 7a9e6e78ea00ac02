package dev.switchboard.catalog;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalog shipped in the jar (builtin.yaml) and what an environment makes of it. */
class BuiltInCatalogTest {
    /** The protocols this build speaks (ProviderAdapters.IMPLEMENTED). */
    static final Set<Protocol> IMPLEMENTED = Set.of(Protocol.OPENAI, Protocol.AZURE, Protocol.ANTHROPIC,
            Protocol.GEMINI, Protocol.BEDROCK, Protocol.DEMO);
    private static final List<String> OPENAI_MODELS = List.of("openai/gpt-4.1", "openai/gpt-4.1-mini",
            "openai/gpt-4.1-nano", "openai/gpt-4o", "openai/gpt-4o-mini", "openai/o3", "openai/o4-mini",
            "openai/text-embedding-3-small", "openai/text-embedding-3-large");
    /** CSV provider names that are spelled differently in the catalog. */
    private static final Map<String, String> PROVIDER_IDS = Map.of("google", "google-ai-studio");

    static Catalog catalog(Map<String, String> env) {
        return CatalogFactory.build(new ConfigLoader(env).builtIn(), IMPLEMENTED);
    }

    private static List<String> listed(Catalog catalog) {
        return catalog.listedModels().stream().map(m -> m.id().value()).toList();
    }

    private static Model model(Catalog catalog, String id) {
        return catalog.find(id).orElseThrow(() -> new AssertionError("no model " + id));
    }

    private static Provider provider(Catalog catalog, String id) {
        return catalog.provider(new ProviderId(id)).orElseThrow();
    }

    @Test
    void withAnEmptyEnvironmentOnlyTheEchoModelIsListed() {
        assertThat(listed(catalog(Map.of()))).containsExactly("switchboard/echo");
    }

    @Test
    void anOpenAiKeyListsTheOpenAiModels() {
        Catalog catalog = catalog(Map.of("OPENAI_API_KEY", "sk-test"));

        assertThat(listed(catalog)).containsExactlyInAnyOrderElementsOf(concat(OPENAI_MODELS, "switchboard/echo"));
        assertThat(model(catalog, "openai/gpt-4.1").enabledEndpoints()).extracting(e -> e.provider().id().value())
                .containsExactly("openai");
        assertThat(provider(catalog, "openai").baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(provider(catalog, "openai").apiKey()).isEqualTo("sk-test");
    }

    @Test
    void azureNeedsBothItsKeyAndItsEndpoint() {
        Catalog keyOnly = catalog(Map.of("AZURE_OPENAI_API_KEY", "az"));
        Catalog endpointOnly = catalog(Map.of("AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com"));
        Catalog both = catalog(Map.of("AZURE_OPENAI_API_KEY", "az", "AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com/"));

        assertThat(provider(keyOnly, "azure").disabledReason()).isEqualTo("base_url is empty (set AZURE_OPENAI_ENDPOINT)");
        assertThat(provider(endpointOnly, "azure").disabledReason())
                .isEqualTo("api_key is empty (set AZURE_OPENAI_API_KEY)");
        assertThat(listed(keyOnly)).containsExactly("switchboard/echo");
        assertThat(listed(endpointOnly)).containsExactly("switchboard/echo");
        Provider azure = provider(both, "azure");
        assertThat(azure.enabled()).isTrue();
        assertThat(azure.baseUrl()).isEqualTo("https://res.openai.azure.com");
        assertThat(azure.apiVersion()).isEqualTo("2024-10-21");
        assertThat(listed(both)).containsAll(OPENAI_MODELS);
    }

    @Test
    void aDisabledEndpointSaysWhichVariableToSet() {
        Catalog catalog = catalog(Map.of());

        Endpoint openai = model(catalog, "openai/gpt-4.1").endpoints().getFirst();
        assertThat(openai.enabled()).isFalse();
        assertThat(openai.disabledReason()).isEqualTo("openai: api_key is empty (set OPENAI_API_KEY)");
        assertThat(catalog.providers()).filteredOn(p -> !p.enabled() && p.protocol() != Protocol.BEDROCK)
                .allSatisfy(p -> assertThat(p.disabledReason()).matches("api_key is empty \\(set [A-Z_]+_API_KEY\\)"));
        assertThat(provider(catalog, "amazon-bedrock").disabledReason()).isEqualTo("no credentials: api_key is empty"
                + " (set AWS_BEARER_TOKEN_BEDROCK) and aws.access_key_id is empty (set AWS_ACCESS_KEY_ID)");
    }

    @Test
    void amazonBedrockIsEnabledByAnAwsKeyPairAndRegionOrByABedrockApiKey() {
        Provider signed = provider(catalog(Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "secret",
                "AWS_SESSION_TOKEN", "token", "AWS_REGION", "eu-central-1")), "amazon-bedrock");
        assertThat(signed.enabled()).isTrue();
        assertThat(signed.protocol()).isEqualTo(Protocol.BEDROCK);
        assertThat(signed.baseUrl()).isEqualTo("https://bedrock-runtime.eu-central-1.amazonaws.com");
        assertThat(signed.apiKey()).isEmpty();
        assertThat(signed.aws()).isEqualTo(new AwsSettings("eu-central-1", "AKID", "secret", "token"));
        assertThat(signed.toString()).doesNotContain("secret").doesNotContain("token");

        Provider keyed = provider(catalog(Map.of("AWS_BEARER_TOKEN_BEDROCK", "ABSK-key", "AWS_REGION", "us-east-1")),
                "amazon-bedrock");
        assertThat(keyed.enabled()).isTrue();
        assertThat(keyed.apiKey()).isEqualTo("ABSK-key");

        Provider noRegion = provider(catalog(Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "secret")),
                "amazon-bedrock");
        assertThat(noRegion.enabled()).isFalse();
        assertThat(noRegion.disabledReason()).startsWith("aws.region is empty (set AWS_REGION)");
    }

    @Test
    void aGeminiKeyListsTheGeminiModelsOnGoogleAiStudio() {
        Catalog catalog = catalog(Map.of("GEMINI_API_KEY", "AIza-test"));

        assertThat(listed(catalog)).containsExactlyInAnyOrder("google/gemini-2.5-pro", "google/gemini-2.5-flash",
                "switchboard/echo");
        Provider google = provider(catalog, "google-ai-studio");
        assertThat(google.protocol()).isEqualTo(Protocol.GEMINI);
        assertThat(google.baseUrl()).isEqualTo("https://generativelanguage.googleapis.com");
        assertThat(google.apiKey()).isEqualTo("AIza-test");
        assertThat(model(catalog, "google/gemini-2.5-flash").enabledEndpoints()).extracting(Endpoint::upstreamModel)
                .containsExactly("gemini-2.5-flash");
    }

    @Test
    void aProviderOfAProtocolThisBuildCannotSpeakStaysDisabledWithItsKeySet() {
        // a build without the gemini adapter
        Catalog catalog = CatalogFactory.build(new ConfigLoader(Map.of("GEMINI_API_KEY", "gm-key")).builtIn(),
                Set.of(Protocol.OPENAI, Protocol.AZURE, Protocol.DEMO));

        assertThat(provider(catalog, "google-ai-studio").disabledReason())
                .isEqualTo("protocol gemini is not supported by this version");
        assertThat(listed(catalog)).containsExactly("switchboard/echo");
    }

    @Test
    void anAnthropicKeyListsTheClaudeModels() {
        Catalog catalog = catalog(Map.of("ANTHROPIC_API_KEY", "sk-ant"));

        Provider anthropic = provider(catalog, "anthropic");
        assertThat(anthropic.enabled()).isTrue();
        assertThat(anthropic.protocol()).isEqualTo(Protocol.ANTHROPIC);
        assertThat(anthropic.baseUrl()).isEqualTo("https://api.anthropic.com");
        assertThat(listed(catalog)).containsExactlyInAnyOrder("anthropic/claude-opus-4", "anthropic/claude-sonnet-4",
                "anthropic/claude-sonnet-4.5", "anthropic/claude-3.5-haiku", "switchboard/echo");
        Endpoint sonnet = model(catalog, "anthropic/claude-sonnet-4.5").enabledEndpoints().getFirst();
        assertThat(sonnet.upstreamModel()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(sonnet.pricing().inputCacheWrite()).isEqualByComparingTo("3.75");
    }

    @Test
    void anOpenRouterKeyListsEveryModelItServes() {
        Catalog catalog = catalog(Map.of("OPENROUTER_API_KEY", "sk-or"));

        assertThat(listed(catalog)).contains("anthropic/claude-sonnet-4", "google/gemini-2.5-pro",
                "deepseek/deepseek-chat-v3.1", "meta-llama/llama-3.3-70b-instruct", "openai/gpt-4.1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"openai/gpt-4.1", "openai/gpt-4.1-mini", "openai/gpt-4.1-nano", "openai/gpt-4o",
            "openai/gpt-4o-mini", "openai/o3", "openai/o4-mini", "anthropic/claude-opus-4", "anthropic/claude-sonnet-4",
            "anthropic/claude-3.5-haiku", "google/gemini-2.5-pro", "google/gemini-2.5-flash",
            "deepseek/deepseek-chat-v3.1", "meta-llama/llama-3.3-70b-instruct", "switchboard/echo"})
    void describesEachWellKnownModelCompletely(String id) {
        assertThat(catalog(Map.of()).find(id)).hasValueSatisfying(BuiltInCatalogTest::isComplete);
    }

    @Test
    void includesAMistralLargeModel() {
        assertThat(catalog(Map.of()).models()).filteredOn(m -> m.id().value().startsWith("mistralai/mistral-large"))
                .isNotEmpty().allSatisfy(BuiltInCatalogTest::isComplete);
    }

    private static void isComplete(Model m) {
        assertThat(m.id().value()).isEqualTo(m.id().value().toLowerCase());
        assertThat(m.name()).as("name").isNotBlank().isNotEqualTo(m.id().value());
        assertThat(m.created()).as("created").isNotNull().isAfter(LocalDate.of(2023, 1, 1));
        assertThat(m.description()).as("description").hasSizeGreaterThan(20);
        assertThat(m.contextLength()).as("context").isGreaterThanOrEqualTo(8_192);
        assertThat(m.inputModalities()).as("input modalities").contains("text");
        assertThat(m.outputModalities()).as("output modalities").contains("text");
        assertThat(m.supportedParameters()).as("supported parameters").contains("max_tokens", "max_completion_tokens");
        assertThat(m.pricing()).as("pricing").isNotNull();
        assertThat(m.endpoints()).as("endpoints").isNotEmpty();
        if (!m.id().author().equals("switchboard")) {
            assertThat(m.pricing().prompt()).as("prompt price").isPositive();
            assertThat(m.pricing().completion()).as("completion price").isPositive();
        }
    }

    @Test
    void gpt41HasItsListPricesAndLimits() {
        Model gpt41 = model(catalog(Map.of()), "openai/gpt-4.1");

        assertThat(gpt41.pricing().prompt()).isEqualByComparingTo("2");
        assertThat(gpt41.pricing().completion()).isEqualByComparingTo("8");
        assertThat(gpt41.pricing().inputCacheRead()).isEqualByComparingTo("0.50");
        assertThat(gpt41.contextLength()).isEqualTo(1_047_576);
        assertThat(gpt41.maxOutputTokens()).isEqualTo(32_768);
        assertThat(gpt41.created()).isEqualTo(LocalDate.of(2025, 4, 14));
        assertThat(gpt41.tokenizer()).isEqualTo("o200k_base");
        Model mini = model(catalog(Map.of()), "openai/gpt-4.1-mini");
        assertThat(mini.pricing().prompt()).isEqualByComparingTo("0.40");
        assertThat(mini.pricing().completion()).isEqualByComparingTo("1.60");
    }

    @Test
    void echoIsFreeAndServedByTheDemoProvider() {
        Model echo = model(catalog(Map.of()), "echo");

        assertThat(echo.id().value()).isEqualTo("switchboard/echo");
        assertThat(echo.pricing().blended()).isZero();
        assertThat(echo.endpoints()).singleElement().satisfies(e -> {
            assertThat(e.enabled()).isTrue();
            assertThat(e.provider().protocol()).isEqualTo(Protocol.DEMO);
            assertThat(e.provider().dataPolicy().zeroRetention()).isTrue();
        });
    }

    @Test
    void pricesAndLimitsMatchTheVerifiedPriceTable() {
        Catalog catalog = catalog(Map.of());
        List<String> compared = new ArrayList<>();

        for (PriceRow row : PriceRow.parse(Fixtures.text("catalog-prices.md"))) {
            var model = catalog.find(row.model());
            if (model.isEmpty()) {
                continue;
            }
            String providerId = PROVIDER_IDS.getOrDefault(row.provider(), row.provider());
            var endpoint = model.get().endpoints().stream().filter(e -> e.provider().id().value().equals(providerId))
                    .findFirst();
            if (endpoint.isEmpty()) {
                continue;
            }
            Pricing pricing = endpoint.get().pricing();
            String at = row.model() + "@" + providerId;
            assertThat(pricing.prompt()).as(at + " input").isEqualByComparingTo(row.input());
            assertThat(pricing.completion()).as(at + " output").isEqualByComparingTo(row.output());
            if (row.cacheRead() == null) {
                assertThat(pricing.inputCacheRead()).as(at + " cache read").isNull();
            } else {
                assertThat(pricing.inputCacheRead()).as(at + " cache read").isEqualByComparingTo(row.cacheRead());
            }
            assertThat(endpoint.get().contextLength()).as(at + " context").isEqualTo(row.context());
            if (row.maxOutput() != null) {
                assertThat(endpoint.get().maxOutputTokens()).as(at + " max output").isEqualTo(row.maxOutput());
            }
            compared.add(at);
        }

        assertThat(compared).hasSizeGreaterThanOrEqualTo(17).contains("meta-llama/llama-3.3-70b-instruct@together",
                "google/gemini-2.5-flash@google-ai-studio", "mistralai/mistral-large-2411@mistral");
    }

    /** One row of the machine-readable CSV at the end of catalog-prices.md. */
    record PriceRow(String model, String provider, BigDecimal input, BigDecimal output, BigDecimal cacheRead,
                    long context, Long maxOutput) {

        static List<PriceRow> parse(String markdown) {
            int start = markdown.indexOf("```csv");
            String csv = markdown.substring(markdown.indexOf('\n', start) + 1, markdown.indexOf("```", start + 6));
            List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
            List<String> header = List.of(lines.getFirst().split(",", -1));
            List<PriceRow> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                java.util.function.Function<String, String> cell = name -> cells[header.indexOf(name)].trim();
                rows.add(new PriceRow(cell.apply("openrouter_id"), cell.apply("provider"),
                        new BigDecimal(cell.apply("input")), new BigDecimal(cell.apply("output")),
                        decimalOrNull(cell.apply("cache_read")), Long.parseLong(cell.apply("context")),
                        cell.apply("max_output").isEmpty() ? null : Long.valueOf(cell.apply("max_output"))));
            }
            return rows;
        }

        private static BigDecimal decimalOrNull(String value) {
            return value.isEmpty() ? null : new BigDecimal(value);
        }
    }

    private static List<String> concat(List<String> first, String last) {
        List<String> all = new ArrayList<>(first);
        all.add(last);
        return all;
    }
}
