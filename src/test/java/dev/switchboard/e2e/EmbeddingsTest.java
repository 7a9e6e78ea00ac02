package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.List;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code POST /v1/embeddings} through the OpenAI SDK: routed, forwarded, metered, with fallback. */
class EmbeddingsTest {
    private FakeUpstream primary;
    private FakeUpstream backup;
    private TestGateway gateway;

    @BeforeEach
    void start() {
        primary = FakeUpstream.start();
        backup = FakeUpstream.start();
        gateway = TestGateway.start("providers:\n" + Upstreams.provider("primary", primary)
                + Upstreams.provider("backup", backup) + """
                models:
                  - id: test/embed
                    name: "Test: Embed"
                    context_length: 8191
                    input_modalities: [text]
                    output_modalities: [embeddings]
                    tokenizer: cl100k_base
                    pricing: { prompt: 0.02, completion: 0 }
                    endpoints:
                      - { provider: primary, upstream_model: upstream-small }
                      - { provider: backup, upstream_model: upstream-small-b }
                  - id: test/chat
                    name: "Test: Chat"
                    context_length: 8000
                    pricing: { prompt: 1, completion: 1 }
                    endpoints: [ { provider: primary, upstream_model: chat } ]
                """);
    }

    @AfterEach
    void stop() {
        gateway.close();
        primary.close();
        backup.close();
    }

    @Test
    void embedsThroughTheSdkWithUsageCostAndTheUpstreamModel() {
        primary.enqueue(fixture(200, "openai/embeddings.json"));
        OpenAIClient client = gateway.openAi();

        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("test/embed")
                .input("The food was delicious and the waiter...")
                .dimensions(3)
                .putAdditionalBodyProperty("provider", com.openai.core.JsonValue.from(java.util.Map.of("order",
                        List.of("primary"))))
                .build());

