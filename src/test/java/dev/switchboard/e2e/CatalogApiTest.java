package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.models.Model;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The model catalog endpoints: OpenAI's list shape with OpenRouter's fields. */
class CatalogApiTest {
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("", Map.of("OPENAI_API_KEY", "sk-test-openai"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void listsOnlyModelsWithAnEnabledProvider() {
        JsonNode list = Json.parse(gateway.get("/v1/models").body());

        assertThat(list.get("object").asText()).isEqualTo("list");
        List<String> ids = list.get("data").findValuesAsText("id");
        assertThat(ids).contains("openai/gpt-4.1", "openai/gpt-4.1-mini", "openai/o3", "switchboard/echo");
        assertThat(ids).doesNotContain("anthropic/claude-sonnet-4", "google/gemini-2.5-pro");
    }

    @Test
    void describesEachModelWithOpenRouterFields() {
        JsonNode list = Json.parse(gateway.get("/api/v1/models").body());
        JsonNode gpt41 = null;
        for (JsonNode m : list.get("data")) {
            if (m.get("id").asText().equals("openai/gpt-4.1")) {
                gpt41 = m;
            }
        }
        assertThat(gpt41).isNotNull();
        assertThat(gpt41.get("object").asText()).isEqualTo("model");
        assertThat(gpt41.get("owned_by").asText()).isEqualTo("openai");
        assertThat(gpt41.get("name").asText()).isEqualTo("OpenAI: GPT-4.1");
        assertThat(gpt41.get("created").asLong()).isEqualTo(1744588800L); // 2025-04-14
        assertThat(gpt41.get("context_length").asLong()).isEqualTo(1047576);
        assertThat(gpt41.path("pricing").path("prompt").asText()).isEqualTo("0.000002");
        assertThat(gpt41.path("pricing").path("completion").asText()).isEqualTo("0.000008");
        assertThat(gpt41.path("pricing").path("input_cache_read").asText()).isEqualTo("0.0000005");
        assertThat(gpt41.path("top_provider").path("max_completion_tokens").asLong()).isEqualTo(32768);
        assertThat(gpt41.path("architecture").path("input_modalities").toString()).contains("\"text\"", "\"image\"");
        assertThat(gpt41.path("architecture").path("modality").asText()).isEqualTo("text+image+file->text");
        assertThat(gpt41.get("supported_parameters").toString()).contains("tools", "response_format", "seed");
        assertThat(gpt41.get("description").asText()).isNotBlank();
    }

    @Test
    void showsOneModelByIdOrAlias() {
        JsonNode model = Json.parse(gateway.get("/v1/models/openai/gpt-4.1").body());
        assertThat(model.get("id").asText()).isEqualTo("openai/gpt-4.1");

        JsonNode wrapped = Json.parse(gateway.get("/api/v1/model/openai/gpt-4.1").body());
        assertThat(wrapped.path("data").path("id").asText()).isEqualTo("openai/gpt-4.1");

        assertThat(gateway.get("/v1/models/anthropic/claude-sonnet-4").statusCode()).isEqualTo(404);
    }

    @Test
    void listsTheEndpointsOfAModel() {
        JsonNode data = Json.parse(gateway.get("/api/v1/models/openai/gpt-4.1/endpoints").body()).get("data");

        assertThat(data.get("id").asText()).isEqualTo("openai/gpt-4.1");
        JsonNode endpoints = data.get("endpoints");
        assertThat(endpoints).hasSize(1); // only OpenAI is enabled here
        JsonNode openai = endpoints.get(0);
        assertThat(openai.get("provider_name").asText()).isEqualTo("OpenAI");
        assertThat(openai.get("tag").asText()).isEqualTo("openai");
        assertThat(openai.get("context_length").asLong()).isEqualTo(1047576);
        assertThat(openai.get("status").asText()).isEqualTo("ok");
        assertThat(openai.has("uptime_last_30m")).isTrue();
        assertThat(openai.path("latency_last_30m").isNull()).isTrue();
        assertThat(openai.path("data_policy").path("training").asBoolean()).isFalse();
    }

    @Test
    void theOpenAiSdkCanListAndRetrieveModels() {
        var client = gateway.openAi();

        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        Model model = client.models().retrieve("openai/gpt-4.1-mini");

        assertThat(ids).contains("openai/gpt-4.1");
        assertThat(model.id()).isEqualTo("openai/gpt-4.1-mini");
        assertThat(model.ownedBy()).isEqualTo("openai");
    }

    @Test
    void answersHealthAndReadiness() {
        assertThat(gateway.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/readyz").statusCode()).isEqualTo(200);
    }
}
