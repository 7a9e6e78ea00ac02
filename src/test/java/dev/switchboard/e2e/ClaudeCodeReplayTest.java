package dev.switchboard.e2e;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.ObjectMappers;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.BetaMessageAccumulator;
import com.anthropic.models.beta.messages.BetaMessage;
import com.anthropic.models.beta.messages.BetaRawMessageStreamEvent;
import com.anthropic.models.beta.messages.MessageCountTokensParams;
import com.anthropic.models.beta.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.switchboard.testing.FakeUpstream.sseEvents;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The requests real Claude Code 2.1.332 sent (fixtures/recorded/agents: a system turn inside
 * {@code messages}, adaptive thinking, {@code output_config}, {@code context_management}, a
 * deferred tool, {@code max_tokens} 128000 / 32000), replayed with the official Anthropic SDK's beta
 * client ({@code POST /v1/messages?beta=true} and the recorded {@code anthropic-beta} header) against
 * models served by Anthropic, OpenAI, Gemini and Bedrock fakes. Each answers 200 in Anthropic's
 * stream shape, and each upstream gets what it can take.
 */
class ClaudeCodeReplayTest {
    static final String[] TURNS = {"first-turn", "first-turn.custom-model", "tool-result-turn"};
    static final String BETAS = "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,"
            + "per-turn-control-2026-07-01,mid-conversation-tool-changes-2026-07-01,thinking-token-count-2026-05-13,"
            + "advanced-tool-use-2025-11-20,effort-2025-11-24";

    static FakeUpstream anthropic;
    static FakeUpstream openAi;
    static FakeUpstream gemini;
    static FakeUpstream bedrock;
    static TestGateway gateway;
    static AnthropicClient client;

