package dev.switchboard.protocol.sse;

import dev.switchboard.protocol.sse.SseEvents.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseFormatTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void wrapsAOneLinePayloadAsOneDataLine() {
        String json = "{\"id\":\"gen-1\",\"choices\":[{\"delta\":{\"content\":\"héllo 😀\"}}]}";

        assertThat(text(SseFormat.data(utf8(json)))).isEqualTo("data: " + json + "\n\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\n}",
            "line one\nline two",
            "ends with a line break\n",
            "\nstarts with a line break",
            "blank\n\nline inside",
            "unicode é\n東京 😀"})
    void writesMultiLinePayloadsAsDataLinesThatReadBackToThePayload(String payload) {
        byte[] framed = SseFormat.data(utf8(payload));
        String wire = text(framed);

        assertThat(wire).endsWith("\n\n");
        List<String> lines = List.of(wire.substring(0, wire.length() - 2).split("\n", -1));
        assertThat(lines).hasSize(payload.split("\n", -1).length).allSatisfy(l -> assertThat(l).startsWith("data: "));
        assertThat(SseEvents.parse(framed)).containsExactly(Event.of(null, payload));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\r\n  \"a\": 1\r\n}", "{\r  \"a\": 1\r}"})
    void writesCrAndCrlfPayloadsAsSeparateDataLines(String payload) {
        byte[] framed = SseFormat.data(utf8(payload));

        assertThat(text(framed)).isEqualTo("data: {\ndata:   \"a\": 1\ndata: }\n\n");
        assertThat(SseEvents.parse(framed)).containsExactly(Event.of(null, "{\n  \"a\": 1\n}"));
    }

    @Test
    void writesDoneAsTheOpenAiSentinelEvent() {
        List<Event> events = SseEvents.parse(SseFormat.DONE);

        assertThat(events).hasSize(1);
        assertThat(SseFormat.isDone(events.getFirst().bytes())).isTrue();
    }

    @Test
    void writesProcessingAsACommentThatIsNoEvent() {
        SseEvents recorder = new SseEvents();
        SseParser parser = new SseParser(recorder, 1024);

        parser.feed(SseFormat.PROCESSING);
        parser.end();

        assertThat(recorder.events).isEmpty();
        assertThat(recorder.comments).hasSize(1).allSatisfy(c -> assertThat(c).startsWith(":"));
    }

    @Test
    void recognisesOnlyTheExactDoneSentinel() {
        assertThat(SseFormat.isDone(utf8("[DONE]"))).isTrue();
        for (String other : List.of("", "[DONE", "[DONE] ", " [DONE]", "[done]", "DONE", "{\"done\":true}")) {
            assertThat(SseFormat.isDone(utf8(other))).as(other).isFalse();
        }
    }
}
