package dev.switchboard.presets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A preset's tools and a request's, unioned (features/presets.mdx, "How preset tools merge with
 * request tools"): a request tool replaces the preset's tool of the same identity in its place; the
 * request's other tools follow the preset's. Identity: a function's name; an {@code openrouter:advisor}
 * or {@code openrouter:subagent}'s type and {@code parameters.name}; any other tool's type.
 */
final class ToolUnion {

    private ToolUnion() {
    }

    static ArrayNode of(ArrayNode presetTools, ArrayNode requestTools) {
        Map<String, JsonNode> union = new LinkedHashMap<>();
        int anonymous = 0;
        for (JsonNode tool : presetTools) {
            String id = identity(tool);
            union.put(id != null ? id : "#" + anonymous++, tool.deepCopy());
        }
        for (JsonNode tool : requestTools) {
            String id = identity(tool);
            union.put(id != null ? id : "#" + anonymous++, tool);
        }
        ArrayNode tools = JsonNodeFactory.instance.arrayNode();
        union.values().forEach(tools::add);
        return tools;
    }

    /** A tool's identity, or null when it has none (a malformed tool, kept as it is). */
    static String identity(JsonNode tool) {
        String type = tool.path("type").asText(null);
        if (type == null) {
            return null;
        }
        return switch (type) {
            case "function" -> tool.path("function").path("name").isTextual()
                    ? "function:" + tool.path("function").path("name").asText() : null;
            case "openrouter:advisor", "openrouter:subagent" -> type + ":" + tool.path("parameters").path("name").asText("");
            default -> type;
        };
    }
}
