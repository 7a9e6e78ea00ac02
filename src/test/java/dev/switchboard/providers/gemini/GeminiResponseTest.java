package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Gemini GenerateContentResponse → OpenAI chat.completion, against the recorded responses. */
class GeminiResponseTest {
    static final long CREATED = 1_763_800_000L;

    /** Tool call ids call_1, call_2, ... so outputs can be compared exactly. */
    static ToolCallIds counting() {
        AtomicInteger n = new AtomicInteger();
        return () -> "call_" + n.incrementAndGet();
    }

    static JsonNode translate(byte[] body) {
        return Json.parse(Json.bytes(GeminiResponse.toCompletion(body, "gemini-2.5-flash", CREATED, counting())));
    }

    static JsonNode translate(String body) {
        return translate(body.getBytes(StandardCharsets.UTF_8));
    }

    private static final String TEXT = "There are **3** r's in strawberry.\\n\\nHere is the breakdown: st**r**awbe**rr**y.";

    @ParameterizedTest
    @ValueSource(strings = {"gemini/generate.json", "recorded/vercel-ai/google/google-text.json"})
    void translatesATextAnswerWithThinkingTokensAsReasoning(String fixture) {
        assertThat(translate(Fixtures.bytes(fixture))).isEqualTo(Json.parse("""
                {"id": "Un6LacrVMcjUxs0PmJfWoQc", "object": "chat.completion", "created": %d, "model": "gemini-3-pro-preview",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "%s", "refusal": null},
                              "logprobs": null, "finish_reason": "stop", "native_finish_reason": "STOP"}],
                 "usage": {"prompt_tokens": 9, "completion_tokens": 272, "total_tokens": 281,
                           "prompt_tokens_details": {"cached_tokens": 0},
                           "completion_tokens_details": {"reasoning_tokens": 244}}}
                """.formatted(CREATED, TEXT)));
    }

