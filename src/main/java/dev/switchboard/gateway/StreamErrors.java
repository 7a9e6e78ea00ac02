package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.time.Clock;

/**
 * The chunk that ends a stream which failed after it began (OpenRouter's shape): a top-level
 * {@code error} and one choice with {@code finish_reason: "error"}, carrying the usage of what
 * was generated so nothing already produced goes unmetered.
 */
final class StreamErrors {
    private StreamErrors() {
    }

    static byte[] chunk(String id, String model, String provider, Clock clock, int code, String message,
                        JsonNode usage) {
        ObjectNode chunk = Json.object()
                .put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", clock.millis() / 1000)
                .put("model", model)
                .put("provider", provider);
        chunk.putObject("error").put("code", code).put("message", message);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta").put("content", "");
        choice.put("finish_reason", "error");
        if (usage != null) {
            chunk.set("usage", usage);
        }
        return Json.bytes(chunk);
    }

    /** The usage chunk sent before {@code [DONE]} when the provider sent none. */
    static byte[] usageChunk(String id, String model, String provider, Clock clock, JsonNode usage) {
        ObjectNode chunk = Json.object()
                .put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", clock.millis() / 1000)
                .put("model", model)
                .put("provider", provider);
        chunk.putArray("choices");
        chunk.set("usage", usage);
        return Json.bytes(chunk);
    }
}
