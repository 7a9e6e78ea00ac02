package dev.switchboard.protocol.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import static dev.switchboard.protocol.responses.Fields.invalid;

/**
 * Responses tools as Chat Completions functions. {@code function} tools map one to one;
 * a {@code custom} tool (free-text input, optionally a grammar) becomes a function with one string
 * parameter {@code input}, and its calls go back to the client as {@code custom_tool_call} with
 * that string; {@code namespace} tools are flattened ({@link ToolNames}). Hosted tools (web search,
 * file search, code interpreter, ...) have no chat form: they are only listed, for the caller to
 * report or to route to an upstream that runs them.
 */
final class ToolsToChat {
    private final ToolNames names;
    private final ArrayNode functions = Json.MAPPER.createArrayNode();
    private final Set<String> hosted = new LinkedHashSet<>();

    ToolsToChat(ToolNames names) {
        this.names = names;
    }

    /** Checks and adds a list of tools ({@code tools}, or an {@code additional_tools} item's). */
    void addAll(JsonNode tools, String path) {
        if (Fields.absent(tools)) {
            return;
        }
        if (!tools.isArray()) {
            throw invalid(path, "expected a list of tools");
        }
        for (int i = 0; i < tools.size(); i++) {
            add(tools.get(i), null, "", path + "[" + i + "]");
        }
    }

    private void add(JsonNode tool, String namespace, String namespaceDescription, String path) {
        if (!tool.isObject()) {
            throw invalid(path, "expected a tool object");
        }
        String type = Fields.string(tool, "type", path);
        switch (type) {
            case "function" -> function(tool, namespace, namespaceDescription, path);
            case "custom" -> custom(tool, namespace, namespaceDescription, path);
            case "namespace" -> {
                if (namespace != null) {
                    throw invalid(path + ".type", "a namespace cannot hold another namespace");
                }
                String name = Fields.string(tool, "name", path);
                JsonNode inner = tool.get("tools");
                if (inner == null || !inner.isArray()) {
                    throw invalid(path + ".tools", "expected a list of function or custom tools");
                }
                String description = tool.path("description").asText("");
                for (int i = 0; i < inner.size(); i++) {
                    add(inner.get(i), name, description, path + ".tools[" + i + "]");
                }
            }
            default -> hosted.add(type);
        }
    }

    private void function(JsonNode tool, String namespace, String namespaceDescription, String path) {
        String name = Fields.string(tool, "name", path);
        ObjectNode function = functions.addObject().put("type", "function").putObject("function");
        function.put("name", names.add(namespace, name, false));
        describe(function, tool, namespaceDescription);
        JsonNode parameters = tool.get("parameters");
        function.set("parameters", parameters != null && parameters.isObject() ? parameters : Json.object().put("type", "object"));
        if (tool.has("strict") && tool.get("strict").isBoolean()) {
            function.set("strict", tool.get("strict"));
        }
    }

    /** A custom tool as a function of one string, {@code input}; a grammar, if any, is shown to the model in its description. */
    private void custom(JsonNode tool, String namespace, String namespaceDescription, String path) {
        String name = Fields.string(tool, "name", path);
        ObjectNode function = functions.addObject().put("type", "function").putObject("function");
        function.put("name", names.add(namespace, name, true));
        describe(function, tool, namespaceDescription);
        ObjectNode parameters = function.putObject("parameters").put("type", "object");
        ObjectNode input = parameters.putObject("properties").putObject("input").put("type", "string");
        JsonNode format = tool.path("format");
        if (format.path("type").asText().equals("grammar") && format.hasNonNull("definition")) {
            input.put("description", "The tool's input, written in this " + format.path("syntax").asText("")
                    + " grammar:\n" + format.path("definition").asText());
        } else {
            input.put("description", "The tool's input as free text.");
        }
        parameters.putArray("required").add("input");
        parameters.put("additionalProperties", false);
    }

    private static void describe(ObjectNode function, JsonNode tool, String namespaceDescription) {
        String description = tool.path("description").asText("");
        if (!namespaceDescription.isEmpty()) {
            description = description.isEmpty() ? namespaceDescription : namespaceDescription + "\n\n" + description;
        }
        if (!description.isEmpty()) {
            function.put("description", description);
        }
    }

    ArrayNode functions() {
        return functions;
    }

    Set<String> hosted() {
        return hosted;
    }

    /**
     * {@code tool_choice} in chat form: the string modes as they are, a named function or custom tool
     * as a named function. Empty for a hosted tool (see {@link #forcedHostedTool}) or when absent.
     */
    Optional<JsonNode> choice(JsonNode choice) {
        if (Fields.absent(choice)) {
            return Optional.empty();
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto", "none", "required" -> Optional.of(choice);
                default -> throw invalid("tool_choice", "expected auto, none, required or a tool object");
            };
        }
        if (!choice.isObject()) {
            throw invalid("tool_choice", "expected auto, none, required or a tool object");
        }
        String type = Fields.string(choice, "type", "tool_choice");
        return switch (type) {
            case "function", "custom" -> {
                String name = Fields.string(choice, "name", "tool_choice");
                ObjectNode named = Json.object().put("type", "function");
                named.putObject("function").put("name", names.chatName(Fields.optionalString(choice, "namespace", "tool_choice"), name));
                yield Optional.of(named);
            }
            case "allowed_tools" -> Optional.of(allowedTools(choice));
            default -> Optional.empty();
        };
    }

    /** The hosted tool type that {@code tool_choice} forces ({@code {"type": "web_search_preview"}}, {@code mcp}, ...). */
    static Optional<String> forcedHostedTool(JsonNode choice) {
        if (choice == null || !choice.isObject()) {
            return Optional.empty();
        }
        String type = choice.path("type").asText("");
        return switch (type) {
            case "", "function", "custom", "allowed_tools" -> Optional.empty();
            default -> Optional.of(type);
        };
    }

    /** {@code {type: allowed_tools, mode, tools}}: chat has the same choice with the tools as named functions. */
    private JsonNode allowedTools(JsonNode choice) {
        ObjectNode out = Json.object().put("type", "allowed_tools");
        ObjectNode allowed = out.putObject("allowed_tools").put("mode", choice.path("mode").asText("auto"));
        ArrayNode tools = allowed.putArray("tools");
        for (JsonNode tool : choice.path("tools")) {
            String type = tool.path("type").asText("");
            if (type.equals("function") || type.equals("custom")) {
                tools.addObject().put("type", "function").putObject("function")
                        .put("name", names.chatName(tool.path("namespace").asText(null), tool.path("name").asText("")));
            }
        }
        return out;
    }
}
