package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary ConverseStream bodies for tests, framed by the AWS event-stream library from decoded
 * events (one {@code {"<eventType>": payload}} JSON object per line, as in
 * bedrock/converse_stream_tool_use.events.jsonl), with the headers the live capture shows.
 */
public final class EventFrames {
    private EventFrames() {
    }

    public static byte[] fromJsonLines(String jsonl) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : jsonl.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode event = Json.parse(line);
            String type = event.fieldNames().next();
            write(out, event(type, Json.bytes(event.get(type))));
        }
        return out.toByteArray();
    }

    public static Message event(String type, byte[] payload) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":event-type", HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("event"));
        return new Message(headers, payload);
    }

    public static byte[] exception(String type, String payloadJson) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":message-type", HeaderValue.fromString("exception"));
        headers.put(":exception-type", HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, new Message(headers, payloadJson.getBytes(StandardCharsets.UTF_8)));
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Message message) {
        try {
            message.encode(out);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
