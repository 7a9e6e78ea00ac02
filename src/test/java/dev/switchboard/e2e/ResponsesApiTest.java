package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextConfig;
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
import java.util.stream.Collectors;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official OpenAI SDK's Responses client → Switchboard's {@code /v1/responses} → an
 * OpenAI-protocol upstream without the Responses API (translated to chat), one with it (passed
 * through), and Anthropic and Gemini upstreams; stored responses and {@code previous_response_id}.
 */
class ResponsesApiTest {
    static FakeUpstream chat;
    static FakeUpstream responses;
    static FakeUpstream claude;
    static FakeUpstream gemini;
    static TestGateway gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        chat = FakeUpstream.start();
        responses = FakeUpstream.start();
        claude = FakeUpstream.start();
        gemini = FakeUpstream.start();
        gateway = TestGateway.start("providers:\n"
                + Upstreams.provider("chat", chat)
                + Upstreams.provider("native", responses, "responses_api: true")
                + """
                  - id: claude
                    name: Claude
                    protocol: anthropic
                    base_url: http://127.0.0.1:%d
                    api_key: sk-ant-test
                  - id: gemini
                    name: Gemini
                    protocol: gemini
                    base_url: http://127.0.0.1:%d
                    api_key: gemini-test
                """.formatted(claude.port(), gemini.port())
                + "models:\n"
                + Upstreams.model("test/chat", "chat")
                + Upstreams.model("test/native", "native")
                + Upstreams.model("test/claude", "claude")
                + Upstreams.model("test/gemini", "gemini")
                + Upstreams.model("test/both", "chat", "native"));
        client = gateway.openAi();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        chat.close();
        responses.close();
        claude.close();
        gemini.close();
    }

    private static String text(Response response) {
        return response.output().stream().filter(ResponseOutputItem::isMessage)
                .flatMap(item -> item.asMessage().content().stream())
                .filter(content -> content.isOutputText())
                .map(content -> content.asOutputText().text())
                .collect(Collectors.joining());
    }

    @Test
    void answersFromAChatUpstreamAsAStoredResponseWithCost() {
        chat.enqueue(fixture(200, "openai/chat_nonstream.json"));

        Response response = client.responses().create(ResponseCreateParams.builder().model("test/chat")
                .instructions("Be brief.").input("Hello").build());

        assertThat(response.id()).startsWith("resp_");
        assertThat(text(response)).isEqualTo("Hello! How can I assist you today?");
        assertThat(response.usage()).isPresent();
        assertThat(response.usage().get()._additionalProperties()).containsKey("cost");
        JsonNode sent = chat.last().json();
        assertThat(chat.last().path()).endsWith("/chat/completions");
        assertThat(sent.path("model").asText()).isEqualTo("upstream-chat");
        assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("Be brief.");
        assertThat(sent.path("messages").get(1).path("role").asText()).isEqualTo("user");

        Response again = client.responses().retrieve(response.id());
        assertThat(again.id()).isEqualTo(response.id());
        assertThat(text(again)).isEqualTo(text(response));
        assertThat(client.responses().inputItems().list(response.id()).data()).hasSize(1);

        client.responses().delete(response.id());
        assertThatThrownBy(() -> client.responses().retrieve(response.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void streamsTypedEventsFromAChatUpstream() {
        chat.enqueue(sse(Fixtures.text("openai/chat_stream_text.sse")));

        List<String> types = new ArrayList<>();
        StringBuilder deltas = new StringBuilder();
        Response completed = null;
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("test/chat").input("Hello").build())) {
            for (ResponseStreamEvent event : (Iterable<ResponseStreamEvent>) stream.stream()::iterator) {
                types.add(event._json().map(j -> j.toString()).orElse("?"));
                if (event.isOutputTextDelta()) {
                    deltas.append(event.asOutputTextDelta().delta());
                }
                if (event.isCompleted()) {
                    completed = event.asCompleted().response();
                }
            }
        }
        assertThat(deltas.toString()).isEqualTo("Hello! How can I help you today?");
        assertThat(completed).isNotNull();
        assertThat(completed.usage()).isPresent();
        assertThat(completed.usage().get()._additionalProperties()).containsKey("cost");
        assertThat(text(client.responses().retrieve(completed.id()))).isEqualTo(deltas.toString());
    }

    @Test
    void runsAFunctionToolRoundTripWithPreviousResponseId() {
        chat.enqueue(fixture(200, "openai/chat_tool_call.json"), fixture(200, "openai/chat_nonstream.json"));
        FunctionTool weather = FunctionTool.builder().name("get_weather").strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .build())
                .build();

        Response first = client.responses().create(ResponseCreateParams.builder().model("test/chat")
                .input("Weather in SF?").addTool(weather).build());
        ResponseFunctionToolCall call = first.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).findFirst().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"location\":\"San Francisco, CA\"}");
        assertThat(chat.last().json().path("tools").get(0).path("function").path("name").asText()).isEqualTo("get_weather");

        Response second = client.responses().create(ResponseCreateParams.builder().model("test/chat")
                .previousResponseId(first.id()).addTool(weather)
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput
                        .builder().callId(call.callId()).output("18°C and sunny").build())))
                .build());

        assertThat(text(second)).isEqualTo("Hello! How can I assist you today?");
        JsonNode messages = chat.last().json().path("messages");
        List<String> roles = new ArrayList<>();
        messages.forEach(m -> roles.add(m.path("role").asText()));
        assertThat(roles).containsExactly("user", "assistant", "tool");
        assertThat(messages.get(1).path("tool_calls").get(0).path("id").asText()).isEqualTo(call.callId());
        assertThat(messages.get(2).path("tool_call_id").asText()).isEqualTo(call.callId());
        assertThat(messages.get(2).path("content").asText()).isEqualTo("18°C and sunny");
    }

    @Test
    void sendsStructuredOutputAsResponseFormat() {
        chat.enqueue(fixture(200, "openai/chat_nonstream.json"));
        client.responses().create(ResponseCreateParams.builder().model("test/chat").input("A city")
                .text(ResponseTextConfig.builder().format(ResponseFormatTextJsonSchemaConfig.builder().name("city")
                        .strict(true)
                        .schema(ResponseFormatTextJsonSchemaConfig.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("name", Map.of("type", "string"))))
                                .build())
                        .build()).build())
                .build());

        JsonNode format = chat.last().json().path("response_format");
        assertThat(format.path("type").asText()).isEqualTo("json_schema");
        assertThat(format.path("json_schema").path("name").asText()).isEqualTo("city");
        assertThat(format.path("json_schema").path("schema").path("properties").has("name")).isTrue();
    }

    @Test
    void passesTheRequestThroughToAResponsesUpstreamAndBackWithOurIdAndCost() {
        responses.enqueue(fixture(200, "recorded/openai-responses/issue-20047-openai-responses.json"));

        Response first = client.responses().create(ResponseCreateParams.builder().model("test/native").input("Say OK")
                .build());

        assertThat(responses.last().path()).endsWith("/responses");
        JsonNode sent = responses.last().json();
        assertThat(sent.path("model").asText()).isEqualTo("upstream-native");
        assertThat(sent.has("previous_response_id")).isFalse();
        assertThat(first.id()).startsWith("resp_").isNotEqualTo("resp_sanitized_normal");
        assertThat(text(first)).isEqualTo("OK");
        assertThat(first.usage().get()._additionalProperties()).containsKey("cost");

        // the conversation continues on the upstream that keeps nothing: Switchboard sends what came before
        responses.enqueue(fixture(200, "recorded/openai-responses/issue-20047-openai-responses.json"));
        client.responses().create(ResponseCreateParams.builder().model("test/native").input("Again")
                .previousResponseId(first.id()).build());
        JsonNode input = responses.last().json().path("input");
        assertThat(input.size()).isEqualTo(3);
        assertThat(input.get(1).path("type").asText()).isEqualTo("message");
        assertThat(input.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(responses.last().json().path("store").asBoolean(true)).isFalse();
    }

    @Test
    void streamsAResponsesUpstreamsOwnEvents() {
        StringBuilder wire = new StringBuilder();
        for (String line : Fixtures.text("recorded/openai-responses/issue-20047-openai-responses.chunks.txt").split("\n")) {
            if (!line.isBlank()) {
                wire.append("event: ").append(Json.parse(line).path("type").asText()).append("\ndata: ").append(line)
                        .append("\n\n");
            }
        }
        responses.enqueue(sse(wire.toString()));

        StringBuilder deltas = new StringBuilder();
        Response completed = null;
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("test/native").input("Say OK").build())) {
            for (ResponseStreamEvent event : (Iterable<ResponseStreamEvent>) stream.stream()::iterator) {
                if (event.isOutputTextDelta()) {
                    deltas.append(event.asOutputTextDelta().delta());
                }
                if (event.isCompleted()) {
                    completed = event.asCompleted().response();
                }
            }
        }
        assertThat(deltas.toString()).isEqualTo("OK");
        assertThat(completed).isNotNull();
        assertThat(completed.id()).startsWith("resp_").isNotEqualTo("resp_sanitized_streaming");
        assertThat(completed.usage().get()._additionalProperties()).containsKey("cost");
    }

    @Test
    void openRoutersMembersAreActedOnAndNeverSentRawToAResponsesUpstream() {
        responses.enqueue(fixture(200, "recorded/openai-responses/issue-20047-openai-responses.json"));

        client.responses().create(ResponseCreateParams.builder().model("test/native").input("Say OK")
                .putAdditionalBodyProperty("usage", JsonValue.from(Map.of("include", true)))
                .putAdditionalBodyProperty("transforms", JsonValue.from(List.of()))
                .putAdditionalBodyProperty("route", JsonValue.from("fallback"))
                .build());

        JsonNode sent = responses.last().json();
        assertThat(sent.has("usage")).isFalse();
        assertThat(sent.has("transforms")).isFalse();
        assertThat(sent.has("route")).isFalse();

        int before = responses.requestCount();
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model("test/native").input("x")
                .putAdditionalBodyProperty("session_id", JsonValue.from("s-1")).build()))
                .isInstanceOf(com.openai.errors.BadRequestException.class).hasMessageContaining("session_id:");
        assertThat(responses.requestCount()).isEqualTo(before);
    }

    @Test
    void aMaxOutputTokensOverTheEndpointsLimitIsCutOnBothPaths() {
        responses.enqueue(fixture(200, "recorded/openai-responses/issue-20047-openai-responses.json"));
        HttpResponse<String> passed = post("""
                {"model":"test/native","input":"Hi","max_output_tokens":100000}""");
        assertThat(passed.statusCode()).isEqualTo(200);
        assertThat(passed.headers().firstValue("x-switchboard-max-tokens-clamped")).hasValue("100000->4096");
        assertThat(responses.last().json().path("max_output_tokens").asLong()).isEqualTo(4096);

        chat.enqueue(fixture(200, "openai/chat_nonstream.json"));
        HttpResponse<String> translated = post("""
                {"model":"test/chat","input":"Hi","max_output_tokens":100000}""");
        assertThat(translated.statusCode()).isEqualTo(200);
        assertThat(chat.last().json().path("max_completion_tokens").asLong()).isEqualTo(4096);
    }

    @Test
    void fallsBackFromAFailingChatEndpointToAResponsesOneLikeAnyRequest() {
        chat.enqueue(FakeUpstream.json(500, "{\"error\":{\"message\":\"chat endpoint down\"}}"));
        responses.enqueue(fixture(200, "recorded/openai-responses/issue-20047-openai-responses.json"));

        HttpResponse<String> answer = post("""
                {"model":"test/both","input":"Say OK","provider":{"order":["chat","native"]}}""");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode response = Json.parse(answer.body());
        assertThat(response.path("provider").asText()).isEqualTo("Native");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("OK");
        assertThat(answer.headers().firstValue("x-switchboard-overhead-us")).isPresent();
        assertThat(responses.last().json().has("provider")).as("routing members stay here").isFalse();
        String generation = answer.headers().firstValue("x-generation-id").orElseThrow();
        assertThat(Json.parse(gateway.get("/v1/generation?id=" + generation).body()).at("/data/attempts").asInt())
                .isEqualTo(2);
    }

    @Test
    void answersFromAnthropicAndGeminiUpstreams() {
        claude.enqueue(fixture(200, "anthropic/messages_nonstream.json"));
        Response fromClaude = client.responses().create(ResponseCreateParams.builder().model("test/claude")
                .input("Hello").build());
        assertThat(text(fromClaude)).isNotBlank();
        assertThat(claude.last().path()).isEqualTo("/v1/messages");

        gemini.enqueue(fixture(200, "gemini/generate.json"));
        Response fromGemini = client.responses().create(ResponseCreateParams.builder().model("test/gemini")
                .input("Hello").build());
        assertThat(text(fromGemini)).isNotBlank();
    }

    @Test
    void aHostedToolIsDroppedWhereOfferedAndRefusedWhereRequired() throws Exception {
        chat.enqueue(fixture(200, "openai/chat_nonstream.json"));
        String offered = """
                {"model":"test/chat","input":"Hello","tools":[{"type":"web_search"}]}""";
        HttpResponse<String> served = post(offered);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("x-switchboard-dropped-tools")).hasValue("web_search");
        assertThat(chat.last().json().has("tools")).isFalse();
        String generation = served.headers().firstValue("x-generation-id").orElseThrow();
        JsonNode record = Json.parse(gateway.get("/v1/generation?id=" + generation).body()).path("data");
        assertThat(record.path("dropped_tools").asText()).isEqualTo("web_search");

        int before = chat.requestCount();
        HttpResponse<String> refused = post("""
                {"model":"test/chat","input":"Hello","tools":[{"type":"web_search"}],"tool_choice":{"type":"web_search"}}""");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("web_search");
        assertThat(chat.requestCount()).isEqualTo(before);
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model("test/chat")
                .input("Hello").previousResponseId("resp_nope").build())).isInstanceOf(BadRequestException.class);
    }

    private static HttpResponse<String> post(String body) {
        return gateway.post("/v1/responses", body);
    }
}
