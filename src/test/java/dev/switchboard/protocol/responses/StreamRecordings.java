package dev.switchboard.protocol.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.sse.SseParser;
import dev.switchboard.testing.Fixtures;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helper: recorded Responses streams as events, and our SSE output parsed back with the project's SseParser. */
final class StreamRecordings {
    record Event(String name, ObjectNode data) {
        String type() {
            return data.path("type").asText();
        }
    }

    private StreamRecordings() {
    }

    /** A vercel-ai {@code *.chunks.txt} (one event JSON a line), up to and including the first terminal event. */
    static List<ObjectNode> chunksFile(String name) {
        List<ObjectNode> events = new ArrayList<>();
        for (String line : Fixtures.text("recorded/openai-responses/" + name).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            ObjectNode event = (ObjectNode) Json.parse(line);
            events.add(event);
            if (terminal(event.path("type").asText())) {
                break; // some files hold several streams of an agent loop
            }
        }
        return events;
    }

    /** A recorded SSE file, parsed. */
    static List<ObjectNode> sseFile(String path) {
        return parse(Fixtures.bytes(path)).stream().map(Event::data).toList();
    }

    static boolean terminal(String type) {
        return type.equals("response.completed") || type.equals("response.incomplete") || type.equals("response.failed");
    }

    static List<Event> parse(byte[] sse) {
        List<Event> events = new ArrayList<>();
        SseParser parser = new SseParser(new SseParser.Listener() {
            @Override
            public void onEvent(String event, byte[] data) {
                events.add(new Event(event, (ObjectNode) Json.parse(new String(data, StandardCharsets.UTF_8))));
            }
        }, 1 << 24);
        parser.feed(sse);
        parser.end();
        return events;
    }

    static List<String> types(List<ObjectNode> events) {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }

    /** The member names of an object, sorted, without OpenAI's per-delta {@code obfuscation} padding. */
    static List<String> fieldSet(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.remove("obfuscation");
        names.sort(null);
        return names;
    }
}
