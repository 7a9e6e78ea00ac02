package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** A function the model may call: its name, what it does, and its arguments as a JSON Schema object. */
public record Tool(String name, String description, JsonNode parameters) {
    public Tool {
        requireNonNull(name, "name");
        requireNonNull(description, "description");
        requireNonNull(parameters, "parameters");
        if (!parameters.isObject()) {
            throw new IllegalArgumentException("parameters: " + parameters.getNodeType() + " (expected: a JSON Schema object)");
        }
    }

    /** A tool whose schema is written as maps and lists, e.g. {@code Map.of("type", "object", "properties", ...)}. */
    public static Tool of(String name, String description, Map<String, ?> parameters) {
        return new Tool(name, description, Json.MAPPER.valueToTree(requireNonNull(parameters, "parameters")));
    }
}
