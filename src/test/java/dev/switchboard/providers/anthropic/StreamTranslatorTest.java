package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Anthropic stream events to OpenAI chunks, against every recorded and documented Anthropic stream. */
class StreamTranslatorTest {

    /** A recorded or documented stream and the golden file of the chunks it must give. */
    record Case(String fixture, String golden) {
        byte[] sse() {
            return fixture.endsWith(".chunks.txt") ? EventReplay.framed(Fixtures.text(fixture)) : Fixtures.bytes(fixture);
        }

        @Override
        public String toString() {
            return fixture;
        }
    }

    static Stream<Case> streams() {
        return Stream.of(
                new Case("anthropic/messages_stream.sse", "messages_stream.chunks.jsonl"),
                new Case("anthropic/docs_stream_basic.sse", "docs_stream_basic.chunks.jsonl"),
                new Case("anthropic/docs_stream_tool_use.sse", "docs_stream_tool_use.chunks.jsonl"),
                new Case("anthropic/docs_stream_thinking.sse", "docs_stream_thinking.chunks.jsonl"),
                new Case("recorded/vercel-ai/anthropic/anthropic-text.chunks.txt", "anthropic-text.chunks.jsonl"),
                new Case("recorded/vercel-ai/anthropic/anthropic-json-tool.1.chunks.txt", "anthropic-json-tool.1.chunks.jsonl"),
                new Case("recorded/vercel-ai/anthropic/anthropic-tool-no-args.chunks.txt", "anthropic-tool-no-args.chunks.jsonl"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void translatesEveryRecordedStreamToTheExpectedChunks(Case c) {
        EventReplay.Result result = EventReplay.replay(c.sse());

        Golden.assertJsonLines(c.golden(), result.chunks());
        assertThat(result.stopped()).isTrue();
        assertThat(result.error()).isNull();
        assertThat(result.openBlocks()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void givesTheSameChunksWhereverTheBytesAreCut(Case c) {
        byte[] sse = c.sse();
        List<String> whole = EventReplay.replay(sse).chunks();

        for (int cut = 1; cut < sse.length; cut++) {
            assertThat(EventReplay.replay(sse, cut).chunks()).as("cut at byte %d", cut).isEqualTo(whole);
        }
        // and in many small pieces at once: every 7th byte
        int[] cuts = java.util.stream.IntStream.iterate(7, i -> i < sse.length, i -> i + 7).toArray();
        assertThat(EventReplay.replay(sse, cuts).chunks()).isEqualTo(whole);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void everyChunkIsAChatCompletionChunkOfTheMessage(Case c) {
        List<JsonNode> chunks = EventReplay.replay(c.sse()).chunks().stream().map(Json::parse).toList();

        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("id").asText()).isEqualTo(chunks.getFirst().get("id").asText()).startsWith("msg_");
            assertThat(chunk.get("created").asLong()).isEqualTo(EventReplay.CREATED);
        });
        assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(chunks.stream().filter(ch -> !ch.at("/choices/0/finish_reason").isMissingNode()
                && !ch.at("/choices/0/finish_reason").isNull())).hasSize(1);
    }

    @Test
    void textDeltasBecomeContentAndTheUsageChunkCountsCacheTokensInThePrompt() {
        List<JsonNode> chunks = parsed("recorded/vercel-ai/anthropic/anthropic-text.chunks.txt");

        assertThat(text(chunks)).isEqualTo("Hello! I'm doing well, thank you for asking. How are you doing today?"
                + " Is there anything I can help you with?");
        JsonNode last = chunks.getLast();
        assertThat(last.get("choices")).isEmpty();
        // message_delta's usage is cumulative: its output_tokens (30) replaces message_start's (1)
        assertThat(last.at("/usage/prompt_tokens").asLong()).isEqualTo(12);
        assertThat(last.at("/usage/completion_tokens").asLong()).isEqualTo(30);
        assertThat(last.at("/usage/total_tokens").asLong()).isEqualTo(42);
    }

    @Test
    void cacheReadsAndWritesAreInsidePromptTokensAndNamedInTheDetails() {
        String sse = """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"cache_creation_input_tokens":2000,"cache_read_input_tokens":50000,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":500}}

                event: message_stop
                data: {"type":"message_stop"}

                """;

        JsonNode usage = parsed(sse.getBytes(StandardCharsets.UTF_8)).getLast().get("usage");

        assertThat(usage.get("prompt_tokens").asLong()).isEqualTo(52_010);
        assertThat(usage.at("/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(50_000);
        assertThat(usage.at("/prompt_tokens_details/cache_write_tokens").asLong()).isEqualTo(2_000);
        assertThat(usage.get("completion_tokens").asLong()).isEqualTo(500);
        assertThat(usage.get("total_tokens").asLong()).isEqualTo(52_510);
    }

    @Test
    void aToolUseBlockBecomesAToolCallIndexedByToolOrdinalNotBlockIndex() {
        List<JsonNode> chunks = parsed("anthropic/messages_stream.sse");

        List<JsonNode> calls = chunks.stream().map(c -> c.at("/choices/0/delta/tool_calls/0"))
                .filter(c -> !c.isMissingNode()).toList();
        // the tool_use block is Anthropic's block 1 (after the text block) but the message's first tool call
        assertThat(calls).allSatisfy(call -> assertThat(call.get("index").asInt()).isZero());
        JsonNode header = calls.getFirst();
        assertThat(header.get("id").asText()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        assertThat(header.get("type").asText()).isEqualTo("function");
        assertThat(header.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(header.at("/function/arguments").asText()).isEmpty();
        StringBuilder arguments = new StringBuilder();
        calls.forEach(call -> arguments.append(call.at("/function/arguments").asText()));
        assertThat(Json.parse(arguments.toString())).isEqualTo(Json.parse("{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}"));
        // the empty first input_json_delta gives no chunk
        assertThat(calls.stream().skip(1)).allSatisfy(call -> assertThat(call.at("/function/arguments").asText()).isNotEmpty());
        assertThat(finishReason(chunks)).isEqualTo("tool_calls");
    }

    @Test
    void aToolCallWithoutArgumentsGetsAnEmptyObject() {
        List<JsonNode> chunks = parsed("recorded/vercel-ai/anthropic/anthropic-tool-no-args.chunks.txt");

        List<JsonNode> calls = chunks.stream().map(c -> c.at("/choices/0/delta/tool_calls/0"))
                .filter(c -> !c.isMissingNode()).toList();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).at("/function/name").asText()).isEqualTo("updateIssueList");
        assertThat(calls.get(1).at("/function/arguments").asText()).isEqualTo("{}");
    }

    @Test
    void severalToolCallsAreNumberedInOrder() {
        String sse = String.join("", event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\",\"model\":\"m\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}"),
                toolBlock(0, "toolu_a", "{\"x\":1}"), toolBlock(1, "toolu_b", "{\"y\":2}"),
                event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}"),
                event("message_stop", "{\"type\":\"message_stop\"}"));

        List<JsonNode> calls = parsed(sse.getBytes(StandardCharsets.UTF_8)).stream()
                .map(c -> c.at("/choices/0/delta/tool_calls/0")).filter(c -> !c.isMissingNode()).toList();

        assertThat(calls).extracting(c -> c.get("index").asInt()).containsExactly(0, 0, 1, 1);
        assertThat(calls.get(2).get("id").asText()).isEqualTo("toolu_b");
        assertThat(calls.get(3).at("/function/arguments").asText()).isEqualTo("{\"y\":2}");
    }

    @Test
    void thinkingStreamsAsReasoningWithItsSignature() {
        List<JsonNode> chunks = parsed("anthropic/docs_stream_thinking.sse");

        assertThat(text(chunks)).isEqualTo("The greatest common divisor of 1071 and 462 is **21**.");
        String reasoning = String.join("", chunks.stream().map(c -> c.at("/choices/0/delta/reasoning"))
                .filter(JsonNode::isTextual).map(JsonNode::asText).toList());
        assertThat(reasoning).contains("Euclidean");
        List<JsonNode> signatures = chunks.stream().flatMap(c -> c.at("/choices/0/delta/reasoning_details").valueStream())
                .filter(d -> d.has("signature")).toList();
        assertThat(signatures).hasSize(1);
        assertThat(signatures.getFirst().path("signature").asText()).startsWith("EqQBCgIYAhIM");
        assertThat(signatures.getFirst().path("index").asInt()).isZero();
    }

    /**
     * The documented thinking stream has no usage at all, although the spec makes Message.usage
     * required: then no usage chunk is invented, and the gateway counts the tokens itself.
     */
    @Test
    void aStreamThatReportsNoUsageGetsNoUsageChunk() {
        List<JsonNode> chunks = parsed("anthropic/docs_stream_thinking.sse");

        assertThat(chunks).noneMatch(c -> c.has("usage"));
        assertThat(finishReason(chunks)).isEqualTo("stop");
    }

    /**
     * The documented basic stream sends only output_tokens in message_delta, where the spec's
     * MessageDeltaUsage declares input and cache counts required (nullable): what message_start
     * said is kept when a later report leaves a count out.
     */
    @Test
    void aCountMessageDeltaLeavesOutKeepsItsMessageStartValue() {
        JsonNode usage = parsed("anthropic/docs_stream_basic.sse").getLast().get("usage");

        assertThat(usage.get("prompt_tokens").asLong()).isEqualTo(25);
        assertThat(usage.get("completion_tokens").asLong()).isEqualTo(15);
    }

    /**
     * The web-search stream of the streaming docs, minus the one event the docs elided into
     * invalid JSON: its server_tool_use block streams input_json_delta too, which is the
     * provider's own tool call and must not reach the client as a tool call.
     */
    @Test
    void serverToolBlocksAndTheirInputDeltasGiveNothing() {
        StringBuilder sse = new StringBuilder();
        for (String event : dev.switchboard.testing.FakeUpstream.events(Fixtures.text("anthropic/docs_stream_web_search.ELIDED.sse"))) {
            if (!event.contains("web_search_tool_result") && !event.strip().equals("...")) {
                sse.append(event);
            }
        }

        List<JsonNode> chunks = parsed(sse.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(chunks).noneMatch(c -> c.at("/choices/0/delta").has("tool_calls"));
        assertThat(text(chunks)).startsWith("I'll check the current weather in New York City for you.Here's the current");
        assertThat(finishReason(chunks)).isEqualTo("stop");
        assertThat(chunks.getLast().at("/usage/prompt_tokens").asLong()).isEqualTo(10_682);
        assertThat(chunks.getLast().at("/usage/completion_tokens").asLong()).isEqualTo(510);
    }

    @Test
    void anErrorEventIsReported() {
        EventReplay.Result result = EventReplay.replay(Fixtures.bytes("anthropic/error_overloaded_stream.sse"));

        assertThat(result.error()).isEqualTo("overloaded_error: Overloaded");
        assertThat(result.chunks()).isEmpty();
    }

    @Test
    void anErrorEventAfterContentIsReportedAfterTheContent() {
        byte[] stream = (event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_3\",\"model\":\"m\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}")
                + Fixtures.text("anthropic/error_overloaded_stream.sse")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo\"}}"))
                .getBytes(StandardCharsets.UTF_8);

        EventReplay.Result result = EventReplay.replay(stream);

        assertThat(result.error()).startsWith("overloaded_error");
        assertThat(text(result.chunks().stream().map(Json::parse).toList())).isEqualTo("Hel");
    }

    @Test
    void unknownEventsUnknownDeltasAndUnknownFieldsAreIgnored() {
        String sse = event("message_start", "{\"type\":\"message_start\",\"future_field\":{\"a\":[1]},\"message\":{\"id\":\"msg_4\",\"model\":\"m\",\"new_thing\":true,\"usage\":{\"input_tokens\":3,\"output_tokens\":1,\"brand_new_tokens\":7}}}")
                + event("ping", "{\"type\":\"ping\"}")
                + event("message_ping_v2", "{\"type\":\"message_ping_v2\",\"payload\":[1,2,3]}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"hologram\",\"x\":1}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"hologram_delta\",\"x\":2}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\",\"citations\":null}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"citations_delta\",\"citation\":{\"type\":\"char_location\"}}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"ok\",\"extra\":1}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"some_new_reason\",\"stop_details\":{}},\"usage\":{\"output_tokens\":2}}")
                + event("message_stop", "{\"type\":\"message_stop\",\"more\":1}");

        List<JsonNode> chunks = parsed(sse.getBytes(StandardCharsets.UTF_8));

        assertThat(text(chunks)).isEqualTo("ok");
        assertThat(finishReason(chunks)).isEqualTo("stop");
        assertThat(chunks.getLast().at("/usage/completion_tokens").asLong()).isEqualTo(2);
    }

    @Test
    void anEventThatIsNotJsonIsUnusable() {
        StreamTranslator translator = new StreamTranslator(json -> { }, 0);

        assertThatThrownBy(() -> translator.onEvent("content_block_delta", "{\"type\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UnusableResponse.class);
    }

    @Test
    void eventsAfterMessageStopAreIgnored() {
        byte[] sse = (Fixtures.text("anthropic/docs_stream_basic.sse")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"late\"}}"))
                .getBytes(StandardCharsets.UTF_8);

        assertThat(text(parsed(sse))).isEqualTo("Hello!");
    }

    @Test
    void aStreamCutAfterItsFinishReasonStillReportsItsUsage() {
        String full = Fixtures.text("recorded/vercel-ai/anthropic/anthropic-text.chunks.txt");
        String withoutStop = full.substring(0, full.lastIndexOf("{\"type\":\"message_stop\"}"));

        EventReplay.Result result = EventReplay.replay(EventReplay.framed(withoutStop));

        assertThat(result.stopped()).isFalse();
        assertThat(Json.parse(result.chunks().getLast()).at("/usage/completion_tokens").asLong()).isEqualTo(30);
    }

    @Test
    void aStreamCutBeforeItsFinishReasonHasNoFinishAndNoUsage() {
        String full = Fixtures.text("recorded/vercel-ai/anthropic/anthropic-text.chunks.txt");
        String cut = full.substring(0, full.indexOf("{\"type\":\"content_block_stop\""));

        List<JsonNode> chunks = EventReplay.replay(EventReplay.framed(cut)).chunks().stream().map(Json::parse).toList();

        assertThat(finishReason(chunks)).isNull();
        assertThat(chunks).noneMatch(c -> c.has("usage"));
    }

    @Test
    void contentBeforeMessageStartStillStartsWithTheRoleChunk() {
        String sse = event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}")
                + event("message_stop", "{\"type\":\"message_stop\"}");

        List<JsonNode> chunks = parsed(sse.getBytes(StandardCharsets.UTF_8));

        assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(text(chunks)).isEqualTo("Hi");
        assertThat(finishReason(chunks)).isEqualTo("stop");
    }

    /**
     * 10,000 events: a long text and 2,000 tool calls each streamed in fragments. Nothing is
     * joined or kept per event: the only state, open tool blocks, is back to zero after each
     * block, and the output is exactly one chunk per meaningful event.
     */
    @Test
    void memoryStaysFlatOverTenThousandEvents() {
        List<Integer> openBlocksSeen = new ArrayList<>();
        int[] chunks = new int[1];
        StreamTranslator translator = new StreamTranslator(json -> chunks[0]++, 0);
        translator.onEvent(null, bytes("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_big\",\"model\":\"m\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}"));
        int events = 1;
        int block = 0;
        translator.onEvent(null, bytes("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        for (int i = 0; i < 1_995; i++, events++) {
            translator.onEvent(null, bytes("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"word \"}}"));
        }
        translator.onEvent(null, bytes("{\"type\":\"content_block_stop\",\"index\":0}"));
        events += 2;
        while (events < 9_998) {
            block++;
            translator.onEvent(null, bytes("{\"type\":\"content_block_start\",\"index\":" + block
                    + ",\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_" + block + "\",\"name\":\"f\",\"input\":{}}}"));
            translator.onEvent(null, bytes("{\"type\":\"content_block_delta\",\"index\":" + block
                    + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}"));
            translator.onEvent(null, bytes("{\"type\":\"content_block_delta\",\"index\":" + block
                    + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"1}\"}}"));
            openBlocksSeen.add(translator.openBlocks());
            translator.onEvent(null, bytes("{\"type\":\"content_block_stop\",\"index\":" + block + "}"));
            assertThat(translator.openBlocks()).isZero();
            events += 4;
        }
        translator.onEvent(null, bytes("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9000}}"));
        translator.onEvent(null, bytes("{\"type\":\"message_stop\"}"));
        events += 2;

        assertThat(events).isEqualTo(10_000);
        assertThat(openBlocksSeen).hasSize(block).containsOnly(1);
        // role + 1,995 text + 3 per tool call + finish + usage
        assertThat(chunks[0]).isEqualTo(1 + 1_995 + 3 * block + 2);
        assertThat(translator.stopped()).isTrue();
    }

    // ---- helpers ----

    private static List<JsonNode> parsed(String fixture) {
        byte[] sse = fixture.endsWith(".chunks.txt") ? EventReplay.framed(Fixtures.text(fixture)) : Fixtures.bytes(fixture);
        return parsed(sse);
    }

    private static List<JsonNode> parsed(byte[] sse) {
        return EventReplay.replay(sse).chunks().stream().map(Json::parse).toList();
    }

    private static String text(List<JsonNode> chunks) {
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.at("/choices/0/delta/content").asText("")));
        return text.toString();
    }

    private static String finishReason(List<JsonNode> chunks) {
        return chunks.stream().map(c -> c.at("/choices/0/finish_reason")).filter(JsonNode::isTextual)
                .map(JsonNode::asText).findFirst().orElse(null);
    }

    private static String event(String type, String json) {
        return "event: " + type + "\ndata: " + json + "\n\n";
    }

    private static String toolBlock(int index, String id, String arguments) {
        return event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
                + ",\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + id + "\",\"name\":\"f\",\"input\":{}}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
                + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" + Json.string(Json.MAPPER.getNodeFactory().textNode(arguments)) + "}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
