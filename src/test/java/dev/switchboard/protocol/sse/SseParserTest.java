package dev.switchboard.protocol.sse;

import dev.switchboard.protocol.sse.SseEvents.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertAll;

/** The event-stream rules (WHATWG "event stream interpretation") the gateway depends on. */
class SseParserTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Event> data(String... payloads) {
        List<Event> events = new ArrayList<>();
        for (String payload : payloads) {
            events.add(Event.of(null, payload));
        }
        return events;
    }

    /** The events of {@code stream}, checked to be the same for every way of cutting it in two. */
    private static List<Event> parseAnyHow(byte[] stream) {
        List<Event> whole = SseEvents.parse(stream);
        for (int cut = 0; cut <= stream.length; cut++) {
            assertThat(SseEvents.parseSplit(stream, cut)).as("split at byte %d", cut).isEqualTo(whole);
        }
        assertThat(SseEvents.parseByteByByte(stream)).as("byte by byte").isEqualTo(whole);
        return whole;
    }

    static Stream<Arguments> framings() {
        return Stream.of(
                Arguments.of("LF", "data: a\ndata: b\n\ndata: c\n\n", data("a\nb", "c")),
                Arguments.of("CR only", "data: a\rdata: b\r\rdata: c\r\r", data("a\nb", "c")),
                Arguments.of("CRLF", "data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n", data("a\nb", "c")),
                Arguments.of("mixed line ends", "data: a\r\ndata: b\rdata: c\n\r\n", data("a\nb\nc")),
                Arguments.of("no space after colon", "data:x\n\n", data("x")),
                Arguments.of("only one space is stripped", "data:  x \n\n", data(" x ")),
                Arguments.of("field without colon is an empty data line", "data\n\n", data("")),
                Arguments.of("empty data line", "data:\ndata: z\n\n", data("\nz")),
                Arguments.of("id, retry and unknown fields are ignored", "id: 7\nretry: 10\nfoo: bar\ndata: x\n\n", data("x")),
                Arguments.of("field names are case-sensitive", "Data: x\n\ndata: y\n\n", data("y")),
                Arguments.of("blank lines alone dispatch nothing", "\n\n\r\n\rdata: x\n\n\n\n", data("x")),
                Arguments.of("colon inside the value is kept", "data: {\"a\":\"b:c\"}\n\n", data("{\"a\":\"b:c\"}")),
                Arguments.of("event type applies to one event only", "event: a\ndata: 1\n\ndata: 2\n\n",
                        List.of(Event.of("a", "1"), Event.of(null, "2"))),
                Arguments.of("event without data is dropped with its type", "event: ping\n\ndata: x\n\n", data("x")),
                Arguments.of("last event type wins", "event: a\nevent: b\ndata: x\n\n", List.of(Event.of("b", "x"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framings")
    void interpretsFramingTheSameForEveryChunking(String name, String stream, List<Event> expected) {
        assertThat(parseAnyHow(utf8(stream))).isEqualTo(expected);
    }

    @Test
    void treatsAnEmptyEventFieldAsTheDefaultType() {
        // WHATWG: only a non-empty event type buffer changes the type; the Listener reports the default as null
        assertThat(SseEvents.parse("event:\ndata: x\n\n")).containsExactly(Event.of(null, "x"));
        assertThat(SseEvents.parse("event: \ndata: x\n\n")).containsExactly(Event.of(null, "x"));
    }

    @Test
    void reportsCommentsWithoutMakingThemEvents() {
        SseEvents recorder = new SseEvents();
        SseParser parser = new SseParser(recorder, 1024);

        parser.feed(utf8(": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: {\"id\":1}\n\n"));
        parser.end();

        assertThat(recorder.comments).containsExactly(": OPENROUTER PROCESSING", ": OPENROUTER PROCESSING");
        assertThat(recorder.events).isEqualTo(data("{\"id\":1}"));
    }

    @Test
    void doesNotLetACommentInterruptMultiLineData() {
        assertThat(parseAnyHow(utf8("data: a\n: keep-alive\ndata: b\n\n"))).isEqualTo(data("a\nb"));
    }

    @Test
    void keepsCrlfTogetherWhenSplitAcrossChunks() {
        // if the LF were read as a second line end, "a" and "b" would become two events
        assertThat(SseEvents.parse(utf8("data: a\r"), utf8("\ndata: b\r\n\r\n"))).isEqualTo(data("a\nb"));
        assertThat(SseEvents.parse(utf8("data: a\r"), new byte[0], utf8("\ndata: b\r\n"), utf8("\r"), utf8("\n")))
                .isEqualTo(data("a\nb"));
    }

    @Test
    void keepsMultiByteCharactersSplitAcrossChunks() {
        String payload = "{\"text\":\"héllo wörld — 東京 😀👍🏽\"}";

        List<Event> events = parseAnyHow(utf8("data: " + payload + "\n\n"));

        assertThat(events).hasSize(1);
        assertThat(events.getFirst().text()).isEqualTo(payload);
    }

    @Test
    void passesInvalidUtf8ThroughAsBytes() {
        byte[] stream = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xC3, (byte) 0xFF, 'x', '\n', '\n'};

        List<Event> events = parseAnyHow(stream);

        assertThat(events).hasSize(1);
        assertThat(events.getFirst().bytes()).containsExactly(0xC3, 0xFF, 'x');
    }

    @Test
    void ignoresLeadingByteOrderMark() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(bom);
        stream.writeBytes(utf8("data: x\n\n"));

        assertThat(SseEvents.parse(stream.toByteArray())).isEqualTo(data("x"));
        assertThat(SseEvents.parse(bom, utf8("data: x\n\n"))).as("BOM as its own chunk").isEqualTo(data("x"));
    }

    @Test
    void deliversAnEventWithoutItsBlankLineAtEnd() {
        assertAll(
                () -> assertThat(deliveredOnlyByEnd("data: last")).isEqualTo(data("last")),
                () -> assertThat(deliveredOnlyByEnd("data: last\n")).isEqualTo(data("last")),
                () -> assertThat(deliveredOnlyByEnd("data: a\r\ndata: b\r")).isEqualTo(data("a\nb")),
                () -> assertThat(deliveredOnlyByEnd("event: stop\ndata: {}")).isEqualTo(List.of(Event.of("stop", "{}"))));
    }

    /** Checks nothing is delivered before {@code end()} and returns what {@code end()} delivered. */
    private static List<Event> deliveredOnlyByEnd(String stream) {
        SseEvents recorder = new SseEvents();
        SseParser parser = new SseParser(recorder, 1024);
        parser.feed(utf8(stream));
        assertThat(recorder.events).as("before end()").isEmpty();
        parser.end();
        return recorder.events;
    }

    @Test
    void deliversNothingTwiceWhenEndIsCalledAgain() {
        SseEvents recorder = new SseEvents();
        SseParser parser = new SseParser(recorder, 1024);

        parser.feed(utf8("data: a\n\ndata: b"));
        parser.end();
        parser.end();

        assertThat(recorder.events).isEqualTo(data("a", "b"));
    }

    @Test
    void rejectsAnEventOverTheSizeLimit() {
        String big = "x".repeat(100);

        assertAll(
                () -> assertThatThrownBy(() -> new SseParser(new SseEvents(), 64).feed(utf8("data: " + big + "\n\n")))
                        .as("one line in one chunk").isInstanceOf(SseException.class),
                () -> assertThatThrownBy(() -> {
                    SseParser parser = new SseParser(new SseEvents(), 64);
                    for (int i = 0; i < big.length(); i += 10) {
                        parser.feed(utf8(i == 0 ? "data: " + big.substring(0, 10) : big.substring(i, i + 10)));
                    }
                }).as("one line in many chunks, never terminated").isInstanceOf(SseException.class),
                () -> assertThatThrownBy(() -> new SseParser(new SseEvents(), 64)
                        .feed(utf8("data: 0123456789\n".repeat(10))))
                        .as("many short data lines of one event").isInstanceOf(SseException.class));
    }

    @Test
    void acceptsEventsUnderTheLimitAndResetsTheBudgetPerEvent() {
        SseEvents recorder = new SseEvents();
        SseParser parser = new SseParser(recorder, 64);
        String forty = "y".repeat(40);

        for (int i = 0; i < 10; i++) {
            parser.feed(utf8("data: " + forty + "\n\n"));
        }
        parser.end();

        assertThat(recorder.events).hasSize(10).allSatisfy(e -> assertThat(e.text()).isEqualTo(forty));
    }

    @Test
    void appliesTheSizeLimitIndependentlyOfChunkBoundaries() {
        int limit = 64;
        for (int size = limit - 10; size <= limit + 10; size++) {
            byte[] stream = utf8("data: " + "z".repeat(size) + "\n\n");
            boolean acceptedWhole = accepts(limit, stream, stream.length);
            for (int cut = 1; cut < stream.length; cut++) {
                assertThat(accepts(limit, stream, cut))
                        .as("payload of %d bytes with limit %d: whole stream %s, split at byte %d", size, limit,
                                acceptedWhole ? "accepted" : "rejected", cut)
                        .isEqualTo(acceptedWhole);
            }
        }
    }

    private static boolean accepts(int limit, byte[] stream, int cut) {
        SseParser parser = new SseParser(new SseEvents(), limit);
        try {
            parser.feed(stream, 0, cut);
            parser.feed(stream, cut, stream.length - cut);
            parser.end();
            return true;
        } catch (SseException e) {
            return false;
        }
    }
}
