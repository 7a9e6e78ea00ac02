package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One streamed chunk: the text it adds ({@code ""} when none), tool-call pieces, the finish reason
 * on the choice's last chunk (else null), and, on the stream's last chunk, the usage with cost.
 */
public record ChatChunk(String id, String model, String provider, String content, List<ToolCallDelta> toolCalls,
                        String finishReason, Optional<Usage> usage, JsonNode raw) {
    public ChatChunk {
        toolCalls = List.copyOf(toolCalls);
    }

    static ChatChunk from(JsonNode chunk) {
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        List<ToolCallDelta> calls = new ArrayList<>();
        for (JsonNode call : delta.path("tool_calls")) {
            JsonNode function = call.path("function");
            calls.add(new ToolCallDelta(call.path("index").asInt(), Json.text(call, "id"), Json.text(function, "name"),
                    Json.text(function, "arguments")));
        }
        JsonNode usage = chunk.get("usage");
        String content = Json.text(delta, "content");
        return new ChatChunk(Json.text(chunk, "id"), Json.text(chunk, "model"), Json.text(chunk, "provider"),
                content == null ? "" : content, calls, Json.text(choice, "finish_reason"),
                usage == null || !usage.isObject() ? Optional.empty() : Optional.of(Usage.from(usage)), chunk);
    }
}
