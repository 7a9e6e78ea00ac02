package dev.switchboard.protocol.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helper: records what an {@link SseParser} delivers, byte-exactly. */
final class SseEvents implements SseParser.Listener {

    /** One dispatched event; {@code data} holds the payload bytes one char per byte (ISO-8859-1), so equality is byte equality. */
    record Event(String type, String data) {
        static Event of(String type, String utf8Data) {
            return new Event(type, new String(utf8Data.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        }

        byte[] bytes() {
            return data.getBytes(StandardCharsets.ISO_8859_1);
        }

        String text() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }
    }

    static final int NO_LIMIT = 1 << 24;

    final List<Event> events = new ArrayList<>();
    final List<String> comments = new ArrayList<>();

    @Override
    public void onEvent(String event, byte[] data) {
        events.add(new Event(event, new String(data, StandardCharsets.ISO_8859_1)));
    }

    @Override
    public void onComment(byte[] line, int from, int to) {
        comments.add(new String(line, from, to - from, StandardCharsets.UTF_8));
    }

    /** Feeds each chunk in turn, then ends the stream. */
    static List<Event> parse(byte[]... chunks) {
        SseEvents recorder = new SseEvents();
        SseParser parser = new SseParser(recorder, NO_LIMIT);
        for (byte[] chunk : chunks) {
            parser.feed(chunk);
        }
        parser.end();
        return recorder.events;
    }

    static List<Event> parse(String utf8) {
        return parse(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** Feeds {@code bytes} as two chunks split at {@code cut} (using the offset API), then ends. */
    static List<Event> parseSplit(byte[] bytes, int cut) {
        SseEvents recorder = new SseEvents();
        SseParser parser = new SseParser(recorder, NO_LIMIT);
        parser.feed(bytes, 0, cut);
        parser.feed(bytes, cut, bytes.length - cut);
        parser.end();
        return recorder.events;
    }

    static List<Event> parseByteByByte(byte[] bytes) {
        SseEvents recorder = new SseEvents();
        SseParser parser = new SseParser(recorder, NO_LIMIT);
        for (byte b : bytes) {
            parser.feed(new byte[] {b});
        }
        parser.end();
        return recorder.events;
    }
}
