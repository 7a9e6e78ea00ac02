package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatOutput;
import dev.switchboard.protocol.sse.SseParser;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Responses API stream events to chunks, against every recorded Responses stream. */
class ResponsesStreamTranslatorTest {
    private static final String DIR = "recorded/openai-responses/";

    /** One stream: its name and SSE bytes. */
    record Case(String name, byte[] sse) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> recordedStreams() {
        List<Case> cases = new ArrayList<>();
        for (String file : List.of("issue-20047-openai-responses.chunks.txt", "issue-19493-gpt-5.1-tool-call.chunks.txt",
                "openai-phase.1.chunks.txt", "openai-reasoning-encrypted-content.1.chunks.txt",
                "openai-web-search-tool.1.chunks.txt")) {
            List<byte[]> streams = ResponsesReplay.streams(DIR + file);
            for (int i = 0; i < streams.size(); i++) {
                cases.add(new Case(file + (streams.size() > 1 ? " #" + (i + 1) : ""), streams.get(i)));
            }
        }
        for (String file : List.of("responses_stream_text_min.codex-accepted.sse",
                "responses_stream_function_call_exec_command.codex-accepted.sse",
                "responses_stream_custom_tool_call_exec.codex-accepted.sse")) {
            cases.add(new Case(file, Fixtures.bytes("openai/" + file)));
        }
        return cases.stream();
    }

    @Test
    void theAgentLoopFileHoldsFourStreams() {
        assertThat(ResponsesReplay.streams(DIR + "openai-reasoning-encrypted-content.1.chunks.txt")).hasSize(4);
    }

    @ParameterizedTest
    @MethodSource("recordedStreams")
    void everyEventGoesOutWholeInOrderInAChunkThatIsNotContent(Case c) {
        List<JsonNode> events = events(c.sse());
        ResponsesReplay.Result result = ResponsesReplay.replay(c.sse());

        List<JsonNode> carried = new ArrayList<>();
        for (String chunk : result.chunks()) {
            JsonNode json = Json.parse(chunk);
            if (json.has("x_responses_event")) {
                carried.add(json.get("x_responses_event"));
                ChatOutput scanned = ChatOutput.chunk(chunk.getBytes(StandardCharsets.UTF_8));
                assertThat(scanned.hasContent()).isFalse();
                assertThat(scanned.finishReason()).isNull();
                assertThat(scanned.choiceCount()).isEqualTo(1);
                assertThat(json.path("object").asText()).isEqualTo("chat.completion.chunk");
                assertThat(json.path("id").asText()).isEqualTo(events.getFirst().path("response").path("id").asText());
                assertThat(json.path("model").asText()).isEqualTo(events.getFirst().path("response").path("model").asText());
                assertThat(json.path("created").asLong()).isEqualTo(ResponsesReplay.CREATED);
            }
        }
        assertThat(carried).isEqualTo(events);
        assertThat(result.stopped()).isTrue();
        assertThat(result.failure()).isNull();
        assertThat(result.openCalls()).isZero();
    }

