package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenRouter's catalog listings (openapi.yaml: getModels, listModelsCount, listModelsUser, listProviders)
 * and ZenMux's extra endpoint figures: cache-write prices for 5 minutes and 1 hour, latency and throughput
 * min / max / avg.
 */
class CatalogListingApiTest {
    static final String ADMIN = "sk-test-admin";
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("""
                auth: { admin_key: %s, require_keys: true }
                providers:
                  - { id: demo, tokens_per_second: 0 }
                  - { id: vault, name: Vault Demo, protocol: demo, tokens_per_second: 0,
                      data_policy: { training: false, retention_days: 0 } }
                  - { id: paced, name: Paced Demo, protocol: demo, tokens_per_second: 400 }
                models:
                  - id: test/tooled
                    name: "Tooled Model"
                    context_length: 200000
                    input_modalities: [text, image]
                    output_modalities: [text]
                    pricing: { prompt: 1, completion: 2 }
                    supported_parameters: [tools, response_format, temperature]
                    categories: [programming, Technology]
                    endpoints: [ { provider: vault, upstream_model: echo } ]
                  - id: test/plain
                    name: "Plain Model"
                    context_length: 8000
                    input_modalities: [text]
                    output_modalities: [text]
                    pricing: { prompt: 5, completion: 10 }
                    supported_parameters: [temperature, tools]
                    endpoints: [ { provider: paced, upstream_model: echo } ]
                  - id: other/cached
                    name: "Cached Model"
                    context_length: 100000
                    pricing: { prompt: 3, completion: 15, input_cache_read: 0.3, input_cache_write: 3.75,
                               input_cache_write_1h: 6, web_search: 0.01 }
                    endpoints:
                      - { provider: demo, upstream_model: echo }
                      - { provider: vault, upstream_model: echo, pricing: { input_cache_write_1h: 7.5 } }
                  - id: test/vectors
                    name: "Vectors"
                    context_length: 8000
                    input_modalities: [text]
                    output_modalities: [embeddings]
                    pricing: { prompt: 0.02, completion: 0 }
                    endpoints: [ { provider: demo, upstream_model: echo } ]
                """.formatted(ADMIN), Map.of());
        HttpResponse<String> created = gateway.call("POST", "/api/v1/keys", ADMIN, "{\"name\":\"listing\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        key = Json.parse(created.body()).get("key").asText();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void supportedParametersKeepModelsSupportingEveryOne() {
        assertThat(ids("/api/v1/models?supported_parameters=tools,response_format")).containsExactly("test/tooled");
        assertThat(ids("/api/v1/models?supported_parameters=tools")).contains("test/tooled", "test/plain")
                .doesNotContain("other/cached", "switchboard/echo");
        assertThat(ids("/api/v1/models?supported_parameters=no_such_parameter")).isEmpty();
    }

    @Test
    void modalitiesFilterInputsByAllAndOutputsByAny() {
        assertThat(ids("/api/v1/models?input_modalities=text,image")).contains("test/tooled").doesNotContain("test/plain");
        assertThat(ids("/api/v1/models?output_modalities=embeddings")).containsExactly("test/vectors");
        assertThat(ids("/api/v1/models?output_modalities=text")).contains("test/plain").doesNotContain("test/vectors");
        assertThat(ids("/api/v1/models?output_modalities=text,embeddings")).contains("test/plain", "test/vectors");
        assertThat(ids("/api/v1/models?output_modalities=all")).isEqualTo(ids("/api/v1/models"));
        assertThat(ids("/api/v1/models")).as("no filter: every model, embeddings included, for OpenAI SDKs")
                .contains("test/vectors", "test/plain", "switchboard/echo");
    }

    @Test
    void searchContextPriceAuthorProviderAndZeroRetentionFilters() {
        assertThat(ids("/api/v1/models?q=TOOLED")).containsExactly("test/tooled");
        assertThat(ids("/api/v1/models?context=150000")).contains("test/tooled").doesNotContain("test/plain", "other/cached");
        assertThat(ids("/api/v1/models?model_authors=test&min_price=2&max_price=5")).containsExactly("test/plain");
        assertThat(ids("/api/v1/models?max_output_price=2&model_authors=test,other")).containsExactly("test/tooled", "test/vectors");
        assertThat(ids("/api/v1/models?providers=Vault%20Demo")).containsExactlyInAnyOrder("test/tooled", "other/cached");
        assertThat(ids("/api/v1/models?providers=paced")).containsExactly("test/plain");
        // the paced provider states no data policy; vault and the built-in demo keep nothing
        assertThat(ids("/api/v1/models?zdr=true")).contains("test/tooled", "other/cached").doesNotContain("test/plain");
    }

