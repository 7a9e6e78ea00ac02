package dev.switchboard.protocol.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.switchboard.protocol.responses.Fields.invalid;

/**
 * A request's {@code input} as a list of typed items (spec {@code InputItem}): a string becomes one
 * user message, an item without {@code type} but with a {@code role} (EasyInputMessage) a
 * {@code message}, string content a list of text parts, and every item gets an {@code id} if it
 * has none, so the items can be stored and listed ({@code GET /responses/{id}/input_items}).
 * Items are checked as far as the translation reads them; anything else is kept as sent.
 */
final class InputItems {
    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");
    private static final Set<String> INPUT_PARTS = Set.of("input_text", "input_image", "input_file", "output_text",
            "refusal", "input_audio");
    /** Id prefixes as OpenAI uses them; items of other types get "item". */
    private static final Map<String, String> ID_PREFIXES = Map.of(
            "message", "msg", "function_call", "fc", "function_call_output", "fco", "custom_tool_call", "ctc",
            "custom_tool_call_output", "ctco", "reasoning", "rs", "additional_tools", "at");
    /**
     * Items of hosted tools (they only occur where OpenAI ran the tool) and other OpenAI-side state;
     * accepted, and left out of a chat translation: their effect is in the assistant's text.
     */
    static final Set<String> HOSTED_ITEMS = Set.of("file_search_call", "computer_call", "computer_call_output",
            "web_search_call", "image_generation_call", "code_interpreter_call", "local_shell_call",
            "local_shell_call_output", "shell_call", "shell_call_output", "apply_patch_call", "apply_patch_call_output",
            "mcp_list_tools", "mcp_approval_request", "mcp_approval_response", "mcp_call", "tool_search_call",
            "tool_search_output", "compaction", "compaction_trigger", "program", "program_output");

    private InputItems() {
    }

    static List<ObjectNode> normalise(JsonNode input) {
        return normalise(input, "input");
    }

    /** As {@link #normalise(JsonNode)} for a list found at {@code path} ({@code instructions} may hold items too). */
    static List<ObjectNode> normalise(JsonNode input, String path) {
        if (Fields.absent(input)) {
            return List.of();
        }
        if (input.isTextual()) {
            return List.of(userText(input.asText()));
        }
        if (!input.isArray()) {
            throw invalid(path, "expected a string or a list of input items");
        }
        List<ObjectNode> items = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            items.add(item(input.get(i), path + "[" + i + "]"));
        }
        return List.copyOf(items);
    }

    static ObjectNode userText(String text) {
        ObjectNode item = Json.object().put("type", "message").put("id", ResponseIds.next("msg")).put("role", "user");
        item.putArray("content").addObject().put("type", "input_text").put("text", text);
        return item;
    }

    private static ObjectNode item(JsonNode item, String path) {
        if (item == null || !item.isObject()) {
            throw invalid(path, "expected an input item object");
        }
        String type = Fields.optionalString(item, "type", path);
        if (type == null) {
            if (!item.has("role")) {
                throw invalid(path + ".type", "field required (an item type such as \"message\")");
            }
            type = "message"; // EasyInputMessage
        }
        switch (type) {
            case "message" -> message(item, path);
            case "function_call" -> {
                Fields.string(item, "call_id", path);
                Fields.string(item, "name", path);
                Fields.string(item, "arguments", path);
                Fields.optionalString(item, "namespace", path);
            }
            case "custom_tool_call" -> {
                Fields.string(item, "call_id", path);
                Fields.string(item, "name", path);
                Fields.string(item, "input", path);
                Fields.optionalString(item, "namespace", path);
            }
            case "function_call_output", "custom_tool_call_output" -> {
                Fields.string(item, "call_id", path);
                JsonNode output = Fields.stringOrArray(item, "output", path, "a string or a list of output parts");
                if (output.isArray()) {
                    parts(output, path + ".output");
                }
            }
            case "additional_tools" -> {
                JsonNode tools = item.get("tools");
                if (tools == null || !tools.isArray()) {
                    throw invalid(path + ".tools", "expected a list of tools");
                }
            }
            case "item_reference" -> Fields.string(item, "id", path);
            case "reasoning" -> {
                // accepted; a chat translation leaves it out (encrypted content only its own provider reads)
            }
            default -> {
                if (!HOSTED_ITEMS.contains(type)) {
                    throw invalid(path + ".type", "unknown input item type \"" + type + "\"");
                }
            }
        }
        return withTypeAndId(type, (ObjectNode) item);
    }

    private static void message(JsonNode item, String path) {
        String role = Fields.string(item, "role", path);
        if (!ROLES.contains(role)) {
            throw invalid(path + ".role", "expected one of user, assistant, system, developer (got \"" + role + "\")");
        }
        JsonNode content = Fields.stringOrArray(item, "content", path, "a string or a list of content parts");
        if (content.isArray()) {
            parts(content, path + ".content");
        }
    }

    private static void parts(JsonNode parts, String path) {
        for (int j = 0; j < parts.size(); j++) {
            JsonNode part = parts.get(j);
            String at = path + "[" + j + "]";
            if (!part.isObject()) {
                throw invalid(at, "expected a content part object");
            }
            String type = Fields.string(part, "type", at);
            if (!INPUT_PARTS.contains(type)) {
                throw invalid(at + ".type", "unknown content part type \"" + type + "\"");
            }
            switch (type) {
                case "input_text", "output_text" -> Fields.string(part, "text", at);
                case "refusal" -> Fields.string(part, "refusal", at);
                case "input_image" -> {
                    if (Fields.optionalString(part, "image_url", at) == null && Fields.optionalString(part, "file_id", at) == null) {
                        throw invalid(at + ".image_url", "field required (an image URL or data URL, or a file_id)");
                    }
                }
                case "input_file" -> {
                    boolean any = false;
                    for (String member : List.of("file_data", "file_url", "file_id")) {
                        any |= Fields.optionalString(part, member, at) != null;
                    }
                    Fields.optionalString(part, "filename", at);
                    if (!any) {
                        throw invalid(at + ".file_data", "field required (file_data, file_url or file_id)");
                    }
                }
                default -> {
                }
            }
        }
    }

    /** The item with {@code type} and {@code id} first, string content as text parts, the rest as sent. */
    private static ObjectNode withTypeAndId(String type, ObjectNode item) {
        ObjectNode out = Json.object().put("type", type);
        out.put("id", item.hasNonNull("id") && item.get("id").isTextual() ? item.get("id").asText()
                : ResponseIds.next(ID_PREFIXES.getOrDefault(type, "item")));
        for (var it = item.fields(); it.hasNext(); ) {
            var member = it.next();
            if (!out.has(member.getKey())) {
                out.set(member.getKey(), member.getValue());
            }
        }
        if (type.equals("message") && out.path("content").isTextual()) {
            String partType = out.path("role").asText().equals("assistant") ? "output_text" : "input_text";
            ArrayNode content = Json.MAPPER.createArrayNode();
            content.addObject().put("type", partType).put("text", out.get("content").asText());
            out.set("content", content);
        }
        return out;
    }
}