    @BeforeAll
    static void start() {
        anthropic = FakeUpstream.start();
        openAi = FakeUpstream.start();
        gemini = FakeUpstream.start();
        bedrock = FakeUpstream.start();
        gateway = TestGateway.start("providers:\n"
                + """
                  - id: claude
                    name: Claude
                    protocol: anthropic
                    base_url: http://127.0.0.1:%d
                    api_key: sk-ant-provider
                    data_policy: { training: false, retention_days: 0 }
                """.formatted(anthropic.port())
                + Upstreams.provider("oa", openAi)
                + GeminiUpstreamTest.geminiProvider("gem", gemini)
                + BedrockUpstreamTest.bedrockProvider("bed", bedrock)
                + "models:\n"
                + """
                  - id: test/opus
                    name: "Test: Opus"
                    context_length: 1000000
                    max_output_tokens: 128000
                    tokenizer: o200k_base
                    pricing: { prompt: 5, completion: 25 }
                    endpoints:
                      - { provider: claude, upstream_model: claude-opus-upstream }
                  - id: test/gpt
                    name: "Test: GPT"
                    context_length: 400000
                    max_output_tokens: 16384
                    tokenizer: o200k_base
                    pricing: { prompt: 1.25, completion: 10 }
                    supported_parameters: [max_tokens, max_completion_tokens, reasoning_effort, tools, tool_choice, user]
                    endpoints:
                      - { provider: oa, upstream_model: gpt-upstream }
                  - id: test/gpt-no-reasoning
                    name: "Test: GPT without reasoning"
                    context_length: 128000
                    max_output_tokens: 16384
                    tokenizer: o200k_base
                    pricing: { prompt: 2.5, completion: 10 }
                    supported_parameters: [max_tokens, max_completion_tokens, tools, tool_choice, user]
                    endpoints:
                      - { provider: oa, upstream_model: gpt-4o-upstream }
                """
                + Upstreams.model("test/gem", "gem") + Upstreams.model("test/bed", "bed"));
        client = AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + gateway.port())
                .authToken("any-key")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        anthropic.close();
        openAi.close();
        gemini.close();
        bedrock.close();
    }

    /** The recorded body of one Claude Code request, addressed to {@code model}. */
    static ObjectNode recorded(String turn, String model) {
        ObjectNode body = (ObjectNode) Json.parse(Fixtures.bytes("recorded/agents/claude-code-2.1.332." + turn + ".json"))
                .get("body");
        return body.put("model", model);
    }

    /** Sends it as Claude Code does (beta path and header) and gathers the streamed answer. */
    static BetaMessage replay(ObjectNode body) {
        MessageCreateParams.Body params;
        try {
            params = ObjectMappers.jsonMapper().readValue(Json.bytes(body), MessageCreateParams.Body.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BetaMessageAccumulator accumulator = BetaMessageAccumulator.create();
        try (StreamResponse<BetaRawMessageStreamEvent> stream = client.beta().messages().createStreaming(
                MessageCreateParams.builder().body(params).putAdditionalHeader("anthropic-beta", BETAS).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        return accumulator.message();
    }

    @ParameterizedTest
    @ValueSource(strings = {"first-turn", "first-turn.custom-model", "tool-result-turn"})
    void anAnthropicUpstreamGetsClaudeCodesOwnBody(String turn) {
        anthropic.enqueue(sseEvents(Fixtures.text("anthropic/messages_stream_text_min.claude-code-accepted.sse"), 1));
        ObjectNode sent = recorded(turn, "test/opus");

        BetaMessage answer = replay(sent);

        assertThat(answer.content().getFirst().asText().text()).isEqualTo("hi");
        FakeUpstream.Received received = anthropic.last();
        assertThat(received.path()).isEqualTo("/v1/messages");
        assertThat(received.header("anthropic-beta")).isEqualTo(BETAS);
        // unchanged but for the model: the system turn in place, thinking, output_config, context_management, betas
        assertThat(received.json()).isEqualTo(sent.deepCopy().put("model", "claude-opus-upstream"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"first-turn", "first-turn.custom-model", "tool-result-turn"})
    void anOpenAiUpstreamGetsTheSystemTurnInPlaceAndTheEffort(String turn) {
        openAi.enqueue(sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 1));
        ObjectNode sent = recorded(turn, "test/gpt");

        BetaMessage answer = replay(sent);

        assertThat(answer.content()).isNotEmpty();
        JsonNode body = openAi.last().json();
        assertThat(body.get("model").asText()).isEqualTo("gpt-upstream");
        ArrayNode messages = (ArrayNode) body.get("messages");
        assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
        assertThat(messages.get(1).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(2).get("role").asText()).isEqualTo("system");
        assertThat(messages.get(2).get("content").asText())
                .isEqualTo(systemTurnText(sent.get("messages").get(1).get("content")));
        assertThat(body.get("reasoning_effort").asText()).isEqualTo(sent.at("/output_config/effort").asText());
        assertThat(body.has("context_management") || body.has("thinking") || body.has("output_config")).isFalse();
        assertThat(body.get("stream").asBoolean()).isTrue();
        // 128000 / 32000 asked, the endpoint's 16384 sent
        assertThat(body.get("max_tokens").asLong()).isEqualTo(16_384);
    }

    @ParameterizedTest
    @ValueSource(strings = {"first-turn", "tool-result-turn"})
    void aModelWithoutReasoningIsNotSentTheEffort(String turn) {
        openAi.enqueue(sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 1));

        replay(recorded(turn, "test/gpt-no-reasoning"));

        JsonNode body = openAi.last().json();
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-upstream");
        assertThat(body.has("reasoning_effort")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"first-turn", "first-turn.custom-model", "tool-result-turn"})
    void aGeminiUpstreamGetsTheSystemTurnAsMarkedUserText(String turn) {
        gemini.enqueue(sseEvents(Fixtures.text("gemini/stream.sse"), 1));

        BetaMessage answer = replay(recorded(turn, "test/gem"));

        assertThat(answer.content()).isNotEmpty();
        JsonNode body = gemini.last().json();
        assertThat(body.at("/systemInstruction/parts/0/text").asText()).startsWith("x-anthropic-billing-header");
        JsonNode firstTurn = body.at("/contents/0");
        assertThat(firstTurn.get("role").asText()).isEqualTo("user");
        assertThat(firstTurn.get("parts").get(2).get("text").asText()).startsWith("<system_instruction>\n");
        assertThat(body.at("/generationConfig/maxOutputTokens").asLong()).isEqualTo(4096);
    }

    @ParameterizedTest
    @ValueSource(strings = {"first-turn", "first-turn.custom-model", "tool-result-turn"})
    void aBedrockUpstreamGetsTheSystemTurnAsMarkedUserText(String turn) {
        bedrock.enqueue(BedrockUpstreamTest.eventStream(Fixtures.bytes("bedrock/converse_stream.eventstream.bin"), 64));

        BetaMessage answer = replay(recorded(turn, "test/bed"));

        assertThat(answer.content()).isNotEmpty();
        JsonNode body = bedrock.last().json();
        assertThat(body.at("/system/0/text").asText()).startsWith("x-anthropic-billing-header");
        assertThat(body.get("messages").get(0).get("content").get(2).get("text").asText())
                .startsWith("<system_instruction>\n");
        assertThat(body.at("/inferenceConfig/maxTokens").asLong()).isEqualTo(4096);
    }

    @ParameterizedTest
    @ValueSource(strings = {"first-turn", "first-turn.custom-model", "tool-result-turn"})
    void countTokensTakesTheSameBodies(String turn) {
        ObjectNode body = recorded(turn, "test/gpt");
        for (String member : new String[] {"max_tokens", "stream", "metadata"}) {
            body.remove(member); // count_tokens takes no such members
        }
        MessageCountTokensParams.Body params;
        try {
            params = ObjectMappers.jsonMapper().readValue(Json.bytes(body), MessageCountTokensParams.Body.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        long tokens = client.beta().messages().countTokens(MessageCountTokensParams.builder().body(params)
                .putAdditionalHeader("anthropic-beta", BETAS).build()).inputTokens();

        assertThat(tokens).isGreaterThan(1_000);
    }

    @Test
    void aServerToolGoesToAnthropicAndIsDroppedAndNamedElsewhere() {
        ObjectNode toGpt = recorded("first-turn", "test/gpt").put("stream", false);
        ((ArrayNode) toGpt.get("tools")).addObject().put("type", "web_search_20250305").put("name", "web_search")
                .put("max_uses", 3);
        openAi.enqueue(FakeUpstream.fixture(200, "openai/chat_nonstream.json"));

        HttpResponse<String> translated = gateway.post("/v1/messages", Json.string(toGpt));

        assertThat(translated.statusCode()).as(translated.body()).isEqualTo(200);
        assertThat(translated.headers().firstValue("x-switchboard-dropped-tools")).hasValue("web_search_20250305");
        assertThat(openAi.last().json().get("tools").toString()).doesNotContain("web_search");
        String generation = translated.headers().firstValue("x-generation-id").orElseThrow();
        assertThat(Json.parse(gateway.get("/v1/generation?id=" + generation).body()).at("/data/dropped_tools").asText())
                .isEqualTo("web_search_20250305");

        ObjectNode toOpus = toGpt.deepCopy().put("model", "test/opus");
        anthropic.enqueue(FakeUpstream.fixture(200, "anthropic/messages_nonstream.json"));
        HttpResponse<String> passed = gateway.post("/v1/messages", Json.string(toOpus));

        assertThat(passed.statusCode()).as(passed.body()).isEqualTo(200);
        assertThat(passed.headers().firstValue("x-switchboard-dropped-tools")).isEmpty();
        assertThat(anthropic.last().json().get("tools").toString()).contains("web_search_20250305");
    }

    private static String systemTurnText(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        content.forEach(block -> text.append(text.isEmpty() ? "" : "\n").append(block.get("text").asText()));
        return text.toString();
    }
}
