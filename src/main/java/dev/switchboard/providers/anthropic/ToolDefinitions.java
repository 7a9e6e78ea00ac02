package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;

/**
 * OpenAI {@code tools}, {@code tool_choice} and {@code parallel_tool_calls} as Anthropic's
 * {@code tools} and {@code tool_choice} (MAPPING.md §1). {@code strict} is dropped, as Anthropic's
 * OpenAI compatibility layer does: Anthropic's own strict mode has other schema rules.
 */
final class ToolDefinitions {
    private ToolDefinitions() {
    }

    /** {@code tools[].function} as {@code {name, description, input_schema}}; null when there are none. */
    static ArrayNode tools(JsonNode tools) {
        if (tools == null || tools.isNull() || tools.isEmpty()) {
            return null;
        }
        if (!tools.isArray()) {
            throw new InvalidRequestException("tools", "tools: expected an array of tools");
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (int i = 0; i < tools.size(); i++) {
            out.add(tool(tools.get(i), "tools[" + i + "]"));
        }
        return out;
    }

    private static ObjectNode tool(JsonNode tool, String at) {
        String type = tool.path("type").asText("function");
        if (!type.equals("function")) {
            throw new InvalidRequestException(at + ".type", at + ".type: only function tools can be passed to Anthropic upstreams (got \""
                    + type + "\")");
        }
        JsonNode function = tool.path("function");
        String name = function.path("name").asText("");
        if (name.isEmpty()) {
            throw new InvalidRequestException(at + ".function.name", at + ".function.name: required");
        }
        ObjectNode out = Json.object().put("name", name);
        if (function.hasNonNull("description")) {
            out.put("description", function.get("description").asText());
        }
        JsonNode parameters = function.get("parameters");
        // OpenAI allows omitting parameters (no arguments); Anthropic requires an object schema
        out.set("input_schema", parameters != null && parameters.isObject() ? parameters
                : Json.object().put("type", "object").set("properties", Json.object()));
        return out;
    }

    /**
     * The Anthropic tool choice, or null when nothing needs saying. {@code parallel_tool_calls}
     * needs a choice to ride on, so it brings an {@code auto} one when the client sent none.
     */
    static ObjectNode choice(JsonNode toolChoice, JsonNode parallelToolCalls) {
        ObjectNode choice = toolChoice == null || toolChoice.isNull() ? null : choiceOf(toolChoice);
        if (parallelToolCalls != null && parallelToolCalls.isBoolean()) {
            if (choice == null) {
                choice = Json.object().put("type", "auto");
            }
            // tool_choice "none" takes no disable_parallel_tool_use (ToolChoiceNone in the spec)
            if (!choice.path("type").asText().equals("none")) {
                choice.put("disable_parallel_tool_use", !parallelToolCalls.asBoolean());
            }
        }
        return choice;
    }

    private static ObjectNode choiceOf(JsonNode toolChoice) {
        if (toolChoice.isTextual()) {
            return switch (toolChoice.asText()) {
                case "auto" -> Json.object().put("type", "auto");
                case "required" -> Json.object().put("type", "any");
                case "none" -> Json.object().put("type", "none");
                default -> throw new InvalidRequestException("tool_choice",
                        "tool_choice: expected \"auto\", \"required\", \"none\" or a function (got \"" + toolChoice.asText() + "\")");
            };
        }
        String name = toolChoice.path("function").path("name").asText("");
        if (!toolChoice.path("type").asText("").equals("function") || name.isEmpty()) {
            throw new InvalidRequestException("tool_choice",
                    "tool_choice: expected {\"type\": \"function\", \"function\": {\"name\": ...}}");
        }
        return Json.object().put("type", "tool").put("name", name);
    }

    /** Whether a choice makes the model call a tool, which extended thinking does not allow. */
    static boolean forcesToolUse(ObjectNode choice) {
        if (choice == null) {
            return false;
        }
        String type = choice.path("type").asText();
        return type.equals("any") || type.equals("tool");
    }
}
