package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.switchboard.providers.gemini.GeminiResponseTest.CREATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Gemini streamGenerateContent?alt=sse → OpenAI chunks, against the recorded streams. */
class GeminiStreamTest {

    /** Translates the body fed in the given pieces, then ended. */
    static List<JsonNode> translate(byte[]... pieces) {
        List<JsonNode> chunks = new ArrayList<>();
        GeminiStream stream = new GeminiStream("gemini-2.5-flash", CREATED, GeminiResponseTest.counting(),
                json -> chunks.add(Json.parse(json)));
        for (byte[] piece : pieces) {
            stream.feed(piece);
        }
        stream.end();
        return chunks;
    }

    static List<JsonNode> translate(String body) {
        return translate(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A stream's wire bytes: .sse fixtures as recorded (CRLF framing); the vercel-ai recordings keep
     * one decoded payload per line, so they are framed the LF way, which older models used.
     */
    static byte[] wire(String fixture) {
        if (fixture.endsWith(".sse")) {
            return Fixtures.bytes(fixture);
        }
        StringBuilder sse = new StringBuilder();
        Fixtures.text(fixture).lines().filter(l -> !l.isBlank()).forEach(l -> sse.append("data: ").append(l).append("\n\n"));
        return sse.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- expected chunks ----

    private record Envelope(String id, String model) {
        JsonNode chunk(String choice) {
            return Json.parse("{" + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"object\":\"chat.completion.chunk\","
                    + "\"created\":" + CREATED + ",\"model\":\"" + model + "\",\"choices\":[" + choice + "]}");
        }

        JsonNode role() {
            return chunk("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}");
        }

        JsonNode content(String jsonText) {
            return chunk("{\"index\":0,\"delta\":{\"content\":" + jsonText + "},\"logprobs\":null,\"finish_reason\":null}");
        }

        JsonNode toolCall(int index, String id, String name, String argumentsJsonText) {
            return chunk("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":" + index + ",\"id\":\"" + id + "\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"" + name + "\",\"arguments\":" + argumentsJsonText + "}}]},"
                    + "\"logprobs\":null,\"finish_reason\":null}");
        }

        JsonNode finish(String reason, String nativeReason) {
            return chunk("{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"" + reason + "\","
                    + "\"native_finish_reason\":\"" + nativeReason + "\"}");
        }

        JsonNode usage(long prompt, long completion, long cached, long reasoning) {
            JsonNode chunk = Json.parse("{" + (id == null ? "" : "\"id\":\"" + id + "\",")
                    + "\"object\":\"chat.completion.chunk\",\"created\":" + CREATED + ",\"model\":\"" + model + "\","
                    + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                    + ",\"total_tokens\":" + (prompt + completion) + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached
                    + "},\"completion_tokens_details\":{\"reasoning_tokens\":" + reasoning + "}}}");
            return chunk;
        }
    }

    private static final Envelope TEXT = new Envelope("bH6LaZW8Fp_3nsEPqtaSwQ4", "gemini-3-pro-preview");
    private static final Envelope TOOL = new Envelope("b36LacjwM668nsEP2tbsgQQ", "gemini-3-pro-preview");
    private static final Envelope REASONING = new Envelope("dX6LadKVC7SZ28oPr9yJoQs", "gemini-3-pro-preview");
    private static final Envelope FLASH = new Envelope(null, "gemini-2.5-flash");

    static Stream<Arguments> recordedStreams() {
        List<JsonNode> text = List.of(TEXT.role(), TEXT.content("\"There are **3**\""),
                TEXT.content("\" \\\"r\\\"s in strawberry.\\n\\nst**r**awbe**rr**y\""), TEXT.finish("stop", "STOP"),
                TEXT.usage(9, 23 + 185, 0, 185));
        List<JsonNode> toolCall = List.of(TOOL.role(),
                TOOL.toolCall(0, "call_1", "weather", "\"{\\\"location\\\":\\\"San Francisco\\\"}\""),
                TOOL.finish("tool_calls", "STOP"), TOOL.usage(29, 15 + 45, 0, 45));
        return Stream.of(
                arguments("gemini/stream.sse", text),
                arguments("recorded/vercel-ai/google/google-text.chunks.txt", text),
                arguments("gemini/stream_function_call.sse", toolCall),
                arguments("recorded/vercel-ai/google/google-tool-call.chunks.txt", toolCall),
                arguments("recorded/vercel-ai/google/google-reasoning.chunks.txt", List.of(REASONING.role(),
                        REASONING.content("\"There are **3** \\\"r\\\"s in\""),
                        REASONING.content("\" strawberry.\\n\\nHere is the breakdown: st**r**awbe**rr**y.\""),
                        REASONING.finish("stop", "STOP"), REASONING.usage(9, 29 + 256, 0, 256))),
                // the thought part is dropped; the last event leaves thoughtsTokenCount out, but its
                // totalTokenCount (102 = 48 + 14 + 40) still counts the 40 thought tokens of the first
                arguments("gemini/stream_function_call_thought.gemini-2.5-flash.sse", List.of(FLASH.role(),
                        FLASH.toolCall(0, "call_1", "get_weather", "\"{\\\"city\\\":\\\"Paris\\\"}\""),
                        FLASH.finish("tool_calls", "STOP"), FLASH.usage(48, 14 + 40, 0, 40))));
    }

    static Stream<String> recordedStreamNames() {
        return recordedStreams().map(a -> (String) a.get()[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedStreams")
    void translatesTheRecordedStream(String fixture, List<JsonNode> expected) {
        assertThat(translate(wire(fixture))).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedStreamNames")
    void givesTheSameChunksWhereverTheBytesAreSplit(String fixture) {
        byte[] bytes = wire(fixture);
        List<JsonNode> whole = translate(bytes);

        for (int cut = 0; cut <= bytes.length; cut++) {
            assertThat(translate(Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length)))
                    .as("%s split at byte %d", fixture, cut).isEqualTo(whole);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedStreamNames")
    void usageAddsUpToGeminisTotal(String fixture) {
        List<JsonNode> chunks = translate(wire(fixture));
        String lastEvent = new String(wire(fixture), StandardCharsets.UTF_8).strip();
        long total = Json.parse(lastEvent.substring(lastEvent.lastIndexOf("data: ") + 6)).at("/usageMetadata/totalTokenCount").asLong();

        assertThat(chunks.getLast().at("/usage/total_tokens").asLong()).isEqualTo(total);
    }

    @Test
    void vertexPartialFunctionArgumentsAreRefusedRatherThanGuessed() {
        // recorded from Vertex AI with streamFunctionCallArguments: PartialArg is "not supported in
        // Gemini API" (google-genai type docs), and the Gemini API protos have no such field
        List<JsonNode> chunks = new ArrayList<>();
        GeminiStream stream = new GeminiStream("gemini-2.5-flash", CREATED, GeminiResponseTest.counting(),
                json -> chunks.add(Json.parse(json)));

        GeminiFormatException e = catchThrowableOfType(GeminiFormatException.class,
                () -> stream.feed(wire("recorded/vercel-ai/google/google-stream-tool-call-arguments.chunks.txt")));

        assertThat(e.getMessage()).contains("partialArgs");
        assertThat(e.providerError()).isFalse();
        assertThat(chunks).hasSize(1);
        assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    }

    @Test
    void aBlockedPromptEndsAtOnceWithContentFilter() {
        String event = Fixtures.text("gemini/generate_prompt_blocked.json").replaceAll("\\s*\n\\s*", "");
        Envelope blocked = new Envelope("EXCPaojyHaDUjMcP656rqAk", "gemini-3.7-flash");

        assertThat(translate("data: " + event + "\r\n\r\n")).containsExactly(blocked.role(),
                blocked.finish("content_filter", "PROHIBITED_CONTENT"), blocked.usage(9, 0, 0, 0));
    }

    @Test
    void mixedPartsKeepTheirOrderAndToolCallsAreNumbered() {
        List<JsonNode> chunks = translate("""
                data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hmm","thought":true},{"text":"A"},{"text":"B"},\
                {"functionCall":{"name":"f","args":{}}},{"text":"C"}]}}],"usageMetadata":{"promptTokenCount":5}}

                data: {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"id":"g-1","name":"g","args":{"x":1}}}]},\
                "finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8}}

                """);

        assertThat(chunks).containsExactly(FLASH.role(), FLASH.content("\"AB\""),
                FLASH.toolCall(0, "call_1", "f", "\"{}\""), FLASH.content("\"C\""),
                FLASH.toolCall(1, "g-1", "g", "\"{\\\"x\\\":1}\""), FLASH.finish("tool_calls", "STOP"),
                FLASH.usage(5, 3, 0, 0));
    }

    @Test
    void eachCandidateIsItsOwnChoice() {
        List<JsonNode> chunks = translate("""
                data: {"candidates":[{"content":{"parts":[{"text":"A"}]},"index":0},{"content":{"parts":[{"text":"B"}]},"index":1}]}

                data: {"candidates":[{"content":{"parts":[{"text":""}]},"finishReason":"STOP","index":1}]}

                data: {"candidates":[{"content":{"parts":[{"text":""}]},"finishReason":"MAX_TOKENS","index":0}]}

                """);

        assertThat(chunks).extracting(c -> c.at("/choices/0/index").asInt() + ":" + c.at("/choices/0/delta").toString()
                        + ":" + c.at("/choices/0/finish_reason").asText())
                .containsExactly("0:{\"role\":\"assistant\",\"content\":\"\"}:null", "0:{\"content\":\"A\"}:null",
                        "1:{\"role\":\"assistant\",\"content\":\"\"}:null", "1:{\"content\":\"B\"}:null",
                        "1:{}:stop", "0:{}:length");
    }

    @Test
    void ignoresFieldsItDoesNotKnowAndEventsAfterTheFinish() {
        List<JsonNode> chunks = translate("""
                event: message
                : a comment
                data: {"candidates":[{"content":{"parts":[{"text":"Hi","futurePartField":1},{"executableCode":{"code":"1"}}],\
                "role":"model"},"safetyRatings":[],"futureField":{"a":[1]},"finishReason":"STOP"}],"futureTop":true,\
                "usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1,"totalTokenCount":2,"futureCount":3}}

                data: {"candidates":[{"content":{"parts":[{"text":"late"}]}}]}

                data: {"futureOnly":{}}
                """);

        assertThat(chunks).containsExactly(FLASH.role(), FLASH.content("\"Hi\""), FLASH.finish("stop", "STOP"),
                FLASH.usage(1, 1, 0, 0));
    }

    @Test
    void withoutUsageNoUsageChunkIsInvented() {
        assertThat(translate("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]},\"finishReason\":\"STOP\"}]}\n\n"))
                .containsExactly(FLASH.role(), FLASH.content("\"Hi\""), FLASH.finish("stop", "STOP"));
    }

    @Test
    void anInBandErrorIsTheProvidersError() {
        GeminiFormatException e = catchThrowableOfType(GeminiFormatException.class, () -> translate(
                "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}\r\n\r\n"));

        assertThat(e.providerError()).isTrue();
        assertThat(e.getMessage()).contains("The model is overloaded.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"data: not json\n\n", "data: [1]\n\n", "data: {\"candidates\":[{\"content\":{\"parts\":"
            + "[{\"functionCall\":{\"args\":{}}}]}}]}\n\n"})
    void refusesEventsItCannotRead(String body) {
        GeminiFormatException e = catchThrowableOfType(GeminiFormatException.class, () -> translate(body));

        assertThat(e.providerError()).isFalse();
    }
}
