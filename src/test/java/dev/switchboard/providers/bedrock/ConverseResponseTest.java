package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Bedrock ConverseResponse → OpenAI chat.completion. */
class ConverseResponseTest {

    private static JsonNode translate(byte[] body) {
        return Json.parse(Json.bytes(ConverseResponse.toCompletion(body, "eu.anthropic.claude-sonnet-4-6", 1_700_000_000)));
    }

    private static JsonNode translate(String body) {
        return translate(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void translatesTheRecordedTextAnswer() {
        JsonNode completion = translate(Fixtures.bytes("bedrock/converse.json"));

        assertThat(completion).isEqualTo(Json.parse("""
                {"object": "chat.completion", "created": 1700000000, "model": "eu.anthropic.claude-sonnet-4-6",
                 "choices": [{"index": 0, "message": {"role": "assistant",
                   "content": "Let me count the \\"r\\"s in \\"strawberry\\":\\n\\ns-t-**r**-a-w-b-e-**r**-**r**-y\\n\\nThere are **3** \\"r\\"s in \\"strawberry.\\"",
                   "refusal": null}, "logprobs": null, "finish_reason": "stop", "native_finish_reason": "end_turn"}],
                 "usage": {"prompt_tokens": 22, "completion_tokens": 57, "total_tokens": 79,
                   "prompt_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0}}}"""));
    }

    @Test
    void translatesRecordedParallelToolUseBlocksToToolCalls() {
        JsonNode completion = translate(Fixtures.bytes("bedrock/converse_tool_use.json"));

        JsonNode choice = completion.at("/choices/0");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.at("/message/content").asText()).isEqualTo("Sure! I'll look up both values simultaneously right away!");
        assertThat(choice.at("/message/tool_calls")).isEqualTo(Json.parse("""
                [{"id": "tooluse_hr5juciYZJwUHpRczsw13R", "type": "function",
                  "function": {"name": "get_resistor_value", "arguments": "{\\"ref\\":\\"R1\\"}"}},
                 {"id": "tooluse_AZHw3Ym0S07qOv5NlXj9iJ", "type": "function",
                  "function": {"name": "get_capacitor_value", "arguments": "{\\"ref\\":\\"C1\\"}"}}]"""));
        assertThat(completion.at("/usage/prompt_tokens").asLong()).isEqualTo(694);
        assertThat(completion.at("/usage/completion_tokens").asLong()).isEqualTo(110);
    }

    @Test
    void countsCacheReadsAndWritesInsidePromptTokens() {
        JsonNode completion = translate("""
                {"output": {"message": {"role": "assistant", "content": [{"text": "Hi"}]}}, "stopReason": "end_turn",
                 "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 1515,
                           "cacheReadInputTokens": 1000, "cacheWriteInputTokens": 500}}""");

        assertThat(completion.get("usage")).isEqualTo(Json.parse("""
                {"prompt_tokens": 1510, "completion_tokens": 5, "total_tokens": 1515,
                 "prompt_tokens_details": {"cached_tokens": 1000, "cache_write_tokens": 500}}"""));
    }

    @Test
    void aToolCallOnlyAnswerHasNullContentAndReasoningIsDropped() {
        JsonNode completion = translate("""
                {"output": {"message": {"role": "assistant", "content": [
                   {"reasoningContent": {"reasoningText": {"text": "thinking", "signature": "sig"}}},
                   {"toolUse": {"toolUseId": "t1", "name": "f", "input": {}}}]}},
                 "stopReason": "tool_use"}""");

        assertThat(completion.at("/choices/0/message/content").isNull()).isTrue();
        assertThat(completion.at("/choices/0/message/tool_calls/0/function/arguments").asText()).isEqualTo("{}");
        assertThat(completion.has("usage")).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"end_turn, stop", "stop_sequence, stop", "max_tokens, length", "model_context_window_exceeded, length",
            "tool_use, tool_calls", "guardrail_intervened, content_filter", "content_filtered, content_filter",
            "malformed_model_output, stop", "malformed_tool_use, stop", "something_new, stop"})
    void mapsStopReasons(String stopReason, String finishReason) {
        assertThat(ConverseOutput.finishReason(stopReason)).isEqualTo(finishReason);
    }

    @Test
    void anAnswerWithoutOutputMessageIsUnusable() {
        BedrockFormatException e = catchThrowableOfType(BedrockFormatException.class, () -> translate("{\"stopReason\":\"end_turn\"}"));

        assertThat(e.providerError()).isFalse();
        assertThat(e.getMessage()).contains("output.message");
    }
}
