package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A chat completion: the generation id ({@code gen-...}), the model and provider that served it,
 * the first choice's text (null when it only called tools) and tool calls, why it stopped, and
 * its usage with cost. {@code raw} is the whole response for anything else.
 */
public record ChatResult(String id, String model, String provider, String content, List<ToolCall> toolCalls,
                         String finishReason, Usage usage, JsonNode raw) {
    public ChatResult {
        toolCalls = List.copyOf(toolCalls);
    }

    static ChatResult from(JsonNode body) {
        JsonNode choice = body.path("choices").path(0);
        JsonNode message = choice.path("message");
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            calls.add(new ToolCall(call.path("id").asText(), function.path("name").asText(),
                    function.path("arguments").asText("")));
        }
        return new ChatResult(Json.text(body, "id"), Json.text(body, "model"), Json.text(body, "provider"),
                Json.text(message, "content"), calls, Json.text(choice, "finish_reason"),
                Usage.from(body.path("usage")), body);
    }
}