        assertThat(response.data()).hasSize(1);
        assertThat(response.data().getFirst().embedding()).containsExactly(0.0023064255f, -0.009327292f, -0.0028842222f);
        assertThat(response.model()).isEqualTo("test/embed");
        assertThat(response.usage().promptTokens()).isEqualTo(8);
        // 8 tokens at $0.02 per million
        assertThat(response.usage()._additionalProperties().get("cost").convert(BigDecimal.class))
                .isEqualByComparingTo("0.00000016");
        JsonNode sent = primary.last().json();
        assertThat(sent.path("model").asText()).isEqualTo("upstream-small");
        assertThat(sent.path("dimensions").asInt()).isEqualTo(3);
        assertThat(sent.has("provider")).as("routing extensions stay here").isFalse();
        assertThat(primary.last().header("authorization")).isEqualTo("Bearer sk-provider-primary");
        assertThat(primary.last().path()).isEqualTo("/v1/embeddings");
    }

    @Test
    void fallsBackWhenTheFirstProviderFailsAndRecordsTheGeneration() {
        primary.always(fixture(500, "openai/error_401.json"));
        backup.enqueue(fixture(200, "openai/embeddings.json"));
        HttpResponse<String> response = gateway.post("/v1/embeddings", """
                {"model": "test/embed", "input": ["first text", "second text"],
                 "provider": {"order": ["primary", "backup"]}}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = Json.parse(response.body());
        assertThat(body.path("provider").asText()).isEqualTo("Backup");
        assertThat(backup.last().json().path("input")).hasSize(2);
        String id = response.headers().firstValue("x-generation-id").orElseThrow();
        assertThat(body.path("id").asText()).isEqualTo(id);
        JsonNode generation = Json.parse(gateway.get("/v1/generation?id=" + id).body()).path("data");
        assertThat(generation.path("tokens_prompt").asLong()).isEqualTo(8);
        assertThat(generation.path("tokens_completion").asLong()).isZero();
        assertThat(generation.path("attempts").asInt()).isEqualTo(2);
        assertThat(generation.path("provider_name").asText()).isEqualTo("Backup");
    }

    @Test
    void badInputsAndWrongKindsOfModel() {
        OpenAIClient client = gateway.openAi();
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder()
                .model("test/chat").input("hello").build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("not an embeddings model");

        HttpResponse<String> chatWithEmbedModel = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/embed\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(chatWithEmbedModel.statusCode()).isEqualTo(400);
        assertThat(chatWithEmbedModel.body()).contains("POST /v1/embeddings");

        for (String bad : List.of("{\"model\":\"test/embed\"}", "{\"model\":\"test/embed\",\"input\":[]}",
                "{\"model\":\"test/embed\",\"input\":{\"a\":1}}", "{\"input\":\"x\"}", "[1,2]", "{\"model\":")) {
            HttpResponse<String> response = gateway.post("/v1/embeddings", bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(Json.parse(response.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        }
        assertThat(primary.requestCount()).as("nothing bad reached a provider").isZero();

        HttpResponse<String> unknown = gateway.post("/v1/embeddings", "{\"model\":\"nobody/none\",\"input\":\"x\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    /** Gemini's batchEmbedContents behind the OpenAI API: one request per input, vectors back in order, tokens counted here. */
    @Test
    void geminiServesEmbeddingsThroughBatchEmbedContents() {
        FakeUpstream gemini = FakeUpstream.start();
        try (TestGateway withGemini = TestGateway.start("""
                providers:
                  - id: gem
                    name: Gem
                    protocol: gemini
                    base_url: http://127.0.0.1:%d
                    api_key: AIza-test
                    data_policy: { training: false, retention_days: 0 }
                models:
                  - id: test/gemini-embed
                    name: "Test: Gemini Embed"
                    context_length: 2048
                    output_modalities: [embeddings]
                    tokenizer: cl100k_base
                    pricing: { prompt: 0.15, completion: 0 }
                    endpoints: [ { provider: gem, upstream_model: gemini-embedding-001 } ]
                """.formatted(gemini.port()))) {
            gemini.enqueue(FakeUpstream.json(200, "{\"embeddings\":[{\"values\":[0.25,-0.5]},{\"values\":[1.0,0.125]}]}"));

            CreateEmbeddingResponse response = withGemini.openAi().embeddings().create(EmbeddingCreateParams.builder()
                    .model("test/gemini-embed")
                    .inputOfArrayOfStrings(List.of("first text", "second text"))
                    .dimensions(2)
                    .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                    .build());

            assertThat(response.data()).hasSize(2);
            assertThat(response.data().get(0).embedding()).containsExactly(0.25f, -0.5f);
            assertThat(response.data().get(1).index()).isEqualTo(1);
            assertThat(response.data().get(1).embedding()).containsExactly(1.0f, 0.125f);
            assertThat(response.usage().promptTokens()).as("counted by Switchboard: Gemini reports none").isEqualTo(4);
            FakeUpstream.Received sent = gemini.last();
            assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
            assertThat(sent.header("x-goog-api-key")).isEqualTo("AIza-test");
            assertThat(sent.json()).isEqualTo(Json.parse("""
                    {"requests": [
                      {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "first text"}]}, "outputDimensionality": 2},
                      {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "second text"}]}, "outputDimensionality": 2}]}"""));

            HttpResponse<String> tokens = withGemini.post("/v1/embeddings",
                    "{\"model\":\"test/gemini-embed\",\"input\":[[1,2,3]]}");
            assertThat(tokens.statusCode()).as("Gemini embeds text only").isEqualTo(400);
            assertThat(tokens.body()).contains("text only");
        } finally {
            gemini.close();
        }
    }

    @Test
    void anInputOverTheContextIsRejectedBeforeAnyProvider() {
        HttpResponse<String> response = gateway.post("/v1/embeddings",
                "{\"model\":\"test/embed\",\"input\":\"" + "word ".repeat(9000) + "\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.parse(response.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(Json.parse(response.body()).path("error").path("metadata").path("rejections").toString())
                .contains("context_length");
        assertThat(primary.requestCount()).isZero();
    }
}
