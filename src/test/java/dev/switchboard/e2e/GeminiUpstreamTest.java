package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.json;
import static dev.switchboard.testing.FakeUpstream.sseEvents;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAI Chat Completions API through Switchboard to a Gemini-protocol upstream, driven by the
 * official OpenAI SDK. The fake upstream replays recorded Gemini answers and the tests check the
 * translated request it received.
 */
class GeminiUpstreamTest {
    static FakeUpstream upstream;
    static TestGateway gateway;
    static OpenAIClient client;

    /** A Gemini-protocol provider entry; Gemini's base URL is the host, the adapter adds /v1beta/models/... */
    static String geminiProvider(String id, FakeUpstream upstream) {
        return """
                  - id: %s
                    name: %s
                    protocol: gemini
                    base_url: http://127.0.0.1:%d
                    api_key: AIza-%s
                    data_policy: { training: false, retention_days: 0 }
                """.formatted(id, Character.toUpperCase(id.charAt(0)) + id.substring(1), upstream.port(), id);
    }

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = TestGateway.start("providers:\n" + geminiProvider("gem", upstream)
                + "models:\n" + Upstreams.model("test/gem", "gem"));
        client = gateway.openAi();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder().model("test/gem").addSystemMessage("Be brief.").addUserMessage("Hello!");
    }

    private static BigDecimal cost(JsonValue value) {
        return new BigDecimal(value.toString());
    }

    private static final ChatCompletionFunctionTool WEATHER = ChatCompletionFunctionTool.builder()
            .function(FunctionDefinition.builder()
                    .name("weather")
                    .description("The weather in a city")
                    .parameters(FunctionParameters.builder()
                            .putAdditionalProperty("type", JsonValue.from("object"))
                            .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                            .putAdditionalProperty("required", JsonValue.from(List.of("location")))
                            .build())
                    .build())
            .build();

    @Test
    void answersWithTheTranslatedCompletionAndPricesThinkingAsCompletion() {
        upstream.enqueue(fixture(200, "gemini/generate.json"));

        ChatCompletion completion = client.chat().completions().create(params().build());

        assertThat(completion.id()).startsWith("gen-");
        assertThat(completion.model()).isEqualTo("test/gem");
        assertThat(completion._additionalProperties().get("provider")).isEqualTo(JsonValue.from("Gem"));
        var choice = completion.choices().getFirst();
        assertThat(choice.message().content()).contains("There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        var usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(9);
        assertThat(usage.completionTokens()).isEqualTo(28 + 244);
        assertThat(usage.totalTokens()).isEqualTo(281);
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens()).contains(244L);
        // 9 × $2/M + 272 × $8/M
        assertThat(cost(usage._additionalProperties().get("cost"))).isEqualByComparingTo("0.002194");
    }

    @Test
    void callsGenerateContentWithTheGoogleKeyHeaderAndTheTranslatedBody() {
        upstream.enqueue(fixture(200, "gemini/generate.json"));

        client.chat().completions().create(params().temperature(0.2).maxCompletionTokens(100).build());

        FakeUpstream.Received request = upstream.last();
        assertThat(request.path()).isEqualTo("/v1beta/models/upstream-gem:generateContent");
        assertThat(request.query()).isNull();
        assertThat(request.header("x-goog-api-key")).isEqualTo("AIza-gem");
        assertThat(request.header("authorization")).isNull();
        assertThat(request.bodyText()).doesNotContain("sk-client-key-never-forwarded");
        assertThat(request.json()).isEqualTo(Json.parse("""
                {"systemInstruction": {"parts": [{"text": "Be brief."}]},
                 "contents": [{"role": "user", "parts": [{"text": "Hello!"}]}],
                 "generationConfig": {"maxOutputTokens": 100, "temperature": 0.2}}"""));
    }

    @Test
    void streamsTextThenAUsageChunkWithCost() {
        upstream.enqueue(sseEvents(Fixtures.text("gemini/stream.sse"), 2));

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params().build())) {
            stream.stream().forEach(chunks::add);
        }

        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("There are **3** \"r\"s in strawberry.\n\nst**r**awbe**rr**y");
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.id()).isEqualTo(chunks.getFirst().id()).startsWith("gen-");
            assertThat(c.model()).isEqualTo("test/gem");
        });
        assertThat(chunks).flatExtracting(ChatCompletionChunk::choices).filteredOn(c -> c.finishReason().isPresent())
                .singleElement().satisfies(c -> assertThat(c.finishReason()).contains(ChatCompletionChunk.Choice.FinishReason.STOP));
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        var usage = last.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(9);
        assertThat(usage.completionTokens()).isEqualTo(23 + 185);
        assertThat(cost(usage._additionalProperties().get("cost"))).isEqualByComparingTo("0.001682"); // 9×2 + 208×8 per M
        FakeUpstream.Received request = upstream.last();
        assertThat(request.path()).isEqualTo("/v1beta/models/upstream-gem:streamGenerateContent");
        assertThat(request.query()).isEqualTo("alt=sse");
        assertThat(request.header("accept")).isEqualTo("text/event-stream");
        assertThat(request.header("x-goog-api-key")).isEqualTo("AIza-gem");
    }

    @Test
    void theRawStreamEndsWithOneUsageChunkThenDone() {
        upstream.enqueue(sseEvents(Fixtures.text("gemini/stream.sse"), 1));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/gem\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(events.getLast()).isEqualTo("data: [DONE]");
        JsonNode usageChunk = Json.parse(events.get(events.size() - 2).substring("data: ".length()));
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(usageChunk.at("/usage/completion_tokens_details/reasoning_tokens").asLong()).isEqualTo(185);
        assertThat(events.stream().filter(e -> e.contains("\"usage\":{")).count()).isEqualTo(1);
    }

    @Test
    void returnsAFunctionCallAsAToolCall() {
        upstream.enqueue(fixture(200, "gemini/generate_function_call.json"));

        ChatCompletion completion = client.chat().completions().create(params().addTool(WEATHER)
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());

        var choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.id()).matches("call_[A-Za-z0-9]{24}");
        assertThat(call.function().name()).isEqualTo("weather");
        assertThat(Json.parse(call.function().arguments())).isEqualTo(Json.parse("{\"location\":\"San Francisco\"}"));
        JsonNode sent = upstream.last().json();
        assertThat(sent.at("/tools/0/functionDeclarations/0/name").asText()).isEqualTo("weather");
        assertThat(sent.at("/tools/0/functionDeclarations/0/parametersJsonSchema/required/0").asText()).isEqualTo("location");
        assertThat(sent.at("/toolConfig/functionCallingConfig/mode").asText()).isEqualTo("ANY");
    }

    @Test
    void streamsAFunctionCallAfterAThoughtAsOneToolCall() {
        upstream.enqueue(sseEvents(Fixtures.text("gemini/stream_function_call_thought.gemini-2.5-flash.sse"), 1));

        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(params().addTool(WEATHER).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        ChatCompletion completion = accumulator.chatCompletion();
        var choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content().orElse("")).isEmpty(); // the thought "Planning the call." is not in the answer
        var function = choice.message().toolCalls().orElseThrow().getFirst().asFunction().function();
        assertThat(function.name()).isEqualTo("get_weather");
        assertThat(function.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        var usage = completion.usage().orElseThrow();
        assertThat(usage.completionTokens()).isEqualTo(14 + 40);
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens()).contains(40L);
    }

    @Test
    void theToolResultTurnGoesBackAsAFunctionResponseNamedAfterTheCall() {
        upstream.enqueue(fixture(200, "gemini/generate_function_call.json"), fixture(200, "gemini/generate.json"));
        ChatCompletionCreateParams first = params().addTool(WEATHER).build();
        ChatCompletion call = client.chat().completions().create(first);
        String callId = call.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction().id();

        ChatCompletion answer = client.chat().completions().create(first.toBuilder()
                .addMessage(call.choices().getFirst().message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(callId).content("18°C and sunny").build())
                .build());

        assertThat(answer.choices().getFirst().message().content()).hasValueSatisfying(t -> assertThat(t).startsWith("There are"));
        JsonNode contents = upstream.last().json().get("contents");
        assertThat(contents).isEqualTo(Json.parse("""
                [{"role": "user", "parts": [{"text": "Hello!"}]},
                 {"role": "model", "parts": [{"functionCall": {"name": "weather", "args": {"location": "San Francisco"}}}]},
                 {"role": "user", "parts": [{"functionResponse": {"name": "weather", "response": {"result": "18°C and sunny"}}}]}]
                """));
    }

    @Test
    void pricesCachedPromptTokensAtTheCacheRateAndThoughtsAsCompletion() {
        upstream.enqueue(json(200, """
                {"candidates": [{"content": {"parts": [{"text": "Cached."}], "role": "model"}, "finishReason": "STOP", "index": 0}],
                 "usageMetadata": {"promptTokenCount": 1000, "cachedContentTokenCount": 600, "candidatesTokenCount": 50,
                                   "thoughtsTokenCount": 150, "totalTokenCount": 1200},
                 "modelVersion": "gemini-2.5-flash", "responseId": "cache-1"}"""));

        ChatCompletion completion = client.chat().completions().create(params().build());

        var usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(1000);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).contains(600L);
        assertThat(usage.completionTokens()).isEqualTo(200);
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens()).contains(150L);
        // 400 × $2/M + 600 × $0.5/M + 200 × $8/M
        assertThat(cost(usage._additionalProperties().get("cost"))).isEqualByComparingTo("0.0027");
    }

    @Test
    void aBlockedPromptIsAnEmptyAnswerFilteredForContent() {
        upstream.enqueue(fixture(200, "gemini/generate_prompt_blocked.json"));

        ChatCompletion completion = client.chat().completions().create(params().build());

        var choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.CONTENT_FILTER);
        assertThat(choice.message().content()).contains("");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(9);
    }

    @Test
    void refusesAnImageUrlWithoutCallingGemini() {
        int before = upstream.requestCount();

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model": "test/gem", "messages": [{"role": "user", "content": [
                  {"type": "text", "text": "What is this?"},
                  {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}]}""");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Json.parse(response.body()).get("error");
        assertThat(error.get("message").asText()).contains("data: URLs").contains("does not download");
        assertThat(error.get("param").asText()).isEqualTo("messages[0].content[1].image_url.url");
        assertThat(upstream.requestCount()).isEqualTo(before);
    }

    @Test
    void passesGooglesRequestErrorsThrough() {
        upstream.enqueue(json(400, "{\"error\":{\"code\":400,\"message\":\"Invalid value at 'generation_config.temperature'\","
                + "\"status\":\"INVALID_ARGUMENT\"}}"));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/gem\",\"temperature\":9,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.parse(response.body()).at("/error/message").asText())
                .isEqualTo("Invalid value at 'generation_config.temperature'");
    }
}
