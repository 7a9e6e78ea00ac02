package dev.switchboard.config;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogFactory;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;
import dev.switchboard.catalog.Protocol;
import dev.switchboard.catalog.Timeouts;
import dev.switchboard.config.Specs.ModelSpec;
import dev.switchboard.config.Specs.ProviderSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigLoaderTest {

    /** The example of DESIGN.md §3, as written there. */
    static final String DESIGN_EXAMPLE = """
            server:   { host: 127.0.0.1, port: 8080, max_body_bytes: 33554432 }   # larger bodies get 413
            storage:
              database: sqlite:switchboard-data/switchboard.db   # or postgresql://user:pw@host:5432/db
              redis: redis://127.0.0.1:6379                      # optional; required for >1 node
            auth:
              admin_key: ${SWITCHBOARD_ADMIN_KEY}                # manages keys; cannot call models
              require_keys: true                                 # false: open gateway for local dev
            providers:
              - id: openai                   # slug used in routing preferences and stats
                name: OpenAI
                protocol: openai             # openai | azure | anthropic | gemini | bedrock | demo
                base_url: https://api.openai.com/v1
                api_key: ${OPENAI_API_KEY}
                data_policy: { training: false, retention_days: 30 }
                timeouts: { connect_ms: 2000, first_token_ms: 60000, idle_ms: 60000 }
            models:
              - id: openai/gpt-4.1
                name: "OpenAI: GPT-4.1"
                aliases: [gpt-4.1, gpt-4-1, openai/gpt-4.1-2025-04-14]
                created: 2025-04-14
                description: "Flagship model for coding, instruction following and long context."
                context_length: 1047576
                max_output_tokens: 32768
                input_modalities: [text, image]
                output_modalities: [text]
                tokenizer: o200k_base
                pricing: { prompt: 2.00, completion: 8.00, input_cache_read: 0.50, web_search: 0.025 }
                supported_parameters: [max_completion_tokens, temperature, top_p, frequency_penalty,
                  presence_penalty, seed, logit_bias, logprobs, top_logprobs, response_format, stop,
                  tools, tool_choice, parallel_tool_calls]
                endpoints:
                  - provider: openai
                    upstream_model: gpt-4.1
                  - provider: azure
                    upstream_model: gpt41-prod          # an Azure deployment name
                    context_length: 128000              # per-endpoint overrides: context_length,
                    pricing: { prompt: 2.20, completion: 8.80 }   # max_output_tokens, pricing, supported_parameters
            """;

    private static <T> T entry(List<Sourced<T>> entries, java.util.function.Function<T, String> id, String wanted) {
        return entries.stream().map(Sourced::spec).filter(s -> wanted.equals(id.apply(s))).findFirst().orElseThrow();
    }

    @Test
    void builtInConfigHasTheDocumentedServerDefaults() {
        SwitchboardConfig config = new ConfigLoader(Map.of()).builtIn();

        assertThat(config.source()).isEqualTo("builtin.yaml");
        assertThat(config.server().host()).isEqualTo("127.0.0.1");
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.server().maxBodyBytes()).isEqualTo(33_554_432L);
        assertThat(config.storage().database()).isEqualTo("sqlite:switchboard-data/switchboard.db");
        assertThat(config.storage().redis()).isNull();
        assertThat(config.auth().requireKeys()).isTrue();
    }

    @Test
    void aUserFileWithoutServerSettingsKeepsTheDefaults() {
        SwitchboardConfig config = new ConfigLoader(Map.of()).load("switchboard.yaml", "storage: {}\n");

        assertThat(config.source()).isEqualTo("switchboard.yaml");
        assertThat(config.server()).isEqualTo(SwitchboardConfig.Server.DEFAULT);
        assertThat(config.routing()).isEqualTo(SwitchboardConfig.Routing.DEFAULT);
    }

    @Test
    void breakerSettingsAreReadAndUnsetOnesKeepTheirDefaults() {
        SwitchboardConfig config = new ConfigLoader(Map.of()).load("switchboard.yaml", """
                routing:
                  breaker: { consecutive_failures: 3, max_error_rate: 0.25, open_ms: 2000 }
                """);
        assertThat(config.routing().breaker()).isEqualTo(new SwitchboardConfig.Breaker(3, 0.25,
                SwitchboardConfig.Breaker.DEFAULT.minAttempts(), 2000, SwitchboardConfig.Breaker.DEFAULT.maxOpenMs()));
        assertThat(config.routing().maxAttempts()).isEqualTo(SwitchboardConfig.Routing.DEFAULT.maxAttempts());
    }

    @Test
    void builtInConfigTakesTheAdminKeyFromTheEnvironment() {
        // `switchboard serve` without a switchboard.yaml runs on builtIn()
        SwitchboardConfig config = new ConfigLoader(Map.of("SWITCHBOARD_ADMIN_KEY", "sk-admin")).builtIn();

        assertThat(config.auth().adminKey()).isEqualTo("sk-admin");
    }

    @Test
    void aUserFileWithoutAnAdminKeyTakesItFromTheEnvironment() {
        var loader = new ConfigLoader(Map.of("SWITCHBOARD_ADMIN_KEY", "sk-admin"));

        assertThat(loader.load("a.yaml", "server: { port: 9000 }\n").auth().adminKey()).isEqualTo("sk-admin");
        assertThat(loader.load("b.yaml", "auth: { require_keys: false }\n").auth())
                .isEqualTo(new SwitchboardConfig.Auth("sk-admin", false));
        assertThat(loader.load("c.yaml", "auth: { admin_key: written }\n").auth().adminKey()).isEqualTo("written");
    }

    @Test
    void readsWhatANodeDoesWhileRedisIsDown() {
        var loader = new ConfigLoader(Map.of());

        assertThat(loader.load("a.yaml", "storage: { redis: redis://127.0.0.1:6379 }\n").storage())
                .extracting(SwitchboardConfig.Storage::redisDown, SwitchboardConfig.Storage::clusterNodes)
                .containsExactly(SwitchboardConfig.RedisDown.REFUSE, 1);
        assertThat(loader.load("b.yaml", "storage: { redis: redis://r:6379, redis_down: local, cluster_nodes: 3 }\n")
                .storage()).isEqualTo(new SwitchboardConfig.Storage("sqlite:switchboard-data/switchboard.db",
                "redis://r:6379", 90, "switchboard:", SwitchboardConfig.RedisDown.LOCAL, 3));
    }

    @Test
    void theDesignExampleLoadsWithItsVariablesFromTheEnvironment() {
        var env = Map.of("SWITCHBOARD_ADMIN_KEY", "sk-admin", "OPENAI_API_KEY", "sk-openai");

        SwitchboardConfig config = new ConfigLoader(env).load("switchboard.yaml", DESIGN_EXAMPLE);

        assertThat(config.server()).isEqualTo(new SwitchboardConfig.Server("127.0.0.1", 8080, 33_554_432L, 3_000, 0, "auto",
                10_000, 60_000, 10_000, SwitchboardConfig.Cors.NONE, false, 10_000));
        assertThat(config.storage()).isEqualTo(
                new SwitchboardConfig.Storage("sqlite:switchboard-data/switchboard.db", "redis://127.0.0.1:6379", 90));
        assertThat(config.auth()).isEqualTo(new SwitchboardConfig.Auth("sk-admin", true));
        ProviderSpec openai = entry(config.providers(), ProviderSpec::id, "openai");
        assertThat(openai.apiKey()).isEqualTo("sk-openai");
        assertThat(openai.baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(openai.timeouts()).isEqualTo(new Specs.TimeoutsSpec(2000L, 60000L, 60000L));
        assertThat(openai.dataPolicy()).isEqualTo(new Specs.DataPolicySpec(false, 30));
        ModelSpec gpt41 = entry(config.models(), ModelSpec::id, "openai/gpt-4.1");
        assertThat(gpt41.aliases()).containsExactly("gpt-4.1", "gpt-4-1", "openai/gpt-4.1-2025-04-14");
        assertThat(gpt41.contextLength()).isEqualTo(1_047_576L);
        assertThat(gpt41.pricing().prompt()).isEqualByComparingTo("2.00");
        assertThat(gpt41.endpoints()).extracting(Specs.EndpointSpec::provider).startsWith("openai", "azure");
        Specs.EndpointSpec azure = gpt41.endpoints().get(1);
        assertThat(azure.upstreamModel()).isEqualTo("gpt41-prod");
        assertThat(azure.contextLength()).isEqualTo(128_000L);
        assertThat(azure.pricing().completion()).isEqualByComparingTo("8.80");
    }

    @Test
    void theDesignExampleLoadsWithAnEmptyEnvironment() {
        SwitchboardConfig config = new ConfigLoader(Map.of()).load("switchboard.yaml", DESIGN_EXAMPLE);

        assertThat(config.auth().adminKey()).isEmpty();
        assertThat(entry(config.providers(), ProviderSpec::id, "openai").apiKey()).isEmpty();
    }

    @Test
    void theDesignExampleBuildsACatalogWithItsPerEndpointOverrides() {
        var env = Map.of("OPENAI_API_KEY", "sk", "AZURE_OPENAI_API_KEY", "az",
                "AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com");
        Catalog catalog = CatalogFactory.build(new ConfigLoader(env).load("switchboard.yaml", DESIGN_EXAMPLE),
                Set.of(Protocol.OPENAI, Protocol.AZURE, Protocol.DEMO));

        Model gpt41 = catalog.find("gpt-4-1").orElseThrow();
        Endpoint azure = gpt41.endpoints().get(1);
        assertThat(azure.provider().id().value()).isEqualTo("azure");
        assertThat(azure.enabled()).isTrue();
        assertThat(azure.upstreamModel()).isEqualTo("gpt41-prod");
        assertThat(azure.contextLength()).isEqualTo(128_000);
        assertThat(azure.maxOutputTokens()).isEqualTo(32_768);
        assertThat(azure.pricing().prompt()).isEqualByComparingTo("2.20");
        assertThat(azure.pricing().completion()).isEqualByComparingTo("8.80");
        assertThat(azure.pricing().inputCacheRead()).isEqualByComparingTo("0.50");
        Endpoint openai = gpt41.endpoints().getFirst();
        assertThat(openai.enabled()).isTrue();
        assertThat(openai.contextLength()).isEqualTo(1_047_576);
        assertThat(openai.provider().timeouts()).isEqualTo(new Timeouts(2_000, 60_000, 60_000));
        assertThat(gpt41.listed()).isTrue();
    }

    @Test
    void numbersMayComeFromVariablesWithDefaults() {
        var yaml = "server:\n  port: ${PORT:-9090}\n  max_body_bytes: ${MAX_BODY:-1024}\n";

        assertThat(new ConfigLoader(Map.of()).load("a.yaml", yaml).server().port()).isEqualTo(9090);
        assertThat(new ConfigLoader(Map.of("PORT", "7000")).load("a.yaml", yaml).server().port()).isEqualTo(7000);
        assertThat(new ConfigLoader(Map.of("PORT", "")).load("a.yaml", yaml).server().maxBodyBytes()).isEqualTo(1024);
    }

    @Test
    void ignoresTopLevelExtensionKeysThatHoldAnchors() {
        SwitchboardConfig config = new ConfigLoader(Map.of()).load("a.yaml", """
                x-limits:
                  port: &port 9001
                  whatever: [1, 2, 3]
                x-parameters: &params [temperature, seed]
                server:
                  port: *port
                models:
                  - id: acme/widget
                    context_length: 4096
                    supported_parameters: *params
                    endpoints: [{ provider: demo }]
                """);

        assertThat(config.server().port()).isEqualTo(9001);
        assertThat(entry(config.models(), ModelSpec::id, "acme/widget").supportedParameters())
                .containsExactly("temperature", "seed");
    }

    @Test
    void remembersWhereEachUserEntryWasWritten() {
        SwitchboardConfig config = new ConfigLoader(Map.of()).load("mine.yaml", """
                models:
                  - id: acme/one
                    context_length: 10
                    endpoints: [{ provider: demo }]

                  - id: acme/two
                    context_length: 10
                    endpoints: [{ provider: demo }]
                """);

        Origin two = config.models().stream().filter(m -> m.spec().id().equals("acme/two")).findFirst()
                .orElseThrow().origin();
        assertThat(two).isEqualTo(new Origin("mine.yaml", 6, "models[1]"));
    }

    @Test
    void readsAFileFromDisk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("switchboard.yaml");
        Files.writeString(file, "server: { port: 9100 }\n");

        SwitchboardConfig config = new ConfigLoader(Map.of()).load(file);

        assertThat(config.server().port()).isEqualTo(9100);
        assertThat(config.source()).isEqualTo(file.toString());
    }

    @Test
    void reportsAMissingFileByName(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(Map.of()).load(missing));

        assertThat(e.file()).isEqualTo(missing.toString());
        assertThat(e.problem()).isEqualTo("file not found");
    }
}
