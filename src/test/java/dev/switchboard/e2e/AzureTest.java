package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.json;
import static dev.switchboard.testing.FakeUpstream.sseEvents;
import static org.assertj.core.api.Assertions.assertThat;

/** Azure OpenAI: deployment URLs with api-version, the api-key header, and Azure's wire quirks from the recordings. */
class AzureTest {
    static FakeUpstream azure;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        azure = FakeUpstream.start();
        // the built-in azure provider, enabled by its two variables, serving openai/gpt-4.1 from deployment gpt41-prod
        gateway = TestGateway.start("""
                models:
                  - id: openai/gpt-4.1
                    endpoints:
                      - { provider: azure, upstream_model: gpt41-prod }
                """, Map.of("AZURE_OPENAI_API_KEY", "azure-secret", "AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:" + azure.port()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        azure.close();
    }

    private static final String REQUEST = "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]%s}";

    @Test
    void callsTheDeploymentUrlWithApiVersionAndTheApiKeyHeader() {
        azure.enqueue(fixture(200, "azure/chat_nonstream.json"));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", REQUEST.formatted(""));

        assertThat(response.statusCode()).isEqualTo(200);
        FakeUpstream.Received request = azure.last();
        assertThat(request.path()).isEqualTo("/openai/deployments/gpt41-prod/chat/completions");
        assertThat(request.query()).isEqualTo("api-version=2024-10-21");
        assertThat(request.header("api-key")).isEqualTo("azure-secret");
        assertThat(request.header("authorization")).isNull();
        JsonNode body = Json.parse(response.body());
        assertThat(body.get("model").asText()).isEqualTo("openai/gpt-4.1");
        assertThat(body.get("provider").asText()).isEqualTo("Azure OpenAI");
        // Azure's content filter annotations pass through untouched
        assertThat(body.path("choices").get(0).path("content_filter_results").path("hate").path("severity").asText())
                .isEqualTo("safe");
        assertThat(body.path("prompt_filter_results")).hasSize(1);
        assertThat(body.path("usage").path("cost").decimalValue()).isEqualByComparingTo("0.000056"); // 8×2 + 5×8 per M
    }

    @Test
    void dropsTheFilterOnlyFirstChunkOfAStream() {
        azure.enqueue(sseEvents(Fixtures.text("azure/chat_stream.sse"), 1));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", REQUEST.formatted(",\"stream\":true"));

        List<JsonNode> chunks = new ArrayList<>();
        for (String event : response.body().split("\n\n")) {
            if (event.startsWith("data: {")) {
                chunks.add(Json.parse(event.substring(6)));
            }
        }
        assertThat(chunks).noneMatch(c -> c.has("prompt_filter_results"));
        assertThat(chunks).allSatisfy(c -> assertThat(c.get("id").asText()).startsWith("gen-"));
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.path("choices").forEach(ch -> text.append(ch.path("delta").path("content").asText(""))));
        assertThat(text.toString()).isEqualTo("Capital of Denmark.");
        JsonNode usage = chunks.getLast().get("usage");
        assertThat(usage.get("completion_tokens_details").get("reasoning_tokens").asLong()).isEqualTo(64);
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void passesAContentFilterRejectionThroughWithItsCategoriesInEitherSpelling() {
        azure.enqueue(json(400, Fixtures.text("azure/error_400_content_filter.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", REQUEST.formatted(""));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Json.parse(response.body()).get("error");
        assertThat(error.get("message").asText()).contains("content management policy");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        JsonNode details = error.path("metadata").path("provider_details");
        assertThat(details.path("reason").asText()).isEqualTo("ResponsibleAIPolicyViolation");
        assertThat(details.path("content_filter_results").path("hate").path("filtered").asBoolean()).isTrue();
        assertThat(error.path("metadata").path("provider_code").asText()).isEqualTo("content_filter");

        // the spec's spelling (inner_error / content_filter_results) reads the same
        String specSpelling = Fixtures.text("azure/error_400_content_filter.json")
                .replace("\"innererror\"", "\"inner_error\"").replace("\"content_filter_result\"", "\"content_filter_results\"");
        azure.enqueue(json(400, specSpelling));
        JsonNode again = Json.parse(gateway.post("/v1/chat/completions", REQUEST.formatted("")).body()).get("error");
        assertThat(again.path("metadata").path("provider_details").path("content_filter_results").path("hate")
                .path("filtered").asBoolean()).isTrue();
    }

    @Test
    void readsAzuresRateLimitErrorWhoseCodeIsAString() {
        azure.enqueue(json(429, Fixtures.text("azure/error_429.json"), Map.of("retry-after", "60")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", REQUEST.formatted(""));

        assertThat(response.statusCode()).isEqualTo(429);
        JsonNode error = Json.parse(response.body()).get("error");
        assertThat(error.path("metadata").path("attempts").get(0).path("message").asText())
                .contains("exceeded token rate limit");
        assertThat(response.headers().firstValue("retry-after")).hasValue("60");
    }
}
