package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.client.FakeHttpServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the client sends (body and headers) and how it reads the answers of each call. */
class ChatRequestsTest {
    FakeHttpServer server;
    SwitchboardClient client;

    @BeforeEach
    void start() throws IOException {
        server = new FakeHttpServer();
        client = SwitchboardClient.builder().baseUrl(server.baseUrl() + "/").apiKey("sk-sb-v1-test").maxRetries(0)
                .app("Demo App", "https://demo.example").build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void sendsEveryOptionUnderItsWireName() {
        server.enqueue(Reply.json(200, ClientRetriesTest.ANSWER));
        Tool weather = Tool.of("weather", "Weather in a city",
                Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city")));
        ChatOptions options = ChatOptions.builder().temperature(0.2).maxTokens(100).topP(0.9).tool(weather)
                .toolChoice("weather").responseFormat(Json.MAPPER.createObjectNode().put("type", "json_object"))
                .provider("sort", "price").provider("order", List.of("alpha", "beta"))
                .models(List.of("test/backup")).extra("seed", 7).extra("temperature", 0.5).build();
        List<Message> messages = List.of(Message.system("Be brief."), Message.user("Weather in Paris?"),
                new Message("assistant", null, List.of(new ToolCall("call_1", "weather", "{\"city\":\"Paris\"}")), null),
                Message.tool("call_1", "sunny"));

        client.chat("openai/gpt-4.1", messages, options);

        FakeHttpServer.Received request = server.received().getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.pathAndQuery()).isEqualTo("/api/v1/chat/completions");
        assertThat(request.header("authorization")).isEqualTo("Bearer sk-sb-v1-test");
        assertThat(request.header("x-title")).isEqualTo("Demo App");
        assertThat(request.header("http-referer")).isEqualTo("https://demo.example");
        assertThat(request.header("content-type")).isEqualTo("application/json");
        assertThat(request.json()).isEqualTo(Json.parseOrMissing("""
                {"model":"openai/gpt-4.1",
                 "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Paris?"},
                   {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                     "function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                   {"role":"tool","content":"sunny","tool_call_id":"call_1"}],
                 "temperature":0.5,"max_tokens":100,"top_p":0.9,
                 "tools":[{"type":"function","function":{"name":"weather","description":"Weather in a city",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
                 "tool_choice":{"type":"function","function":{"name":"weather"}},
                 "response_format":{"type":"json_object"},
                 "provider":{"sort":"price","order":["alpha","beta"]},
                 "models":["test/backup"],"seed":7}"""));
    }

    @Test
    void sendsOnlyModelAndMessagesWithoutOptionsAndAsksForUsageWhenStreaming() {
        server.enqueue(Reply.json(200, ClientRetriesTest.ANSWER), Reply.sse("data: [DONE]\n\n"));

        client.run("m", "hello");
        try (var chunks = client.stream("m", List.of(Message.user("hello")), ChatOptions.builder().toolChoice("auto").build())) {
            assertThat(chunks).isEmpty();
        }

        assertThat(server.received().get(0).json()).isEqualTo(Json.parseOrMissing(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"));
        JsonNode streamed = server.received().get(1).json();
        assertThat(streamed.get("stream").asBoolean()).isTrue();
        assertThat(streamed.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(streamed.get("tool_choice").asText()).isEqualTo("auto");
        assertThat(server.received().get(1).header("accept")).isEqualTo("text/event-stream");
    }

    @Test
    void readsTheCompletionWithToolCallsAndExactCost() {
        server.enqueue(Reply.json(200, """
                {"id":"gen-7","model":"openai/gpt-4.1","provider":"OpenAI","choices":[{"index":0,"message":{"role":"assistant",
                 "content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
                 "finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":3},
                 "completion_tokens_details":{"reasoning_tokens":5},"cost":0.000118}}"""));

        ChatResult result = client.chat("openai/gpt-4.1", List.of(Message.user("Weather in Oslo?")));

        assertThat(result.id()).isEqualTo("gen-7");
        assertThat(result.provider()).isEqualTo("OpenAI");
        assertThat(result.content()).isNull();
        assertThat(result.finishReason()).isEqualTo("tool_calls");
        assertThat(result.toolCalls()).containsExactly(new ToolCall("call_9", "weather", "{\"city\":\"Oslo\"}"));
        assertThat(result.toolCalls().getFirst().argumentsJson().get("city").asText()).isEqualTo("Oslo");
        assertThat(result.usage()).isEqualTo(new Usage(19, 10, 29, 3, 5, new BigDecimal("0.000118")));
        assertThat(Message.assistant(result).toolCalls()).isEqualTo(result.toolCalls());
    }

    @Test
    void readsAGenerationAndTheModelList() {
        server.enqueue(Reply.json(200, """
                {"data":{"id":"gen-7","model":"openai/gpt-4.1","provider":"openai","provider_name":"OpenAI","tokens_prompt":19,
                 "tokens_completion":10,"native_tokens_cached":3,"native_tokens_reasoning":0,"total_cost":0.000118,
                 "latency":420,"generation_time":1250,"streamed":true,"cancelled":false,"finish_reason":"stop"}}"""),
                Reply.json(200, """
                {"object":"list","data":[{"id":"openai/gpt-4.1","name":"OpenAI: GPT-4.1","context_length":1047576,
                 "pricing":{"prompt":"0.000002","completion":"0.000008"}}]}"""));

        Generation generation = client.generation("gen-7");
        List<ModelInfo> models = client.models();

        assertThat(server.received().get(0).pathAndQuery()).isEqualTo("/api/v1/generation?id=gen-7");
        assertThat(generation.totalCost()).isEqualTo(new BigDecimal("0.000118"));
        assertThat(generation.promptTokens()).isEqualTo(19);
        assertThat(generation.providerName()).isEqualTo("OpenAI");
        assertThat(generation.streamed()).isTrue();
        assertThat(generation.latencyMs()).isEqualTo(420);
        assertThat(server.received().get(1).pathAndQuery()).isEqualTo("/api/v1/models");
        assertThat(models).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo("openai/gpt-4.1");
            assertThat(m.contextLength()).isEqualTo(1047576);
            assertThat(m.promptPrice()).isEqualTo(new BigDecimal("0.000002"));
            assertThat(m.completionPrice()).isEqualTo(new BigDecimal("0.000008"));
        });
    }

    @Test
    void refusesBadArgumentsBeforeSendingAnything() {
        assertThatThrownBy(() -> SwitchboardClient.builder().baseUrl("ftp://host")).hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> SwitchboardClient.builder().maxRetries(-1)).hasMessageContaining("maxRetries: -1");
        assertThatThrownBy(() -> ChatOptions.builder().maxTokens(0)).hasMessageContaining("maxTokens: 0");
        assertThatThrownBy(() -> new Message("assistant", null, List.of(), null)).hasMessageContaining("content");
        assertThatThrownBy(() -> client.run(null, "hi")).isInstanceOf(NullPointerException.class).hasMessage("model");
        assertThat(server.received()).isEmpty();
    }
}
