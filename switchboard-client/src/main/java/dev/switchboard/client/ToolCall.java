package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

import static java.util.Objects.requireNonNull;

/** A function call the model asked for: its id, the tool's name and the arguments as the JSON text it wrote. */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(arguments, "arguments");
    }

    /** The arguments parsed; a missing node when the model wrote something that is not JSON. */
    public JsonNode argumentsJson() {
        return Json.parseOrMissing(arguments);
    }
}