    @Test
    void translatesTheRecordedReasoningAnswer() {
        JsonNode completion = translate(Fixtures.bytes("recorded/vercel-ai/google/google-reasoning.json"));

        assertThat(completion.at("/choices/0/message/content").asText())
                .isEqualTo("There are **3** \"r\"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.");
        assertThat(completion.get("usage")).isEqualTo(Json.parse("""
                {"prompt_tokens": 9, "completion_tokens": 311, "total_tokens": 320,
                 "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 282}}"""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini/generate_function_call.json", "recorded/vercel-ai/google/google-tool-call.json"})
    void aFunctionCallThatStoppedIsAToolCall(String fixture) {
        assertThat(translate(Fixtures.bytes(fixture))).isEqualTo(Json.parse("""
                {"id": "m36LaZGyCLz1xs0PtNSB-QU", "object": "chat.completion", "created": %d, "model": "gemini-3-pro-preview",
                 "choices": [{"index": 0,
                              "message": {"role": "assistant", "content": null, "refusal": null, "tool_calls": [
                                 {"id": "call_1", "type": "function",
                                  "function": {"name": "weather", "arguments": "{\\"location\\":\\"San Francisco\\"}"}}]},
                              "logprobs": null, "finish_reason": "tool_calls", "native_finish_reason": "STOP"}],
                 "usage": {"prompt_tokens": 29, "completion_tokens": 908, "total_tokens": 937,
                           "prompt_tokens_details": {"cached_tokens": 0},
                           "completion_tokens_details": {"reasoning_tokens": 893}}}
                """.formatted(CREATED)));
    }

    @Test
    void aBlockedPromptIsAnEmptyAnswerFilteredForContent() {
        // MAPPING.md §4 leaves "content_filter with empty content (or 400)" open: the empty answer
        // keeps the usage Google billed and lets OpenAI clients handle it as a filtered completion.
        assertThat(translate(Fixtures.bytes("gemini/generate_prompt_blocked.json"))).isEqualTo(Json.parse("""
                {"id": "EXCPaojyHaDUjMcP656rqAk", "object": "chat.completion", "created": %d, "model": "gemini-3.7-flash",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "", "refusal": null},
                              "logprobs": null, "finish_reason": "content_filter", "native_finish_reason": "PROHIBITED_CONTENT"}],
                 "usage": {"prompt_tokens": 9, "completion_tokens": 0, "total_tokens": 9,
                           "prompt_tokens_details": {"cached_tokens": 0},
                           "completion_tokens_details": {"reasoning_tokens": 0}}}
                """.formatted(CREATED)));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(textBlock = """
            STOP,                      stop
            MAX_TOKENS,                length
            SAFETY,                    content_filter
            RECITATION,                content_filter
            BLOCKLIST,                 content_filter
            PROHIBITED_CONTENT,        content_filter
            SPII,                      content_filter
            IMAGE_SAFETY,              content_filter
            IMAGE_PROHIBITED_CONTENT,  content_filter
            IMAGE_OTHER,               content_filter
            IMAGE_RECITATION,          content_filter
            LANGUAGE,                  stop
            OTHER,                     stop
            MALFORMED_FUNCTION_CALL,   stop
            UNEXPECTED_TOOL_CALL,      stop
            TOO_MANY_TOOL_CALLS,       stop
            NO_IMAGE,                  stop
            FINISH_REASON_UNSPECIFIED, stop
            SOMETHING_NEW,             stop
            """)
    void mapsEveryFinishReason(String gemini, String openAi) {
        JsonNode completion = translate("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}],\"role\":\"model\"},"
                + "\"finishReason\":\"" + gemini + "\"}]}");

        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo(openAi);
        assertThat(completion.at("/choices/0/native_finish_reason").asText()).isEqualTo(gemini);
    }

    @Test
    void skipsThoughtsJoinsTextAndKeepsGeminisOwnCallIds() {
        JsonNode completion = translate("""
                {"candidates": [{"content": {"role": "model", "parts": [
                    {"text": "Let me think about this.", "thought": true},
                    {"text": "It is "},
                    {"text": "sunny.", "thoughtSignature": "c2ln"},
                    {"functionCall": {"id": "fc-7", "name": "log", "args": {"n": [1, 2.5, "x"]}}},
                    {"functionCall": {"name": "noop"}}]},
                  "finishReason": "STOP", "index": 0}],
                 "usageMetadata": {"promptTokenCount": 100, "cachedContentTokenCount": 60, "candidatesTokenCount": 20,
                                   "toolUsePromptTokenCount": 5, "thoughtsTokenCount": 7, "totalTokenCount": 132}}""");

        JsonNode message = completion.at("/choices/0/message");
        assertThat(message.get("content").asText()).isEqualTo("It is sunny.");
        assertThat(message.get("tool_calls").toString()).isEqualTo("[{\"id\":\"fc-7\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"log\",\"arguments\":\"{\\\"n\\\":[1,2.5,\\\"x\\\"]}\"}},{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"noop\",\"arguments\":\"{}\"}}]");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(completion.get("usage")).isEqualTo(Json.parse("""
                {"prompt_tokens": 105, "completion_tokens": 27, "total_tokens": 132,
                 "prompt_tokens_details": {"cached_tokens": 60}, "completion_tokens_details": {"reasoning_tokens": 7}}"""));
    }

    @Test
    void everyCandidateIsAChoice() {
        JsonNode completion = translate("""
                {"candidates": [{"content": {"parts": [{"text": "A"}]}, "finishReason": "STOP"},
                                {"content": {"parts": [{"text": "B"}]}, "finishReason": "MAX_TOKENS", "index": 1}]}""");

        assertThat(completion.get("choices").findValuesAsText("content")).containsExactly("A", "B");
        assertThat(completion.get("choices").findValuesAsText("finish_reason")).containsExactly("stop", "length");
        assertThat(completion.get("choices").findValuesAsText("index")).containsExactly("0", "1");
        assertThat(completion.has("usage")).isFalse();
        assertThat(completion.get("model").asText()).isEqualTo("gemini-2.5-flash");
    }

    @Test
    void ignoresFieldsAndPartsItDoesNotKnow() {
        JsonNode completion = translate("""
                {"candidates": [{"content": {"role": "model", "parts": [
                    {"executableCode": {"language": "PYTHON", "code": "print(1)"}},
                    {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "1"}},
                    {"inlineData": {"mimeType": "image/png", "data": "AA"}},
                    {"text": "Done", "partMetadata": {"a": 1}, "futurePartField": true}]},
                  "finishReason": "STOP", "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}],
                  "citationMetadata": {"citationSources": [{"startIndex": 1}]}, "groundingMetadata": {}, "avgLogprobs": -0.5,
                  "futureCandidateField": {"x": [1]}}],
                 "promptFeedback": {"safetyRatings": []},
                 "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 1, "totalTokenCount": 4,
                                   "trafficType": "ON_DEMAND", "futureCount": 9},
                 "futureTopLevel": "x"}""");

        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Done");
        assertThat(completion.at("/usage/total_tokens").asLong()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[]", "{\"usageMetadata\": {\"promptTokenCount\": 1}}", "{\"candidates\": []}"})
    void refusesWhatIsNotAnAnswer(String body) {
        assertThat(catchThrowableOfType(GeminiFormatException.class, () -> translate(body))).isNotNull();
    }
}
