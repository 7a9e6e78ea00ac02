package dev.switchboard.protocol.sse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.sse.SseEvents.Event;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The parser against recorded and documented provider streams. */
class SseParserFixturesTest {

    /** Every SSE fixture of the providers Switchboard reads with this parser, found on disk so new ones are covered too. */
    static Stream<String> sseFixtures() {
        List<String> names = new ArrayList<>();
        for (String dir : List.of("openai", "azure", "anthropic")) {
            try (Stream<Path> files = Files.list(Fixtures.root().resolve(dir))) {
                files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sse")).sorted()
                        .forEach(n -> names.add(dir + "/" + n));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        names.add("gemini/stream.sse");
        names.add("recorded/third-party/openai_chat_tool_call_stream.gpt-4o.sse");
        return names.stream();
    }

    static Stream<String> anthropicJsonStreams() {
        return sseFixtures().filter(n -> n.startsWith("anthropic/") && !n.contains("ELIDED"));
    }

    @ParameterizedTest
    @MethodSource("sseFixtures")
    void deliversSameEventsForEverySplitPoint(String fixture) {
        byte[] bytes = Fixtures.bytes(fixture);
        List<Event> whole = SseEvents.parse(bytes);

        assertThat(whole).isNotEmpty();
        for (int cut = 0; cut <= bytes.length; cut++) {
            assertThat(SseEvents.parseSplit(bytes, cut)).as("%s split at byte %d", fixture, cut).isEqualTo(whole);
        }
    }

    @ParameterizedTest
    @MethodSource("sseFixtures")
    void deliversSameEventsWhenFedByteByByte(String fixture) {
        byte[] bytes = Fixtures.bytes(fixture);

        assertThat(SseEvents.parseByteByByte(bytes)).isEqualTo(SseEvents.parse(bytes));
    }

    @ParameterizedTest
    @MethodSource("sseFixtures")
    void leavesNothingPendingForEndWhenTheStreamEndsWithABlankLine(String fixture) {
        byte[] bytes = Fixtures.bytes(fixture);
        SseEvents recorder = new SseEvents();
        SseParser parser = new SseParser(recorder, SseEvents.NO_LIMIT);

        parser.feed(bytes);
        List<Event> beforeEnd = List.copyOf(recorder.events);
        parser.end();

        assertThat(beforeEnd).isNotEmpty();
        assertThat(recorder.events).isEqualTo(beforeEnd);
    }

    @Test
    void readsOpenAiStreamAsElevenChunksThenDone() {
        List<Event> events = SseEvents.parse(Fixtures.bytes("openai/chat_stream.sse"));

        assertThat(events).hasSize(12);
        assertThat(events).allSatisfy(e -> assertThat(e.type()).isNull());
        assertThat(SseFormat.isDone(events.getLast().bytes())).isTrue();
        for (Event chunk : events.subList(0, events.size() - 1)) {
            assertThat(SseFormat.isDone(chunk.bytes())).isFalse();
            assertThat(Json.parse(chunk.bytes()).path("object").asText()).isEqualTo("chat.completion.chunk");
        }
    }

    @Test
    void readsOpenAiTextAndAzureStreamsUpToDone() {
        List<Event> text = SseEvents.parse(Fixtures.bytes("openai/chat_stream_text.sse"));
        List<Event> azure = SseEvents.parse(Fixtures.bytes("azure/chat_stream.sse"));

        assertThat(text).hasSize(13);
        assertThat(azure).hasSize(9);
        assertThat(SseFormat.isDone(text.getLast().bytes())).isTrue();
        assertThat(SseFormat.isDone(azure.getLast().bytes())).isTrue();
    }

    @Test
    void readsGeminiCrlfFramedStreamIntoJsonPayloads() {
        byte[] bytes = Fixtures.bytes("gemini/stream.sse");
        assertThat(new String(bytes, StandardCharsets.US_ASCII)).contains("\r\n\r\n");

        List<Event> events = SseEvents.parse(bytes);

        assertThat(events).hasSize(3);
        for (Event event : events) {
            assertThat(event.type()).isNull();
            assertThat(event.data()).doesNotContain("\r").doesNotContain("\n");
            JsonNode chunk = Json.parse(event.bytes());
            assertThat(chunk.path("candidates").isArray()).isTrue();
        }
        assertThat(SseFormat.isDone(events.getLast().bytes())).isFalse();
    }

    @Test
    void deliversAnthropicEventTypes() {
        List<Event> events = SseEvents.parse(Fixtures.bytes("anthropic/docs_stream_basic.sse"));

        assertThat(events).extracting(Event::type).containsExactly("message_start", "content_block_start", "ping",
                "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
    }

    @ParameterizedTest
    @MethodSource("anthropicJsonStreams")
    void pairsEachAnthropicEventTypeWithItsOwnPayload(String fixture) {
        List<Event> events = SseEvents.parse(Fixtures.bytes(fixture));

        assertThat(events).isNotEmpty().allSatisfy(e ->
                assertThat(Json.parse(e.bytes()).path("type").asText()).isEqualTo(e.type()));
    }
}