    @Test
    void categoryKeepsTheModelsTaggedWithIt() {
        assertThat(ids("/api/v1/models?category=programming")).containsExactly("test/tooled");
        assertThat(ids("/api/v1/models?category=technology")).containsExactly("test/tooled");
        assertThat(ids("/api/v1/models?category=legal")).as("documented, but no model has it").isEmpty();
    }

    @Test
    void offsetAndLimitPageTheFilteredList() {
        List<String> all = ids("/api/v1/models");
        assertThat(ids("/api/v1/models?limit=2")).isEqualTo(all.subList(0, 2));
        assertThat(ids("/api/v1/models?offset=1&limit=2")).isEqualTo(all.subList(1, 3));
        assertThat(ids("/api/v1/models?offset=" + (all.size() - 1))).isEqualTo(all.subList(all.size() - 1, all.size()));
    }

    @ParameterizedTest
    @CsvSource({
            "category=cooking, category",
            "input_modalities=text%2Csmell, input_modalities",
            "output_modalities=video, output_modalities",
            "limit=0, limit",
            "limit=1001, limit",
            "offset=-1, offset",
            "context=lots, context",
            "max_price=-1, max_price",
            "min_output_price=cheap, min_output_price",
            "zdr=false, zdr"})
    void badFilterValuesAreA400NamingTheParameter(String query, String parameter) {
        for (String path : List.of("/api/v1/models?", "/v1/models/count?", "/api/v1/models/user?")) {
            HttpResponse<String> response = gateway.call("GET", path + query, key, null);

            assertThat(response.statusCode()).as(path + query).isEqualTo(400);
            JsonNode error = Json.parse(response.body()).get("error");
            assertThat(error.get("code").asInt()).isEqualTo(400);
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("param").asText()).isEqualTo(parameter);
            assertThat(error.get("message").asText()).contains(parameter);
        }
    }

    @Test
    void countIsTheNumberOfModelsTheSameFiltersList() {
        JsonNode all = Json.parse(gateway.get("/api/v1/models/count").body());
        JsonNode tooled = Json.parse(gateway.get("/api/v1/models/count?supported_parameters=tools,response_format").body());

        assertThat(all.get("data").get("count").asInt()).isEqualTo(ids("/api/v1/models").size());
        assertThat(tooled.get("data").get("count").asInt()).isEqualTo(1);
        assertThat(all.get("data").size()).isEqualTo(1);
        assertThat(Json.parse(gateway.get("/v1/models/count?output_modalities=embeddings").body())
                .get("data").get("count").asInt()).isEqualTo(1);
    }

    @Test
    void userModelsNeedAnInferenceKeyAndListWhatItMayUse() {
        assertThat(gateway.call("GET", "/api/v1/models/user", null, null).statusCode()).isEqualTo(401);
        assertThat(gateway.call("GET", "/api/v1/models/user", ADMIN, null).statusCode()).isEqualTo(403);

        HttpResponse<String> mine = gateway.call("GET", "/api/v1/models/user", key, null);

        assertThat(mine.statusCode()).isEqualTo(200);
        JsonNode body = Json.parse(mine.body());
        assertThat(body.get("data").get(0).has("pricing")).isTrue();
        assertThat(body.get("data").findValuesAsText("id")).isEqualTo(ids("/api/v1/models"))
                .doesNotContain("openai/gpt-4.1");
        assertThat(Json.parse(gateway.call("GET", "/api/v1/models/user?limit=1", key, null).body()).get("data")).hasSize(1);
    }

    @Test
    void providersListsTheEnabledOnesInOpenRoutersShape() {
        JsonNode data = Json.parse(gateway.get("/api/v1/providers").body()).get("data");

        assertThat(data.findValuesAsText("slug")).containsExactlyInAnyOrder("demo", "vault", "paced");
        JsonNode vault = null;
        for (JsonNode p : data) {
            if (p.get("slug").asText().equals("vault")) {
                vault = p;
            }
        }
        assertThat(vault.get("name").asText()).isEqualTo("Vault Demo");
        assertThat(vault.has("privacy_policy_url") && vault.get("privacy_policy_url").isNull()).isTrue();
        assertThat(vault.get("terms_of_service_url").isNull()).isTrue();
        assertThat(vault.get("status_page_url").isNull()).isTrue();
    }

    @Test
    void endpointsCarryCacheWritePricesFor5MinutesAnd1Hour() {
        JsonNode endpoints = Json.parse(gateway.get("/api/v1/models/other/cached/endpoints").body()).path("data").path("endpoints");
        JsonNode demo = byTag(endpoints, "demo").get("pricing");
        JsonNode vault = byTag(endpoints, "vault").get("pricing");

        assertThat(demo.get("input_cache_read").asText()).isEqualTo("0.0000003");
        assertThat(demo.get("input_cache_write").asText()).isEqualTo("0.00000375");
        assertThat(demo.get("input_cache_write_1h").asText()).isEqualTo("0.000006");
        assertThat(demo.get("web_search").asText()).isEqualTo("0.01");
        assertThat(vault.get("input_cache_write_1h").asText()).as("the endpoint's own price").isEqualTo("0.0000075");
        assertThat(vault.get("input_cache_write").asText()).as("inherited from the model").isEqualTo("0.00000375");
        JsonNode plain = Json.parse(gateway.get("/api/v1/models/test/plain/endpoints").body())
                .path("data").path("endpoints").get(0).get("pricing");
        assertThat(plain.has("input_cache_write_1h")).isFalse();
    }

    @Test
    void theBuiltInAnthropicModelsPriceTheOneHourCacheWrite() {
        try (TestGateway withAnthropic = TestGateway.start("", Map.of("ANTHROPIC_API_KEY", "sk-ant-test"))) {
            JsonNode sonnet = Json.parse(withAnthropic.get("/api/v1/models/anthropic/claude-sonnet-4").body());
            assertThat(sonnet.path("pricing").path("input_cache_write").asText()).isEqualTo("0.00000375");
            assertThat(sonnet.path("pricing").path("input_cache_write_1h").asText()).isEqualTo("0.000006");
        }
    }

    @Test
    void endpointsShowLatencyAndThroughputMinMaxAvgBesideThePercentiles() {
        var client = gateway.openAi(key);
        for (String text : List.of("one two three four five six seven eight", "a b c d e f g h i j k l m n o p")) {
            try (var stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                    .model("test/plain").addUserMessage(text).build())) {
                assertThat(stream.stream().count()).isPositive();
            }
        }

        JsonNode endpoint = Poll.until(() -> Json.parse(gateway.get("/api/v1/models/test/plain/endpoints").body())
                        .path("data").path("endpoints").get(0),
                e -> e.path("throughput_last_30m").path("max").isNumber()
                        && e.path("latency_last_30m").path("max").isNumber(), Duration.ofSeconds(10));

        for (String window : List.of("latency_last_30m", "throughput_last_30m")) {
            JsonNode stats = endpoint.get(window);
            assertThat(stats.get("min").isIntegralNumber()).as(window).isTrue();
            assertThat(stats.get("avg").isNumber()).as(window).isTrue();
            assertThat(stats.get("min").asDouble()).as(window).isLessThanOrEqualTo(stats.get("avg").asDouble());
            assertThat(stats.get("avg").asDouble()).as(window).isLessThanOrEqualTo(stats.get("max").asDouble());
            assertThat(stats.get("p50").asLong()).as(window).isBetween(stats.get("min").asLong(), stats.get("max").asLong());
            assertThat(stats.get("p99").asLong()).as(window).isLessThanOrEqualTo(stats.get("max").asLong());
        }
        assertThat(endpoint.get("throughput_last_30m").get("max").asLong()).as("paced at 400 tok/s").isPositive();
    }

    @Test
    void theOpenAiSdkListsTheFilteredModels() {
        List<String> ids = new ArrayList<>();
        gateway.openAi(key).models().list(com.openai.models.models.ModelListParams.builder()
                        .putAdditionalQueryParam("supported_parameters", "tools,response_format").build())
                .data().forEach(m -> ids.add(m.id()));
        assertThat(ids).containsExactly("test/tooled");
        Model retrieved = gateway.openAi(key).models().retrieve("test/tooled");
        assertThat(retrieved.id()).isEqualTo("test/tooled");
    }

    private static List<String> ids(String path) {
        HttpResponse<String> response = gateway.get(path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return Json.parse(response.body()).get("data").findValuesAsText("id");
    }

    private static JsonNode byTag(JsonNode endpoints, String tag) {
        for (JsonNode e : endpoints) {
            if (e.path("tag").asText().equals(tag)) {
                return e;
            }
        }
        throw new AssertionError("no endpoint tagged " + tag + " in " + endpoints);
    }
}
