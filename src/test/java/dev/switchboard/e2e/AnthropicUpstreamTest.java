package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official OpenAI SDK → Switchboard → an Anthropic Messages upstream: a fake that replays the
 * recorded Anthropic wire formats and, like Anthropic, refuses requests without its headers or
 * with OpenAI-only shapes. A second, OpenAI-protocol endpoint takes over when Anthropic fails.
 */
class AnthropicUpstreamTest {
    static final String KEY = "sk-ant-provider-key";
    static FakeUpstream claude;
    static FakeUpstream backup;
    static TestGateway gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        claude = FakeUpstream.start();
        backup = FakeUpstream.start();
        gateway = TestGateway.start("providers:\n"
                + """
                  - id: claude
                    name: Claude
                    protocol: anthropic
                    base_url: http://127.0.0.1:%d
                    api_key: %s
                    data_policy: { training: false, retention_days: 0 }
                """.formatted(claude.port(), KEY)
                + Upstreams.provider("backup", backup)
                + "models:\n"
                + """
                  - id: test/claude
                    name: "Test: Claude"
                    context_length: 200000
                    max_output_tokens: 8192
                    tokenizer: o200k_base
                    pricing: { prompt: 3, completion: 15, input_cache_read: 0.30, input_cache_write: 3.75 }
                    endpoints:
                      - { provider: claude, upstream_model: claude-sonnet-4-5-20250929 }
                      - { provider: backup, upstream_model: upstream-backup }
                """);
        client = gateway.openAi();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        claude.close();
        backup.close();
    }

    @BeforeEach
    void checkRequestsLikeAnthropic() {
        claude.always(json(500, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"no reply programmed\"}}"));
    }

    /** Claude first, the backup only when Claude fails. */
    private static ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder().model("test/claude")
                .addSystemMessage("You are terse.")
                .addUserMessage("Hello!")
                .putAdditionalBodyProperty("provider", JsonValue.from(Map.of("order", List.of("claude", "backup"))));
    }

    /** Answers as Anthropic would, after checking the request is one Anthropic would accept. */
    private static FakeUpstream.Reply anthropic(FakeUpstream.Reply reply) {
        return (request, upstream) -> {
            String refusal = refusal(request, upstream.last());
            if (refusal != null) {
                json(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"" + refusal + "\"}}")
                        .send(request, upstream);
            } else {
                reply.send(request, upstream);
            }
        };
    }

    private static String refusal(HttpServerRequest request, FakeUpstream.Received received) {
        if (!request.path().equals("/v1/messages")) {
            return "not found: " + request.path();
        }
        if (!KEY.equals(received.header("x-api-key"))) {
            return "x-api-key missing or wrong";
        }
        if (!"2023-06-01".equals(received.header("anthropic-version"))) {
            return "anthropic-version missing";
        }
        JsonNode body = received.json();
        if (!body.path("max_tokens").canConvertToLong() || !body.path("messages").isArray()) {
            return "max_tokens and messages are required";
        }
        for (JsonNode turn : body.get("messages")) {
            String role = turn.path("role").asText();
            if (!role.equals("user") && !role.equals("assistant")) {
                return "messages: unexpected role " + role;
            }
        }
        return null;
    }

    @Test
    void answersTextWithUsageAndCostFromAnthropicsCounts() {
        claude.enqueue(anthropic(fixture(200, "anthropic/messages_nonstream.json")));

        ChatCompletion completion = client.chat().completions().create(params().build());

        assertThat(completion.id()).startsWith("gen-");
        assertThat(completion.model()).isEqualTo("test/claude");
        assertThat(completion._additionalProperties().get("provider")).isEqualTo(JsonValue.from("Claude"));
        var choice = completion.choices().getFirst();
        assertThat(choice.message().content()).contains("Hello! I'm doing well, thanks for asking. How are you doing today?"
                + " Is there anything I can help you with?");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        var usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(12);
        assertThat(usage.completionTokens()).isEqualTo(29);
        // 12 × $3/M + 29 × $15/M
        assertThat(cost(usage._additionalProperties().get("cost"))).isEqualByComparingTo("0.000471");
        assertThat(backup.requestCount()).isZero();
    }

    @Test
    void sendsAnAnthropicRequestWithItsHeadersAndNeverTheClientKey() {
        claude.enqueue(anthropic(fixture(200, "anthropic/messages_nonstream.json")));

        client.chat().completions().create(params().temperature(1.5).maxCompletionTokens(300).user("end-user-9").build());

        FakeUpstream.Received received = claude.last();
        assertThat(received.path()).isEqualTo("/v1/messages");
        assertThat(received.header("x-api-key")).isEqualTo(KEY);
        assertThat(received.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(received.header("authorization")).isNull();
        assertThat(received.headers().values()).noneMatch(v -> v.contains("sk-client-key-never-forwarded"));
        JsonNode body = received.json();
        assertThat(body.get("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(body.get("system").asText()).isEqualTo("You are terse.");
        assertThat(body.get("messages")).isEqualTo(Json.parse("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello!\"}]}]"));
        assertThat(body.get("max_tokens").asLong()).isEqualTo(300);
        assertThat(body.get("temperature").asDouble()).isEqualTo(1.0);
        assertThat(body.at("/metadata/user_id").asText()).isEqualTo("end-user-9");
        assertThat(body.get("stream").asBoolean()).isFalse();
        assertThat(body.has("provider")).isFalse();
    }

    @Test
    void withoutMaxTokensTheEndpointsOutputLimitIsSent() {
        claude.enqueue(anthropic(fixture(200, "anthropic/messages_nonstream.json")));

        client.chat().completions().create(params().build());

        assertThat(claude.last().json().get("max_tokens").asLong()).isEqualTo(8192);
    }

    @Test
    void streamsTextThenAUsageChunkWithCost() {
        claude.enqueue(anthropic(sseEvents(new String(framed("recorded/vercel-ai/anthropic/anthropic-text.chunks.txt")), 1)));

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params().build())) {
            stream.stream().forEach(chunks::add);
        }

        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("Hello! I'm doing well, thank you for asking. How are you doing today?"
                + " Is there anything I can help you with?");
        assertThat(chunks).allSatisfy(c -> assertThat(c.model()).isEqualTo("test/claude"));
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        var usage = last.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(12);
        assertThat(usage.completionTokens()).isEqualTo(30);
        assertThat(cost(usage._additionalProperties().get("cost"))).isEqualByComparingTo("0.000486"); // 12×3 + 30×15 per M
        JsonNode sent = claude.last().json();
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.has("stream_options")).isFalse();
        assertThat(claude.last().header("accept")).isEqualTo("text/event-stream");
    }

    @Test
    void rawStreamEndsWithOneUsageChunkThenDone() {
        claude.enqueue(anthropic(sseEvents(Fixtures.text("anthropic/docs_stream_basic.sse"), 1)));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/claude\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                        + "\"provider\":{\"order\":[\"claude\",\"backup\"]}}");

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(events.getLast()).isEqualTo("data: [DONE]");
        assertThat(events.stream().filter(e -> e.contains("\"usage\":{")).count()).isEqualTo(1);
        JsonNode usage = Json.parse(events.get(events.size() - 2).substring("data: ".length())).get("usage");
        assertThat(usage.get("prompt_tokens").asLong()).isEqualTo(25);
        assertThat(usage.get("completion_tokens").asLong()).isEqualTo(15);
        assertThat(response.body()).doesNotContain("event:", "message_start", "ping");
    }

    @Test
    void returnsToolCallsAndTakesTheToolResultTurnBack() {
        claude.enqueue(anthropic(fixture(200, "anthropic/messages_tool_use.json")),
                anthropic(fixture(200, "anthropic/messages_nonstream.json")));
        ChatCompletionCreateParams.Builder ask = params().addTool(weatherTool());

        ChatCompletion first = client.chat().completions().create(ask.build());

        var message = first.choices().getFirst().message();
        assertThat(first.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(message.content()).contains("I'll check the current weather in San Francisco for you.");
        ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.id()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(Json.parse(call.function().arguments()))
                .isEqualTo(Json.parse("{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"));
        JsonNode firstSent = claude.last().json();
        assertThat(firstSent.at("/tools/0/name").asText()).isEqualTo("get_weather");
        assertThat(firstSent.at("/tools/0/input_schema/required/0").asText()).isEqualTo("location");

        ChatCompletion second = client.chat().completions().create(ask
                .addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("15 degrees").build())
                .build());

        assertThat(second.choices().getFirst().message().content()).isPresent();
        JsonNode turns = claude.last().json().get("messages");
        assertThat(turns).hasSize(3);
        assertThat(turns.get(1)).isEqualTo(Json.parse("""
                {"role":"assistant","content":[
                  {"type":"text","text":"I'll check the current weather in San Francisco for you."},
                  {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather",
                   "input":{"location":"San Francisco, CA","unit":"celsius"}}]}"""));
        assertThat(turns.get(2)).isEqualTo(Json.parse("""
                {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A09q90qw90lq917835lq9","content":"15 degrees"}]}"""));
    }

    @Test
    void streamsToolCallsThatAccumulateToTheFullArguments() {
        claude.enqueue(anthropic(sseEvents(Fixtures.text("anthropic/messages_stream.sse"), 1)));

        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(params().addTool(weatherTool()).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        var choice = accumulator.chatCompletion().choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).contains("Okay, let's check the weather for San Francisco, CA:");
        var function = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(function.id()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        assertThat(function.function().name()).isEqualTo("get_weather");
        assertThat(Json.parse(function.function().arguments()))
                .isEqualTo(Json.parse("{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}"));
    }

    @Test
    void pricesCacheReadsAndWritesAtTheirOwnRates() {
        String cached = Fixtures.text("anthropic/messages_nonstream.json").replace("\"input_tokens\": 12", "\"input_tokens\": 1000")
                .replace("\"cache_creation_input_tokens\": 0", "\"cache_creation_input_tokens\": 2000")
                .replace("\"cache_read_input_tokens\": 0", "\"cache_read_input_tokens\": 50000")
                .replace("\"output_tokens\": 29", "\"output_tokens\": 500");
        claude.enqueue(anthropic(json(200, cached)));

        ChatCompletion completion = client.chat().completions().create(params().build());

        var usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(53_000);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).contains(50_000L);
        assertThat(usage.completionTokens()).isEqualTo(500);
        // 1,000 × 3 + 50,000 × 0.30 + 2,000 × 3.75 + 500 × 15 = 33,000 per million
        assertThat(cost(usage._additionalProperties().get("cost"))).isEqualByComparingTo("0.033");
    }

    @Test
    void pricesCacheTokensOfAStream() {
        String stream = Fixtures.text("anthropic/messages_stream.sse")
                .replace("\"input_tokens\":472,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0",
                        "\"input_tokens\":1000,\"cache_creation_input_tokens\":2000,\"cache_read_input_tokens\":50000")
                .replace("\"output_tokens\":89", "\"output_tokens\":500");
        claude.enqueue(anthropic(sseEvents(stream, 1)));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/claude\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                        + "\"provider\":{\"order\":[\"claude\",\"backup\"]}}");

        List<String> events = List.of(response.body().split("\n\n"));
        JsonNode usage = Json.parse(events.get(events.size() - 2).substring("data: ".length())).get("usage");
        assertThat(usage.get("prompt_tokens").asLong()).isEqualTo(53_000);
        assertThat(usage.at("/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(50_000);
        assertThat(usage.at("/prompt_tokens_details/cache_write_tokens").asLong()).isEqualTo(2_000);
        assertThat(usage.get("cost").decimalValue()).isEqualByComparingTo("0.033");
    }

    @Test
    void fallsBackToTheNextEndpointWhenAnthropicIsOverloaded() {
        claude.enqueue(anthropic(json(529, Fixtures.text("anthropic/error_overloaded.json"))));
        backup.enqueue(fixture(200, "openai/chat_nonstream.json"));

        ChatCompletion completion = client.chat().completions().create(params().build());

        assertThat(completion._additionalProperties().get("provider")).isEqualTo(JsonValue.from("Backup"));
        assertThat(claude.last().path()).isEqualTo("/v1/messages");
        assertThat(backup.last().json().get("model").asText()).isEqualTo("upstream-backup");
    }

    @Test
    void fallsBackInvisiblyWhenTheStreamReportsOverloadedBeforeAnyContent() {
        claude.enqueue(anthropic(sseEvents(Fixtures.text("anthropic/error_overloaded_stream.sse"), 1)));
        backup.enqueue(sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 1));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/claude\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                        + "\"provider\":{\"order\":[\"claude\",\"backup\"]}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("\"error\"", "Overloaded").contains("\"provider\":\"Backup\"")
                .endsWith("data: [DONE]\n\n");
    }

    @Test
    void passesAnthropicsBadRequestThroughWithoutTryingOthers() {
        claude.enqueue(anthropic(json(400, Fixtures.text("anthropic/error_400_invalid_beta.json"))));

        assertThatThrownBy(() -> client.chat().completions().create(params().build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.getMessage()).contains("Unexpected value(s) `invalid-beta-name`");
                    assertThat(e.type()).contains("invalid_request_error");
                });
        assertThat(backup.requestCount()).isZero();
    }

    @Test
    void refusesToolArgumentsThatAreNotJsonWithoutCallingAnyone() {
        int before = claude.requestCount();
        ChatCompletionMessageToolCall bad = ChatCompletionMessageToolCall.ofFunction(ChatCompletionMessageFunctionToolCall.builder()
                .id("call_1").function(ChatCompletionMessageFunctionToolCall.Function.builder().name("get_weather")
                        .arguments("{not json").build()).build());

        assertThatThrownBy(() -> client.chat().completions().create(params()
                .addMessage(ChatCompletionAssistantMessageParam.builder().toolCalls(List.of(bad)).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_1").content("x").build())
                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.getMessage()).contains("messages[2].tool_calls[0].function.arguments");
                    assertThat(e.param()).contains("messages[2].tool_calls[0].function.arguments");
                });
        assertThat(claude.requestCount()).isEqualTo(before);
        assertThat(backup.requestCount()).isZero();
    }

    private static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Get the current weather in a given location")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("location")))
                        .build())
                .build()).build();
    }

    /** The recorder's one-payload-a-line file framed as Anthropic's SSE. */
    private static byte[] framed(String fixture) {
        StringBuilder sse = new StringBuilder();
        Fixtures.text(fixture).lines().filter(l -> !l.isBlank()).forEach(line -> sse.append("event: ")
                .append(Json.parse(line).get("type").asText()).append("\ndata: ").append(line).append("\n\n"));
        return sse.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static BigDecimal cost(JsonValue value) {
        return new BigDecimal(value.convert(Object.class).toString());
    }
}
