package dev.switchboard.e2e;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageParam;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.sseEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Anthropic Messages API in front of any model: the official Anthropic Java SDK talks to
 * Switchboard, which routes to the demo provider or to an OpenAI-protocol upstream, and gets
 * Anthropic's shapes back — messages, the event stream, tool use, tool results, errors.
 */
class AnthropicMessagesTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private TestGateway gateway(String yaml) {
        TestGateway gateway = TestGateway.start(yaml);
        open.add(gateway);
        return gateway;
    }

    private static AnthropicClient client(TestGateway gateway, String key) {
        return AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + gateway.port())
                .apiKey(key)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private FakeUpstream upstream() {
        FakeUpstream upstream = FakeUpstream.start();
        open.add(upstream);
        return upstream;
    }

    private static String openAiModel(FakeUpstream upstream) {
        return "providers:\n" + Upstreams.provider("acme", upstream) + "models:\n" + Upstreams.model("test/tools", "acme");
    }

    @Test
    void aMessageFromTheDemoModelWithUsageAndCost() {
        TestGateway gateway = gateway("providers:\n  - { id: demo, tokens_per_second: 1000 }\n");
        Message message = client(gateway, "any-key").messages().create(MessageCreateParams.builder()
                .model("switchboard/echo")
                .maxTokens(100)
                .system("You are terse.")
                .addUserMessage("Hello from the Anthropic SDK")
                .build());

        assertThat(message.content()).hasSize(1);
        assertThat(message.content().getFirst().asText().text()).isEqualTo("Hello from the Anthropic SDK");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isPositive();
        assertThat(message.usage().inputTokens()).isPositive();
        assertThat(message.id()).startsWith("gen-");
        assertThat(message._additionalProperties().get("provider")).isNotNull();
    }

    @Test
    void aStreamIsAnthropicsEventSequence() {
        TestGateway gateway = gateway("providers:\n  - { id: demo, tokens_per_second: 1000 }\n");
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client(gateway, "any-key").messages()
                .createStreaming(MessageCreateParams.builder()
                        .model("switchboard/echo")
                        .maxTokens(100)
                        .addUserMessage("one two three four")
                        .build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();
        assertThat(message.content().getFirst().asText().text()).isEqualTo("one two three four");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isEqualTo(4);
        assertThat(message.usage().inputTokens()).isPositive();
    }

    @Test
    void theWireEventsAreInAnthropicsOrder() {
        TestGateway gateway = gateway("providers:\n  - { id: demo, tokens_per_second: 1000 }\n");
        HttpResponse<String> response = gateway.post("/v1/messages", """
                {"model": "switchboard/echo", "max_tokens": 50, "stream": true,
                 "messages": [{"role": "user", "content": "alpha beta"}]}""");
        List<String> events = response.body().lines().filter(l -> l.startsWith("event: ")).map(l -> l.substring(7))
                .filter(e -> !e.equals("ping")).toList();
        assertThat(events).containsExactly("message_start", "content_block_start", "content_block_delta",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(response.headers().firstValue("content-type")).contains("text/event-stream");
    }

    @Test
    void toolUseFromAnOpenAiUpstreamAndTheToolResultTurn() {
        FakeUpstream upstream = upstream();
        upstream.enqueue(fixture(200, "openai/chat_tool_call.json"), fixture(200, "openai/chat_nonstream.json"));
        TestGateway gateway = gateway(openAiModel(upstream));
        AnthropicClient client = client(gateway, "any-key");
        Tool weather = Tool.builder()
                .name("get_weather")
                .description("Get the current weather in a given location")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .addRequired("location")
                        .build())
                .build();
        MessageCreateParams first = MessageCreateParams.builder()
                .model("test/tools")
                .maxTokens(200)
                .addTool(weather)
                .toolChoice(com.anthropic.models.messages.ToolChoiceAny.builder().build())
                .addUserMessage("What is the weather like in San Francisco?")
                .build();

        Message call = client.messages().create(first);

        assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock toolUse = call.content().stream().filter(ContentBlock::isToolUse).findFirst()
                .orElseThrow().asToolUse();
        assertThat(toolUse.id()).isEqualTo("call_2Uzw0AEZQeOex2CP2TKjcLKc");
        assertThat(toolUse.name()).isEqualTo("get_weather");
        assertThat(toolUse._input().convert(Map.class)).isEqualTo(Map.of("location", "San Francisco, CA"));
        JsonNode sent = upstream.last().json();
        assertThat(sent.path("tools").get(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(sent.path("tools").get(0).path("function").path("parameters").path("required").get(0).asText())
                .isEqualTo("location");
        assertThat(sent.path("tool_choice").asText()).isEqualTo("required");
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(200);

        client.messages().create(first.toBuilder()
                .addMessage(call.toParam())
                .addMessage(MessageParam.ofUserOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder()
                                .toolUseId(toolUse.id())
                                .content("18°C and sunny")
                                .build()))))
                .build());

        JsonNode turn = upstream.last().json().path("messages");
        JsonNode assistant = turn.get(1);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.path("tool_calls").get(0).path("id").asText()).isEqualTo(toolUse.id());
        assertThat(Json.parse(assistant.path("tool_calls").get(0).path("function").path("arguments").asText()))
                .isEqualTo(Json.parse("{\"location\":\"San Francisco, CA\"}"));
        JsonNode tool = turn.get(2);
        assertThat(tool.path("role").asText()).isEqualTo("tool");
        assertThat(tool.path("tool_call_id").asText()).isEqualTo(toolUse.id());
        assertThat(tool.path("content").asText()).isEqualTo("18°C and sunny");
    }

    @Test
    void aStreamedToolCallArrivesAsInputJsonDeltas() {
        FakeUpstream upstream = upstream();
        upstream.enqueue(sseEvents(Fixtures.text("recorded/third-party/openai_chat_tool_call_stream.gpt-4o.sse"), 1));
        TestGateway gateway = gateway(openAiModel(upstream));
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client(gateway, "any-key").messages()
                .createStreaming(MessageCreateParams.builder()
                        .model("test/tools")
                        .maxTokens(200)
                        .addUserMessage("What is the weather like in San Francisco?")
                        .build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock toolUse = message.content().stream().filter(ContentBlock::isToolUse).findFirst()
                .orElseThrow().asToolUse();
        assertThat(toolUse.name()).isEqualTo("get_weather");
        assertThat(toolUse._input().convert(Map.class)).isEqualTo(Map.of("location", "San Francisco, CA"));
        assertThat(upstream.last().json().path("stream").asBoolean()).isTrue();
    }

    /**
     * To an Anthropic upstream the client's own Messages body goes out, only {@code model} rewritten:
     * cache_control, thinking and documents are not lost in a translation there and back.
     */
    @Test
    void anAnthropicUpstreamGetsTheClientsOwnBody() {
        FakeUpstream claude = upstream();
        claude.enqueue(fixture(200, "anthropic/messages_nonstream.json"));
        TestGateway gateway = gateway("""
                providers:
                  - id: claude
                    name: Claude
                    protocol: anthropic
                    base_url: %s
                    api_key: sk-ant-test
                    data_policy: { training: false, retention_days: 0 }
                models:
                  - id: test/claude
                    name: "Test: Claude"
                    context_length: 200000
                    max_output_tokens: 8192
                    pricing: { prompt: 3, completion: 15, input_cache_read: 0.30, input_cache_write: 3.75 }
                    endpoints: [ { provider: claude, upstream_model: claude-sonnet-4-5-20250929 } ]
                """.formatted("http://127.0.0.1:" + claude.port()));
        String body = """
                {"model": "test/claude", "max_tokens": 2048,
                 "system": [{"type": "text", "text": "Long cached instructions", "cache_control": {"type": "ephemeral"}}],
                 "thinking": {"type": "enabled", "budget_tokens": 1024},
                 "provider": {"sort": "price"},
                 "messages": [{"role": "user", "content": [
                   {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "Some notes"},
                    "citations": {"enabled": true}},
                   {"type": "text", "text": "Summarise", "cache_control": {"type": "ephemeral"}}]}]}""";

        HttpResponse<String> response = gateway.send(java.net.http.HttpRequest.newBuilder(gateway.uri("/v1/messages"))
                .header("content-type", "application/json")
                .header("anthropic-beta", "context-1m-2025-08-07")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(claude.last().header("anthropic-beta")).isEqualTo("context-1m-2025-08-07");
        JsonNode sent = claude.last().json();
        JsonNode expected = Json.parse(body);
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("model", "claude-sonnet-4-5-20250929");
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected).remove("provider");
        assertThat(sent).isEqualTo(expected);
        assertThat(claude.last().header("x-api-key")).isEqualTo("sk-ant-test");
        JsonNode message = Json.parse(response.body());
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("model").asText()).isEqualTo("test/claude");
    }

    private TestGateway claudeGateway(FakeUpstream claude) {
        return gateway("""
                providers:
                  - id: claude
                    name: Claude
                    protocol: anthropic
                    base_url: http://127.0.0.1:%d
                    api_key: sk-ant-test
                    data_policy: { training: false, retention_days: 0 }
                models:
                  - id: test/claude
                    name: "Test: Claude"
                    context_length: 200000
                    max_output_tokens: 8192
                    pricing: { prompt: 3, completion: 15 }
                    endpoints: [ { provider: claude, upstream_model: claude-opus-4-7 } ]
                """.formatted(claude.port()));
    }

    /** Thinking blocks and their signatures come back to an Anthropic client, streamed and not. */
    @Test
    void thinkingFromAnAnthropicUpstreamReachesTheClientWithItsSignature() {
        FakeUpstream claude = upstream();
        claude.enqueue(sseEvents(Fixtures.text("anthropic/docs_stream_thinking.sse"), 1),
                FakeUpstream.json(200, """
                        {"id":"msg_t","type":"message","role":"assistant","model":"claude-opus-4-7","content":[
                          {"type":"thinking","thinking":"Let me think","signature":"EqQBCgIYAh"},
                          {"type":"redacted_thinking","data":"EmwKAhgB"},
                          {"type":"text","text":"21"}],
                         "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":30}}"""));
        TestGateway gateway = claudeGateway(claude);
        AnthropicClient client = client(gateway, "any-key");
        MessageCreateParams params = MessageCreateParams.builder()
                .model("test/claude")
                .maxTokens(2048)
                .enabledThinking(1024)
                .addUserMessage("What is the GCD of 1071 and 462?")
                .build();

        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message streamed = accumulator.message();
        assertThat(streamed.content()).hasSize(2);
        assertThat(streamed.content().get(0).isThinking()).isTrue();
        assertThat(streamed.content().get(0).asThinking().thinking()).contains("Euclidean");
        assertThat(streamed.content().get(0).asThinking().signature()).startsWith("EqQBCgIYAhIM");
        assertThat(streamed.content().get(1).asText().text()).contains("**21**");

        Message whole = client.messages().create(params);
        assertThat(whole.content()).hasSize(3);
        assertThat(whole.content().get(0).asThinking().signature()).isEqualTo("EqQBCgIYAh");
        assertThat(whole.content().get(1).asRedactedThinking().data()).isEqualTo("EmwKAhgB");
        assertThat(whole.content().get(2).asText().text()).isEqualTo("21");
        assertThat(claude.last().json().path("thinking").path("budget_tokens").asInt()).isEqualTo(1024);
    }

    /** An Anthropic upstream's answer reaches an Anthropic client whole: citations included, only identity and cost added. */
    @Test
    void anAnthropicUpstreamsAnswerComesBackWhole() {
        FakeUpstream claude = upstream();
        String cited = """
                {"id":"msg_c","type":"message","role":"assistant","model":"claude-opus-4-7","content":[
                  {"type":"text","text":"The grass is green.","citations":[{"type":"char_location","cited_text":"The grass is green.",
                   "document_index":0,"document_title":"Notes","start_char_index":0,"end_char_index":19}]}],
                 "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":40,"output_tokens":8}}""";
        claude.enqueue(FakeUpstream.json(200, cited));
        TestGateway gateway = claudeGateway(claude);

        HttpResponse<String> response = gateway.post("/v1/messages", """
                {"model":"test/claude","max_tokens":100,"messages":[{"role":"user","content":"What colour is the grass?"}]}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode message = Json.parse(response.body());
        assertThat(message.path("content")).isEqualTo(Json.parse(cited).path("content"));
        assertThat(message.path("id").asText()).isEqualTo(response.headers().firstValue("x-generation-id").orElseThrow());
        assertThat(message.path("model").asText()).isEqualTo("test/claude");
        assertThat(message.path("usage").path("input_tokens").asLong()).isEqualTo(40);
        // 40 × $3/M + 8 × $15/M
        assertThat(message.path("usage").path("cost").decimalValue()).isEqualByComparingTo("0.00024");
    }

    @Test
    void anAnthropicUpstreamsStreamComesBackEventForEvent() {
        FakeUpstream claude = upstream();
        String upstreamStream = Fixtures.text("anthropic/docs_stream_basic.sse");
        claude.enqueue(sseEvents(upstreamStream, 1));
        TestGateway gateway = claudeGateway(claude);

        HttpResponse<String> response = gateway.post("/v1/messages", """
                {"model":"test/claude","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hello"}]}""");

        List<JsonNode> sent = dataOf(upstreamStream);
        List<JsonNode> received = dataOf(response.body());
        assertThat(received).hasSameSizeAs(sent);
        for (int i = 0; i < sent.size(); i++) {
            JsonNode expected = sent.get(i).deepCopy();
            JsonNode actual = received.get(i);
            switch (expected.path("type").asText()) {
                case "message_start" -> {
                    assertThat(actual.at("/message/model").asText()).isEqualTo("test/claude");
                    assertThat(actual.at("/message/id").asText()).startsWith("gen-");
                    var expectedMessage = (com.fasterxml.jackson.databind.node.ObjectNode) expected.get("message");
                    for (String field : List.of("id", "model", "provider")) {
                        expectedMessage.set(field, actual.at("/message/" + field));
                    }
                }
                case "message_delta" -> {
                    assertThat(actual.at("/usage/cost").isNumber()).as("cost added").isTrue();
                    ((com.fasterxml.jackson.databind.node.ObjectNode) expected.get("usage")).set("cost", actual.at("/usage/cost"));
                }
                default -> {
                }
            }
            assertThat(actual).as("event %d", i).isEqualTo(expected);
        }
    }

    /** The data of every SSE event but pings (keep-alives may differ). */
    private static List<JsonNode> dataOf(String sse) {
        return sse.lines().filter(l -> l.startsWith("data:")).map(l -> Json.parse(l.substring(5).trim()))
                .filter(d -> !d.path("type").asText().equals("ping")).toList();
    }

    @Test
    void countTokensUsesTheModelsTokenizer() {
        TestGateway gateway = gateway("providers:\n  - { id: demo, tokens_per_second: 1000 }\n");
        long tokens = client(gateway, "any-key").messages().countTokens(MessageCountTokensParams.builder()
                .model("switchboard/echo")
                .addUserMessage("Hello there, how are you?")
                .build()).inputTokens();
        assertThat(tokens).isBetween(6L, 20L);
    }

    @Test
    void errorsComeInAnthropicsShapeAndStatus() {
        TestGateway gateway = gateway("auth: { require_keys: true, admin_key: sk-admin-x }\n");

        assertThatThrownBy(() -> client(gateway, "sk-sb-v1-unknown").messages().create(MessageCreateParams.builder()
                .model("switchboard/echo").maxTokens(10).addUserMessage("Hi").build()))
                .isInstanceOfSatisfying(AnthropicServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(401));

        HttpResponse<String> adminOnInference = gateway.send(java.net.http.HttpRequest.newBuilder(gateway.uri("/v1/messages"))
                .header("x-api-key", "sk-admin-x")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(adminOnInference.statusCode()).as("the admin key cannot call models").isEqualTo(403);
        JsonNode error = Json.parse(adminOnInference.body());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo("permission_error");
    }

    @Test
    void badRequestsAndUnservableModels() {
        FakeUpstream upstream = upstream();
        upstream.always(fixture(503, "openai/error_401.json"));
        TestGateway gateway = gateway(openAiModel(upstream));

        HttpResponse<String> noMaxTokens = gateway.post("/api/v1/messages",
                "{\"model\":\"test/tools\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(noMaxTokens.statusCode()).isEqualTo(400);
        assertThat(Json.parse(noMaxTokens.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(Json.parse(noMaxTokens.body()).path("error").path("message").asText()).contains("max_tokens");

        HttpResponse<String> malformed = gateway.post("/v1/messages", "{\"model\":");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(Json.parse(malformed.body()).path("type").asText()).isEqualTo("error");

        HttpResponse<String> unknown = gateway.post("/v1/messages",
                "{\"model\":\"nobody/nothing\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.parse(unknown.body()).path("error").path("type").asText()).isEqualTo("not_found_error");

        // a max_tokens above the output limit is cut, not refused: the request reaches the (failing) upstream
        HttpResponse<String> largeOutput = gateway.post("/v1/messages",
                "{\"model\":\"test/tools\",\"max_tokens\":500000,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(largeOutput.statusCode()).isEqualTo(502);
        assertThat(upstream.last().json().get("max_tokens").asLong()).isEqualTo(4096);

        HttpResponse<String> tooLong = gateway.post("/v1/messages", "{\"model\":\"test/tools\",\"max_tokens\":5,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + "word ".repeat(110_000) + "\"}]}");
        assertThat(tooLong.statusCode()).as("no endpoint could ever serve it: not a 529 that clients retry")
                .isEqualTo(400);
        assertThat(Json.parse(tooLong.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(Json.parse(tooLong.body()).path("error").path("metadata").has("rejections")).isTrue();
    }
}
