package dev.switchboard.e2e;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.switchboard.e2e.AccountsApi.ADMIN;
import static dev.switchboard.e2e.AccountsApi.error;
import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.sseEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Requests that use a preset ({@code @preset/NAME}, {@code MODEL@preset/NAME}, {@code preset}) through
 * the official SDKs: what the upstream receives is the request merged with the preset as OpenRouter
 * documents it, without the {@code preset} member.
 */
class PresetRequestsTest {
    static FakeUpstream alpha;
    static FakeUpstream claude;
    static TestGateway gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        alpha = FakeUpstream.start();
        claude = FakeUpstream.start();
        gateway = TestGateway.start("auth: { admin_key: " + ADMIN + ", require_keys: false }\n"
                + "providers:\n" + Upstreams.provider("alpha", alpha)
                + """
                  - id: claude
                    name: Claude
                    protocol: anthropic
                    base_url: http://127.0.0.1:%d
                    api_key: sk-ant-provider
                    data_policy: { training: false, retention_days: 0 }
                """.formatted(claude.port())
                + "models:\n" + Upstreams.model("test/model", "alpha") + Upstreams.model("test/other", "alpha")
                + Upstreams.model("test/claude", "claude"));
        client = gateway.openAi();
        preset("POST", "/api/v1/presets", """
                {"name": "copywriter", "system_prompt": "You write marketing emails.",
                 "config": {"model": "test/model", "temperature": 0.7, "top_p": 0.9, "max_tokens": 300,
                            "provider": {"sort": "price", "allow_fallbacks": false}, "stop": "END",
                            "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}},
                                      {"type": "function", "function": {"name": "send", "parameters": {"type": "object"}}}]}}""");
        preset("POST", "/api/v1/presets", "{\"name\": \"no-model\", \"config\": {\"seed\": 7}}");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        alpha.close();
        claude.close();
    }

    private static JsonNode preset(String method, String path, String body) {
        HttpResponse<String> response = gateway.call(method, path, ADMIN, body);
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
        return Json.parse(response.body());
    }

    private static ChatCompletionCreateParams.Builder chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Write about our new feature");
    }

    @Test
    void aPresetAsTheModelSuppliesModelSystemPromptParametersAndProvider() {
        alpha.enqueue(fixture(200, "openai/chat_nonstream.json"));

        ChatCompletion completion = client.chat().completions().create(chat("@preset/copywriter").build());

        assertThat(completion.model()).isEqualTo("test/model");
        JsonNode sent = alpha.last().json();
        assertThat(sent.get("model").asText()).isEqualTo("upstream-alpha");
        assertThat(sent.at("/messages/0")).isEqualTo(Json.parse(
                "{\"role\":\"system\",\"content\":\"You write marketing emails.\"}"));
        assertThat(sent.at("/messages/1/role").asText()).isEqualTo("user");
        assertThat(sent.get("messages")).hasSize(2);
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.7);
        assertThat(sent.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(sent.get("stop").asText()).isEqualTo("END");
        assertThat(sent.get("tools")).extracting(t -> t.at("/function/name").asText()).containsExactly("lookup", "send");
        assertThat(sent.has("preset")).isFalse();
        assertThat(sent.has("provider")).isFalse(); // routing preferences are Switchboard's, never forwarded
    }

    @Test
    void theRequestsOwnValuesWinAndItsToolsAreUnionedWithThePresets() {
        alpha.enqueue(fixture(200, "openai/chat_nonstream.json"));

        client.chat().completions().create(chat("test/other@preset/copywriter").temperature(0.1)
                .addSystemMessage("Sign as Ada.")
                .addTool(com.openai.models.chat.completions.ChatCompletionFunctionTool.builder()
                        .function(com.openai.models.FunctionDefinition.builder().name("send").description("mine").build())
                        .build())
                .addTool(com.openai.models.chat.completions.ChatCompletionFunctionTool.builder()
                        .function(com.openai.models.FunctionDefinition.builder().name("extra").build()).build())
                .build());

        JsonNode sent = alpha.last().json();
        assertThat(alpha.last().json().get("model").asText()).isEqualTo("upstream-alpha");
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.1);
        assertThat(sent.get("top_p").asDouble()).isEqualTo(0.9);
        // the preset's system prompt first, then the request's own messages in their order
        assertThat(sent.get("messages")).extracting(m -> m.get("role").asText()).containsExactly("system", "user", "system");
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("You write marketing emails.");
        // a request tool replaces the preset's of the same name in its place; new ones come after
        assertThat(sent.get("tools")).extracting(t -> t.at("/function/name").asText()).containsExactly("lookup", "send", "extra");
        assertThat(sent.at("/tools/1/function/description").asText()).isEqualTo("mine");
    }

    @Test
    void theRequestsModelWinsWhenItNamesOne() {
        alpha.enqueue(fixture(200, "openai/chat_nonstream.json"));

        ChatCompletion completion = client.chat().completions().create(chat("test/other@preset/copywriter").build());

        assertThat(completion.model()).isEqualTo("test/other");
    }

    @Test
    void thePresetMemberWorksLikeThePresetInTheModelAndIsNeverForwarded() {
        alpha.enqueue(sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 0));

        StringBuilder text = new StringBuilder();
        String model;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("test/other")
                .putAdditionalBodyProperty("preset", JsonValue.from("copywriter")).build())) {
            var chunks = stream.stream().toList();
            chunks.forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
            model = chunks.getFirst().model();
        }

        assertThat(text.toString()).isEqualTo("Hello! How can I help you today?");
        assertThat(model).isEqualTo("test/other");
        JsonNode sent = alpha.last().json();
        assertThat(sent.has("preset")).isFalse();
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("You write marketing emails.");
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(300);
    }

    @Test
    void anUnknownPresetIsA404NamingIt() {
        int before = alpha.requestCount();

        assertThatThrownBy(() -> client.chat().completions().create(chat("@preset/nobody-here").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.getMessage()).contains("nobody-here"));
        JsonNode error = error(gateway.post("/v1/chat/completions",
                "{\"model\":\"test/model\",\"preset\":\"missing\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 404);
        assertThat(error.get("type").asText()).isEqualTo("not_found_error");
        assertThat(error.get("message").asText()).contains("\"missing\"");
        assertThat(alpha.requestCount()).isEqualTo(before);
    }

    @Test
    void malformedPresetReferencesAre400sNamingTheMember() {
        String messages = ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(error(gateway.post("/v1/chat/completions", "{\"model\":\"test/model\",\"preset\":7" + messages), 400)
                .get("param").asText()).isEqualTo("preset");
        assertThat(error(gateway.post("/v1/chat/completions", "{\"model\":\"@preset/Bad Name\"" + messages), 400)
                .get("param").asText()).isEqualTo("model");
        assertThat(error(gateway.post("/v1/chat/completions",
                "{\"model\":\"@preset/copywriter\",\"preset\":\"no-model\"" + messages), 400).get("param").asText())
                .isEqualTo("preset");
        // a preset without a model, used as the model, leaves the request without one
        assertThatThrownBy(() -> client.chat().completions().create(chat("@preset/no-model").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("no-model"));
    }

    @Test
    void aChangedPresetServesItsNewVersionAtOnce() {
        preset("POST", "/api/v1/presets", "{\"name\": \"changing\", \"config\": {\"model\": \"test/model\", \"seed\": 1}}");
        alpha.enqueue(fixture(200, "openai/chat_nonstream.json"), fixture(200, "openai/chat_nonstream.json"));
        client.chat().completions().create(chat("@preset/changing").build());
        assertThat(alpha.last().json().get("seed").asInt()).isEqualTo(1);

        preset("PUT", "/api/v1/presets/changing", "{\"config\": {\"model\": \"test/model\", \"seed\": 2}}");
        client.chat().completions().create(chat("@preset/changing").build());

        assertThat(alpha.last().json().get("seed").asInt()).isEqualTo(2);
        preset("DELETE", "/api/v1/presets/changing", null);
        assertThatThrownBy(() -> client.chat().completions().create(chat("@preset/changing").build()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void theResponsesApiTakesThePresetsPromptBeforeItsInstructions() {
        alpha.enqueue(fixture(200, "openai/chat_nonstream.json"));

        client.responses().create(ResponseCreateParams.builder().model("@preset/copywriter").instructions("Be brief.")
                .input("Hello").build());

        JsonNode sent = alpha.last().json();
        assertThat(sent.get("model").asText()).isEqualTo("upstream-alpha");
        assertThat(sent.at("/messages/0/content").asText()).contains("You write marketing emails.\n\nBe brief.");
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.7);
        assertThat(sent.has("preset")).isFalse();
    }

    @Test
    void countingTokensCountsThePresetsSystemPrompt() {
        String messages = ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}";
        long plain = Json.parse(gateway.post("/v1/messages/count_tokens", "{\"model\":\"test/model\"" + messages).body())
                .get("input_tokens").asLong();

        HttpResponse<String> withPreset = gateway.post("/v1/messages/count_tokens", "{\"model\":\"@preset/copywriter\""
                + messages);

        assertThat(withPreset.statusCode()).as(withPreset.body()).isEqualTo(200);
        assertThat(Json.parse(withPreset.body()).get("input_tokens").asLong()).isGreaterThan(plain);
        HttpResponse<String> unknown = gateway.post("/v1/messages/count_tokens", "{\"model\":\"@preset/nobody\"" + messages);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.parse(unknown.body()).get("type").asText()).isEqualTo("error"); // Anthropic's error shape
    }

    @Test
    void theMessagesApiTakesThePresetsPromptAsTheFirstSystemBlock() {
        preset("POST", "/api/v1/presets", """
                {"name": "claude-reviewer", "system_prompt": "You review code.",
                 "config": {"model": "test/claude", "temperature": 0.2, "stop": "DONE", "frequency_penalty": 1}}""");
        claude.enqueue(fixture(200, "anthropic/messages_nonstream.json"));
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port())
                .apiKey("sk-anything").maxRetries(0).timeout(Duration.ofSeconds(30)).build();

        var message = anthropic.messages().create(MessageCreateParams.builder().model("@preset/claude-reviewer")
                .maxTokens(100).system("Be kind.").addUserMessage("Review this.").build());

        assertThat(message.content().getFirst().asText().text()).startsWith("Hello!");
        JsonNode sent = claude.last().json();
        assertThat(claude.last().path()).endsWith("/messages");
        assertThat(sent.get("system")).extracting(b -> b.get("text").asText()).containsExactly("You review code.", "Be kind.");
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(sent.get("stop_sequences")).extracting(JsonNode::asText).containsExactly("DONE");
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(100);
        assertThat(sent.has("frequency_penalty")).isFalse(); // no Messages API equivalent
        assertThat(sent.has("preset")).isFalse();
    }
}
