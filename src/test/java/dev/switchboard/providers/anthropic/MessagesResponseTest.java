package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.accounting.CostCalculator;
import dev.switchboard.accounting.Usage;
import dev.switchboard.accounting.UsageJson;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatOutput;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Anthropic Message bodies to OpenAI chat.completion documents. */
class MessagesResponseTest {
    private static final long CREATED = 1_763_800_000L;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "anthropic/messages_nonstream.json,                                 messages_nonstream.completion.json",
            "anthropic/messages_tool_use.json,                                  messages_tool_use.completion.json",
            "recorded/vercel-ai/anthropic/anthropic-text.json,                  anthropic-text.completion.json",
            "recorded/vercel-ai/anthropic/anthropic-json-tool.1.json,           anthropic-json-tool.1.completion.json",
            "recorded/vercel-ai/anthropic/anthropic-tool-no-args.json,          anthropic-tool-no-args.completion.json",
            "recorded/vercel-ai/anthropic/anthropic-web-fetch-tool.error.json,  anthropic-web-fetch-tool.completion.json"})
    void translatesEveryRecordedMessageToTheExpectedCompletion(String fixture, String golden) {
        byte[] completion = MessagesResponse.toCompletion(Fixtures.bytes(fixture), CREATED);

        Golden.assertJson(golden, completion);
        // and the gateway reads it as a completion with choices
        ChatOutput output = ChatOutput.completion(completion);
        assertThat(output.hasChoicesMember()).isTrue();
        assertThat(output.error()).isNull();
    }

    @Test
    void textIsJoinedAndToolUseBecomesToolCallsWithJsonArguments() {
        JsonNode completion = completion("anthropic/messages_tool_use.json");

        JsonNode message = completion.at("/choices/0/message");
        assertThat(message.get("content").asText()).isEqualTo("I'll check the current weather in San Francisco for you.");
        JsonNode call = message.at("/tool_calls/0");
        assertThat(call.get("id").asText()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(Json.parse(call.at("/function/arguments").asText()))
                .isEqualTo(Json.parse("{\"location\": \"San Francisco, CA\", \"unit\": \"celsius\"}"));
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(completion.get("id").asText()).isEqualTo("msg_01Aq9w938a90dw8q");
        assertThat(completion.get("model").asText()).isEqualTo("claude-opus-4-7");
        assertThat(completion.get("created").asLong()).isEqualTo(CREATED);
    }

    @Test
    void toolCallsWithoutTextHaveNullContent() {
        JsonNode message = completion("recorded/vercel-ai/anthropic/anthropic-json-tool.1.json").at("/choices/0/message");

        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.at("/tool_calls/0/function/name").asText()).isEqualTo("json");
    }

    @Test
    void aToolWithAnEmptyInputHasEmptyObjectArguments() {
        JsonNode call = completion("recorded/vercel-ai/anthropic/anthropic-tool-no-args.json").at("/choices/0/message/tool_calls/0");

        assertThat(call.at("/function/arguments").asText()).isEqualTo("{}");
    }

    @Test
    void serverToolBlocksAreDroppedAndTheTextAroundThemJoined() {
        JsonNode completion = completion("recorded/vercel-ai/anthropic/anthropic-web-fetch-tool.error.json");

        JsonNode message = completion.at("/choices/0/message");
        assertThat(message.has("tool_calls")).isFalse();
        assertThat(message.get("content").asText())
                .startsWith("I'll fetch the PDF document from the URL you provided to see what it says about AI.I'm unable to access");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void thinkingBecomesReasoningDetailsWithSignatures() {
        byte[] body = """
                {"id":"msg_t","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[
                  {"type":"thinking","thinking":"Let me think step by step","signature":"EqQBCgIYAh"},
                  {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"},
                  {"type":"text","text":"21"}],
                 "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":300}}
                """.getBytes(StandardCharsets.UTF_8);

        JsonNode completion = Json.parse(MessagesResponse.toCompletion(body, CREATED));

        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("21");
        assertThat(completion.at("/choices/0/message/reasoning").asText()).isEqualTo("Let me think step by step");
        assertThat(completion.at("/choices/0/message/reasoning_details")).isEqualTo(Json.parse("""
                [{"type":"reasoning.text","text":"Let me think step by step","signature":"EqQBCgIYAh","index":0,
                  "format":"anthropic-claude-v1"},
                 {"type":"reasoning.encrypted","data":"EmwKAhgBEgy3va3pzix","index":1,"format":"anthropic-claude-v1"}]"""));
        assertThat(completion.at("/usage/completion_tokens").asLong()).isEqualTo(300); // thinking is output
    }

    @Test
    void cacheTokensArePricedThroughTheCanonicalUsage() {
        byte[] body = """
                {"id":"msg_c","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"ok"}],
                 "stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":1000,"cache_creation_input_tokens":2000,"cache_read_input_tokens":50000,"output_tokens":500}}
                """.getBytes(StandardCharsets.UTF_8);

        JsonNode usage = Json.parse(MessagesResponse.toCompletion(body, CREATED)).get("usage");
        Usage read = UsageJson.read(usage);

        assertThat(read).isEqualTo(Usage.fromAnthropic(1_000, 500, 50_000, 2_000));
        Pricing sonnet = new Pricing(new BigDecimal("3"), new BigDecimal("15"), new BigDecimal("0.30"),
                new BigDecimal("3.75"), null, null, null, null);
        // 1,000 × 3 + 50,000 × 0.30 + 2,000 × 3.75 + 500 × 15 per million
        assertThat(CostCalculator.cost(read, sonnet)).isEqualByComparingTo("0.033");
    }

    /**
     * {@code model_context_window_exceeded} is in the stop-reason docs but not in the vendored
     * spec's StopReason enum: the enum is treated as open, unknown reasons as a plain stop.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"end_turn, stop", "stop_sequence, stop", "pause_turn, stop", "max_tokens, length",
            "model_context_window_exceeded, length", "tool_use, tool_calls", "refusal, content_filter",
            "a_reason_from_the_future, stop"})
    void mapsEveryStopReason(String stopReason, String finishReason) {
        byte[] body = ("{\"id\":\"msg_s\",\"type\":\"message\",\"model\":\"m\",\"content\":[],\"stop_reason\":\"" + stopReason
                + "\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}").getBytes(StandardCharsets.UTF_8);

        assertThat(Json.parse(MessagesResponse.toCompletion(body, CREATED)).at("/choices/0/finish_reason").asText())
                .isEqualTo(finishReason);
    }

    @Test
    void unknownFieldsAndBlockTypesAreIgnored() {
        byte[] body = """
                {"id":"msg_u","type":"message","role":"assistant","model":"m","container":null,"stop_details":{"type":"x"},
                 "content":[{"type":"text","text":"a","citations":null},{"type":"hologram","x":1},{"type":"text","text":"b"}],
                 "stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":2,"brand_new":{"x":1}}}
                """.getBytes(StandardCharsets.UTF_8);

        JsonNode completion = Json.parse(MessagesResponse.toCompletion(body, CREATED));

        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("ab");
        assertThat(completion.at("/usage/total_tokens").asLong()).isEqualTo(3);
    }

    @Test
    void aMessageWithoutUsageGetsNoUsage() {
        byte[] body = "{\"id\":\"msg_n\",\"type\":\"message\",\"model\":\"m\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}],\"stop_reason\":\"end_turn\"}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(Json.parse(MessagesResponse.toCompletion(body, CREATED)).has("usage")).isFalse();
    }

    @Test
    void aBodyThatIsNotAMessageIsUnusable() {
        assertThatThrownBy(() -> MessagesResponse.toCompletion("<html>".getBytes(StandardCharsets.UTF_8), CREATED))
                .isInstanceOf(UnusableResponse.class).hasMessageContaining("invalid JSON");
        assertThatThrownBy(() -> MessagesResponse.toCompletion("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8), CREATED))
                .isInstanceOf(UnusableResponse.class).hasMessageContaining("without a message");
        assertThatThrownBy(() -> MessagesResponse.toCompletion(Fixtures.bytes("anthropic/error_overloaded.json"), CREATED))
                .isInstanceOf(UnusableResponse.class).hasMessageContaining("Overloaded");
    }

    private static JsonNode completion(String fixture) {
        return Json.parse(MessagesResponse.toCompletion(Fixtures.bytes(fixture), CREATED));
    }
}
