package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.json;
import static dev.switchboard.testing.FakeUpstream.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The member rule on chat completions, seen by the official OpenAI SDK and by an OpenAI-protocol
 * upstream: OpenRouter's own members are acted on and never forwarded raw ({@code usage} and
 * {@code route} ignored as OpenRouter documents, {@code reasoning} as {@code reasoning_effort} and
 * {@code exclude}), members Switchboard does not know still reach the upstream, and what cannot be
 * honoured is a 400 naming the member before any upstream is called.
 */
class RequestMembersTest {
    static FakeUpstream upstream;
    static TestGateway gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = TestGateway.start("providers:\n" + Upstreams.provider("alpha", upstream)
                + "models:\n" + Upstreams.model("test/model", "alpha")
                + """
                  - id: test/plain
                    context_length: 100000
                    pricing: { prompt: 1, completion: 1 }
                    supported_parameters: [max_tokens, temperature]
                    endpoints:
                      - { provider: alpha, upstream_model: plain }
                """);
        client = gateway.openAi();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder().model("test/model").addUserMessage("Hello!");
    }

    @Test
    void openRoutersOwnMembersAreNotForwardedButUnknownOnesAre() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));

        ChatCompletion answer = client.chat().completions().create(params()
                .putAdditionalBodyProperty("usage", JsonValue.from(Map.of("include", true)))
                .putAdditionalBodyProperty("route", JsonValue.from("fallback"))
                .putAdditionalBodyProperty("safe_prompt", JsonValue.from(true))
                .putAdditionalBodyProperty("top_a", JsonValue.from(0.2))
                .build());

        assertThat(answer.usage()).isPresent(); // usage is always included: `usage.include` changes nothing
        JsonNode sent = upstream.last().json();
        assertThat(sent.has("usage")).isFalse();
        assertThat(sent.has("route")).isFalse();
        assertThat(sent.path("safe_prompt").asBoolean()).isTrue();
        assertThat(sent.path("top_a").asDouble()).isEqualTo(0.2);
        assertThat(sent.path("model").asText()).isEqualTo("upstream-alpha");
    }

    @Test
    void theMessagesApiFollowsTheSameRule() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));

        var served = gateway.post("/v1/messages", """
                {"model":"test/model","max_tokens":100,"messages":[{"role":"user","content":"Hi"}],
                 "usage":{"include":true},"x_vendor_flag":1}""");
        var refused = gateway.post("/v1/messages", """
                {"model":"test/model","max_tokens":100,"messages":[{"role":"user","content":"Hi"}],"trace":{"a":1}}""");

        assertThat(served.statusCode()).isEqualTo(200);
        JsonNode sent = upstream.last().json();
        assertThat(sent.has("usage")).isFalse();
        assertThat(sent.path("x_vendor_flag").asInt()).isEqualTo(1);
        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode error = Json.parse(refused.body());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.at("/error/message").asText()).startsWith("trace:");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"effort\":\"high\"}|high",
            "{\"effort\":\"minimal\",\"exclude\":false}|minimal",
            "{\"max_tokens\":2000}|medium",
            "{\"enabled\":true}|medium"})
    void reasoningBecomesReasoningEffort(String reasoning, String effort) {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));

        client.chat().completions().create(params()
                .putAdditionalBodyProperty("reasoning", JsonValue.fromJsonNode(Json.parse(reasoning))).build());

        JsonNode sent = upstream.last().json();
        assertThat(sent.path("reasoning_effort").asText()).isEqualTo(effort);
        assertThat(sent.has("reasoning")).isFalse();
    }

    @Test
    void theThinkingVariantTurnsReasoningOnUnlessTheRequestSaysHow() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"), fixture(200, "openai/chat_nonstream.json"));

        client.chat().completions().create(params().model("test/model:thinking").build());
        assertThat(upstream.last().json().path("reasoning_effort").asText()).isEqualTo("medium");

        client.chat().completions().create(params().model("test/model:thinking")
                .putAdditionalBodyProperty("reasoning", JsonValue.from(Map.of("effort", "low"))).build());
        assertThat(upstream.last().json().path("reasoning_effort").asText()).isEqualTo("low");
    }

    @Test
    void reasoningTurnedOffSendsNoEffortAndTheClientsOwnEffortWins() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"), fixture(200, "openai/chat_nonstream.json"));

        client.chat().completions().create(params()
                .putAdditionalBodyProperty("reasoning", JsonValue.from(Map.of("enabled", false))).build());
        assertThat(upstream.last().json().has("reasoning_effort")).isFalse();

        client.chat().completions().create(params().reasoningEffort(ReasoningEffort.LOW)
                .putAdditionalBodyProperty("reasoning", JsonValue.from(Map.of("effort", "high"))).build());
        JsonNode sent = upstream.last().json();
        assertThat(sent.path("reasoning_effort").asText()).isEqualTo("low");
        assertThat(sent.toString()).doesNotContain("high");
    }

    @Test
    void aModelThatDoesNotReasonGetsNoEffortFromReasoning() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));

        client.chat().completions().create(params().model("test/plain")
                .putAdditionalBodyProperty("reasoning", JsonValue.from(Map.of("effort", "high"))).build());

        JsonNode sent = upstream.last().json();
        assertThat(sent.path("model").asText()).isEqualTo("plain");
        assertThat(sent.has("reasoning_effort")).isFalse();
        assertThat(sent.has("reasoning")).isFalse();
    }

    @Test
    void excludedReasoningIsLeftOutOfTheAnswer() {
        upstream.enqueue(json(200, """
                {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"upstream-alpha",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"42","reasoning":"Let me think.",
                   "reasoning_details":[{"type":"reasoning.text","text":"Let me think.","index":0}]},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14,
                          "completion_tokens_details":{"reasoning_tokens":7}}}"""));

        var response = gateway.post("/v1/chat/completions", """
                {"model":"test/model","messages":[{"role":"user","content":"Answer?"}],
                 "reasoning":{"effort":"low","exclude":true}}""");

        JsonNode answer = Json.parse(response.body());
        assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("42");
        assertThat(answer.at("/choices/0/message").has("reasoning")).isFalse();
        assertThat(answer.at("/choices/0/message").has("reasoning_details")).isFalse();
        assertThat(answer.at("/usage/completion_tokens_details/reasoning_tokens").asLong()).isEqualTo(7);
        assertThat(upstream.last().json().path("reasoning_effort").asText()).isEqualTo("low");
    }

    @Test
    void excludedReasoningIsLeftOutOfTheStream() {
        upstream.enqueue(sse("""
                data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

                data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"reasoning":"Hmm, "},"finish_reason":null}]}

                data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"reasoning_content":"thinking"},"finish_reason":null}]}

                data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"42"},"finish_reason":null}]}

                data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

                data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}}

                data: [DONE]

                """));

        StringBuilder content = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params()
                .putAdditionalBodyProperty("include_reasoning", JsonValue.from(false)).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> {
                assertThat(choice.delta()._additionalProperties()).doesNotContainKeys("reasoning", "reasoning_content");
                choice.delta().content().ifPresent(content::append);
            }));
        }

        assertThat(content).hasToString("42");
        assertThat(upstream.last().json().has("include_reasoning")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "reasoning|{\"effort\":\"huge\"}|reasoning.effort",
            "reasoning|{\"max_tokens\":-1}|reasoning.max_tokens",
            "reasoning|{\"exclude\":\"yes\"}|reasoning.exclude",
            "reasoning|\"high\"|reasoning",
            "include_reasoning|\"no\"|include_reasoning",
            "usage|5|usage",
            "usage|{\"include\":\"yes\"}|usage.include",
            "route|\"sort\"|route",
            "debug|{\"echo_upstream_body\":true}|debug.echo_upstream_body",
            "session_id|\"s-1\"|session_id",
            "trace|{\"trace_id\":\"t\"}|trace"})
    void whatCannotBeHonouredIsA400NamingTheMember(String member, String value, String named) {
        int before = upstream.requestCount();

        assertThatThrownBy(() -> client.chat().completions().create(params()
                .putAdditionalBodyProperty(member, JsonValue.fromJsonNode(Json.parse(value))).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(named + ":");
                });
        assertThat(upstream.requestCount()).isEqualTo(before);
    }
}