    @ParameterizedTest
    @MethodSource("recordedStreams")
    void theCanonicalChunksHoldWhatTheDoneEventsSay(Case c) {
        List<JsonNode> events = events(c.sse());
        List<JsonNode> canonical = ResponsesReplay.replay(c.sse()).chunks().stream().map(Json::parse)
                .filter(chunk -> !chunk.has("x_responses_event")).toList();

        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<String> calls = new ArrayList<>();
        for (JsonNode chunk : canonical) {
            JsonNode delta = chunk.path("choices").path(0).path("delta");
            text.append(delta.path("content").asText(""));
            reasoning.append(delta.path("reasoning").asText(""));
            for (JsonNode call : delta.path("tool_calls")) {
                int index = call.path("index").asInt();
                if (call.has("id")) {
                    assertThat(index).isEqualTo(calls.size());
                    calls.add(call.path("id").asText() + " " + call.path(call.path("type").asText()).path("name").asText() + " ");
                }
                String input = call.has("function") ? call.path("function").path("arguments").asText("")
                        : call.path("custom").path("input").asText("");
                calls.set(index, calls.get(index) + input);
            }
        }
        assertThat(text.toString()).isEqualTo(joined(events, "response.output_text.delta", "delta"));
        if (!c.name().startsWith("openai-phase")) {
            // (the recorder trimmed the phase stream's deltas, README: "4 text deltas"; its .done texts are whole)
            assertThat(text.toString()).isEqualTo(joined(events, "response.output_text.done", "text"));
        }
        assertThat(reasoning.toString()).isEqualTo(joined(events, "response.reasoning_summary_text.done", "text"));
        List<String> expectedCalls = events.stream()
                .filter(e -> e.path("type").asText().equals("response.output_item.done"))
                .map(e -> e.path("item"))
                .filter(item -> item.path("type").asText().endsWith("call") && item.has("call_id"))
                .map(item -> item.path("call_id").asText() + " " + item.path("name").asText() + " "
                        + item.path(item.has("input") ? "input" : "arguments").asText())
                .toList();
        assertThat(calls).isEqualTo(expectedCalls);

        JsonNode completed = events.getLast().path("response");
        JsonNode finish = canonical.get(canonical.size() - 2);
        assertThat(finish.path("choices").path(0).path("finish_reason").asText())
                .isEqualTo(expectedCalls.isEmpty() ? "stop" : "tool_calls");
        JsonNode usage = canonical.getLast();
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("prompt_tokens").asLong()).isEqualTo(completed.path("usage").path("input_tokens").asLong());
        assertThat(usage.path("usage").path("completion_tokens").asLong()).isEqualTo(completed.path("usage").path("output_tokens").asLong());
        assertThat(usage.path("usage").path("prompt_tokens_details").path("cached_tokens").asLong())
                .isEqualTo(completed.path("usage").path("input_tokens_details").path("cached_tokens").asLong());
        assertThat(usage.path("usage").path("completion_tokens_details").path("reasoning_tokens").asLong())
                .isEqualTo(completed.path("usage").path("output_tokens_details").path("reasoning_tokens").asLong());
    }

    @ParameterizedTest
    @MethodSource("recordedStreams")
    void eachCanonicalChunkComesRightAfterTheCarrierOfItsEvent(Case c) {
        JsonNode carrier = null;
        for (String chunk : ResponsesReplay.replay(c.sse()).chunks()) {
            JsonNode json = Json.parse(chunk);
            if (json.has("x_responses_event")) {
                carrier = json.get("x_responses_event");
                continue;
            }
            assertThat(carrier).as("a canonical chunk before any event").isNotNull();
            JsonNode delta = json.path("choices").path(0).path("delta");
            String type = carrier.path("type").asText();
            if (delta.has("content") && !delta.path("content").asText().isEmpty()) {
                assertThat(type).isEqualTo("response.output_text.delta");
                assertThat(delta.path("content").asText()).isEqualTo(carrier.path("delta").asText());
            } else if (delta.has("reasoning")) {
                assertThat(type).isEqualTo("response.reasoning_summary_text.delta");
            } else if (delta.has("tool_calls")) {
                assertThat(type).isIn("response.output_item.added", "response.function_call_arguments.delta",
                        "response.custom_tool_call_input.delta", "response.output_item.done");
            } else if (json.has("usage") || json.path("choices").path(0).hasNonNull("finish_reason")) {
                assertThat(type).isIn("response.completed", "response.incomplete");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("recordedStreams")
    void theSameChunksComeOutHoweverTheBytesAreCut(Case c) {
        List<String> whole = ResponsesReplay.replay(c.sse()).chunks();
        // many small pieces at once: every 7th byte
        int[] every7th = IntStream.iterate(7, i -> i < c.sse().length, i -> i + 7).toArray();
        assertThat(ResponsesReplay.replay(c.sse(), every7th).chunks()).isEqualTo(whole);
        if (c.sse().length <= 16_000) {
            // two pieces, cut at every byte
            for (int cut = 1; cut < c.sse().length; cut++) {
                assertThat(ResponsesReplay.replay(c.sse(), cut).chunks()).as("cut at %d", cut).isEqualTo(whole);
            }
        }
    }

    @Test
    void anErrorEventFailsTheStreamAfterTheEventsBeforeIt() {
        byte[] sse = ResponsesReplay.streams(DIR + "openai-error.1.chunks.txt").getFirst();

        ResponsesReplay.Result result = ResponsesReplay.replay(sse);

        assertThat(result.failure()).isNotNull();
        assertThat(result.failure().code()).isEqualTo("insufficient_quota");
        assertThat(result.failure().getMessage()).contains("You exceeded your current quota");
        assertThat(result.stopped()).isFalse();
        assertThat(result.chunks()).hasSize(2).allSatisfy(chunk -> assertThat(Json.parse(chunk).has("x_responses_event")).isTrue());
        assertThat(Json.parse(result.chunks().get(1)).path("x_responses_event").path("type").asText())
                .isEqualTo("response.in_progress");
    }

    @Test
    void aFailedResponseEventFailsTheStreamWithItsError() {
        String withoutErrorEvent = String.join("\n", Fixtures.text(DIR + "openai-error.1.chunks.txt").lines()
                .filter(line -> !line.startsWith("{\"type\":\"error\"")).toList());
        byte[] sse = frame(withoutErrorEvent);

        ResponsesReplay.Result result = ResponsesReplay.replay(sse);

        assertThat(result.failure().code()).isEqualTo("insufficient_quota");
        assertThat(result.chunks()).hasSize(2);
    }

    @Test
    void anIncompleteResponseEndsWithItsReason() {
        byte[] sse = frame("""
                {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","model":"gpt-5","status":"in_progress","output":[]}}
                {"type":"response.output_text.delta","sequence_number":1,"output_index":0,"content_index":0,"delta":"Once upon"}
                {"type":"response.incomplete","sequence_number":2,"response":{"id":"resp_1","model":"gpt-5","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[],"usage":{"input_tokens":5,"output_tokens":2,"total_tokens":7}}}
                """);

        List<JsonNode> chunks = ResponsesReplay.replay(sse).chunks().stream().map(Json::parse).toList();

        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.path("choices").path(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(chunks.getLast().path("usage").path("total_tokens").asLong()).isEqualTo(7);
        assertThat(ResponsesReplay.replay(sse).stopped()).isTrue();
    }

    @Test
    void aCallSentWholeWithoutDeltasStillGivesItsArguments() {
        byte[] sse = frame("""
                {"type":"response.created","response":{"id":"resp_2","model":"m","output":[]}}
                {"type":"response.output_item.added","output_index":0,"item":{"type":"function_call","call_id":"call_9","name":"ping","arguments":""}}
                {"type":"response.output_item.done","output_index":0,"item":{"type":"function_call","call_id":"call_9","name":"ping","arguments":"{\\"a\\":1}"}}
                {"type":"response.output_item.added","output_index":1,"item":{"type":"function_call","call_id":"call_10","name":"noargs","arguments":""}}
                {"type":"response.output_item.done","output_index":1,"item":{"type":"function_call","call_id":"call_10","name":"noargs","arguments":""}}
                {"type":"response.completed","response":{"id":"resp_2","model":"m","status":"completed","output":[]}}
                """);

        List<JsonNode> canonical = ResponsesReplay.replay(sse).chunks().stream().map(Json::parse)
                .filter(chunk -> !chunk.has("x_responses_event")).toList();

        assertThat(canonical).extracting(chunk -> chunk.path("choices").path(0).path("delta").path("tool_calls").path(0)
                .path("function").path("arguments").asText(null)).contains("{\"a\":1}", "{}");
        // no usage reported: no usage chunk, the gateway estimates
        assertThat(canonical.getLast().path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void anEventThatIsNotJsonIsUnusable() {
        ResponsesStreamTranslator translator = new ResponsesStreamTranslator(chunk -> {
        }, 0);

        assertThat(catchThrowableOfType(UnusableResponse.class,
                () -> translator.onEvent("response.created", "oops".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("not a JSON object");
    }

    private static byte[] frame(String payloads) {
        StringBuilder sse = new StringBuilder();
        payloads.lines().filter(l -> !l.isBlank()).forEach(line -> sse.append("event: ")
                .append(Json.parse(line).path("type").asText()).append("\ndata: ").append(line).append("\n\n"));
        return sse.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The data of every event of an SSE text, parsed. */
    private static List<JsonNode> events(byte[] sse) {
        List<JsonNode> events = new ArrayList<>();
        SseParser parser = new SseParser((event, data) -> events.add(Json.parse(data)), OpenAiAdapter.MAX_EVENT_BYTES);
        parser.feed(sse);
        parser.end();
        return events;
    }

    private static String joined(List<JsonNode> events, String type, String field) {
        StringBuilder out = new StringBuilder();
        events.stream().filter(e -> e.path("type").asText().equals(type)).forEach(e -> out.append(e.path(field).asText()));
        return out.toString();
    }
}
