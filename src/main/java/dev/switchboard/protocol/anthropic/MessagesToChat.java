package dev.switchboard.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;

import java.util.HashSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An Anthropic Messages request ({@code POST /v1/messages}) in the canonical form: the OpenAI Chat
 * Completions request the gateway routes. {@code system} becomes a system message, content blocks
 * become content parts, {@code tool_use} blocks become {@code tool_calls}, {@code tool_result}
 * blocks become {@code tool} messages (placed before the rest of their user turn), and the
 * sampling and tool settings map to their OpenAI names. A {@code system} turn inside
 * {@code messages} (Anthropic accepts them anywhere; Claude Code sends one after the first user
 * turn) becomes a system message in the same place. {@code output_config.effort} (top level, or on
 * a turn, where it applies from that turn on) and {@code thinking} become {@code reasoning_effort};
 * tools with {@code defer_loading} are left out unless a {@code tool_reference} block loaded them.
 * Switchboard's routing extensions ({@code models}, {@code provider}) pass through. Thinking
 * blocks are dropped: a non-Anthropic upstream cannot use them (docs/protocols.md lists what else
 * is lossy and the rule for each newer member).
 */
public final class MessagesToChat {
    /** Members copied unchanged: OpenAI shares the name and meaning, or they are Switchboard extensions. */
    private static final Set<String> SAME = Set.of("temperature", "top_p", "top_k", "stream", "models", "provider");
    /** Members without an OpenAI counterpart; accepted and not forwarded. */
    private static final Set<String> DROPPED = Set.of("thinking", "container", "mcp_servers", "service_tier",
            "context_management", "output_config", "cache_control", "inference_geo");

    private MessagesToChat() {
    }

    /**
     * A Messages request in the canonical form: the chat completions body, and the Anthropic server tools
     * it offered ({@code web_search_20250305}, {@code bash_20250124}, …), which only an Anthropic upstream
     * runs and the chat body leaves out.
     */
    public record Translation(byte[] chat, List<String> serverTools) {
    }

    /** The chat completions request for an Anthropic Messages body; fails with the offending field. */
    public static byte[] toChat(byte[] body) {
        return translate(body).chat();
    }

    /** As {@link #toChat}, with the server tools it left out. */
    public static Translation translate(byte[] body) {
        JsonNode root = parse(body);
        ObjectNode chat = Json.object();
        ArrayNode messages = Json.MAPPER.createArrayNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            String name = member.getKey();
            JsonNode value = member.getValue();
            switch (name) {
                case "model" -> chat.set("model", value);
                case "max_tokens" -> chat.set("max_tokens", value);
                case "messages", "system", "tools", "tool_choice" -> {
                    // handled below, in a fixed order
                }
                case "stop_sequences" -> chat.set("stop", value);
                case "metadata" -> {
                    if (value.hasNonNull("user_id")) {
                        chat.set("user", value.get("user_id"));
                    }
                }
                default -> {
                    if (SAME.contains(name)) {
                        chat.set(name, value);
                    } else if (!DROPPED.contains(name)) {
                        // unknown members pass through, as on the chat completions endpoint
                        chat.set(name, value);
                    }
                }
            }
        }
        if (!root.hasNonNull("model")) {
            throw new InvalidRequestException("model", "model: field required");
        }
        if (!root.hasNonNull("max_tokens")) {
            throw new InvalidRequestException("max_tokens", "max_tokens: field required");
        }
        if (!root.get("max_tokens").canConvertToLong() || root.get("max_tokens").asLong() < 1) {
            throw new InvalidRequestException("max_tokens", "max_tokens: expected a positive integer");
        }
        system(root.get("system"), messages);
        JsonNode turns = root.get("messages");
        if (turns == null || !turns.isArray()) {
            throw new InvalidRequestException("messages", "messages: expected a list of messages");
        }
        for (int i = 0; i < turns.size(); i++) {
            turn(turns.get(i), "messages." + i, messages);
        }
        chat.set("messages", messages);
        List<String> serverTools = new ArrayList<>(0);
        tools(root.get("tools"), root.get("tool_choice"), referencedTools(turns), chat, serverTools);
        String effort = ReasoningEffort.of(root, turns);
        if (effort != null && !chat.has("reasoning_effort")) {
            chat.put("reasoning_effort", effort);
        }
        if (chat.path("stream").asBoolean(false)) {
            chat.putObject("stream_options").put("include_usage", true);
        }
        return new Translation(Json.bytes(chat), serverTools);
    }

    private static JsonNode parse(byte[] body) {
        JsonNode root = Json.parseRequest(body);
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException(null, "the body must be a JSON object");
        }
        return root;
    }

    private static void system(JsonNode system, ArrayNode messages) {
        if (system == null || system.isNull()) {
            return;
        }
        messages.addObject().put("role", "system").put("content", systemText(system, "system"));
    }

    /** A system prompt (top level or a system turn's content): a string or text blocks, joined with newlines. */
    private static String systemText(JsonNode system, String path) {
        if (system.isTextual()) {
            return system.asText();
        }
        if (!system.isArray()) {
            throw new InvalidRequestException(path, path + ": expected a string or a list of text blocks");
        }
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            if (!"text".equals(block.path("type").asText())) {
                throw new InvalidRequestException(path + "." + i + ".type", path + "." + i + ".type: expected \"text\"");
            }
            if (!joined.isEmpty()) {
                joined.append('\n');
            }
            joined.append(block.path("text").asText());
        }
        return joined.toString();
    }

    private static void turn(JsonNode message, String path, ArrayNode messages) {
        if (!message.isObject()) {
            throw new InvalidRequestException(path, path + ": expected an object with a role and content");
        }
        String role = message.path("role").asText("");
        JsonNode content = message.get("content");
        if (!role.equals("user") && !role.equals("assistant") && !role.equals("system")) {
            throw new InvalidRequestException(path + ".role",
                    path + ".role: expected \"user\", \"assistant\" or \"system\"");
        }
        if (role.equals("system")) {
            // in place: it applies from here on (an OpenAI system message means the same)
            messages.addObject().put("role", "system").put("content", systemText(content == null ? NullNode.getInstance()
                    : content, path + ".content"));
            return;
        }
        if (content == null || !(content.isTextual() || content.isArray())) {
            throw new InvalidRequestException(path + ".content", path + ".content: expected a string or a list of blocks");
        }
        if (content.isTextual()) {
            messages.addObject().put("role", role).put("content", content.asText());
            return;
        }
        if (role.equals("assistant")) {
            assistant(content, path, messages);
        } else {
            user(content, path, messages);
        }
    }

    /** Text and tool calls; thinking blocks are dropped. */
    private static void assistant(JsonNode blocks, String path, ArrayNode messages) {
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.MAPPER.createArrayNode();
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode block = blocks.get(i);
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject();
                    call.put("id", block.path("id").asText());
                    call.put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText())
                            .put("arguments", Json.string(block.has("input") ? block.get("input") : Json.object()));
                }
                case "thinking", "redacted_thinking" -> {
                    // a signature only an Anthropic upstream can check: not forwarded
                }
                default -> throw new InvalidRequestException(path + ".content." + i + ".type",
                        path + ".content." + i + ".type: \"" + block.path("type").asText() + "\" is not supported in assistant turns");
            }
        }
        ObjectNode out = messages.addObject().put("role", "assistant");
        if (text.isEmpty() && !calls.isEmpty()) {
            out.putNull("content");
        } else {
            out.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            out.set("tool_calls", calls);
        }
    }

    /** Tool results become tool messages first; the rest of the turn follows as one user message. */
    private static void user(JsonNode blocks, String path, ArrayNode messages) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode block = blocks.get(i);
            String at = path + ".content." + i;
            switch (block.path("type").asText()) {
                case "text" -> parts.addObject().put("type", "text").put("text", block.path("text").asText());
                case "image" -> parts.add(image(block.path("source"), at));
                case "document" -> parts.add(document(block.path("source"), block, at));
                case "tool_result" -> {
                    ObjectNode tool = messages.addObject().put("role", "tool")
                            .put("tool_call_id", block.path("tool_use_id").asText());
                    String result = toolResultText(block.get("content"));
                    tool.put("content", block.path("is_error").asBoolean(false) && !result.startsWith("Error")
                            ? "Error: " + result : result);
                }
                default -> throw new InvalidRequestException(at + ".type",
                        at + ".type: \"" + block.path("type").asText() + "\" is not supported");
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        ObjectNode out = messages.addObject().put("role", "user");
        if (parts.size() == 1 && parts.get(0).path("type").asText().equals("text")) {
            out.put("content", parts.get(0).path("text").asText());
        } else {
            out.set("content", parts);
        }
    }

    private static ObjectNode image(JsonNode source, String path) {
        String url = switch (source.path("type").asText()) {
            case "base64" -> "data:" + source.path("media_type").asText("image/png") + ";base64," + source.path("data").asText();
            case "url" -> source.path("url").asText();
            default -> throw new InvalidRequestException(path + ".source.type",
                    path + ".source.type: expected \"base64\" or \"url\"");
        };
        ObjectNode part = Json.object().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    /** A base64 PDF becomes an OpenAI file part; plain-text documents become text. */
    private static ObjectNode document(JsonNode source, JsonNode block, String path) {
        switch (source.path("type").asText()) {
            case "base64" -> {
                ObjectNode part = Json.object().put("type", "file");
                part.putObject("file")
                        .put("filename", block.path("title").asText("document.pdf"))
                        .put("file_data", "data:" + source.path("media_type").asText("application/pdf") + ";base64,"
                                + source.path("data").asText());
                return part;
            }
            case "text" -> {
                return Json.object().put("type", "text").put("text", source.path("data").asText());
            }
            default -> throw new InvalidRequestException(path + ".source.type",
                    path + ".source.type: expected \"base64\" or \"text\" for documents");
        }
    }

    private static String toolResultText(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if (block.path("type").asText().equals("text")) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(block.path("text").asText());
            }
        }
        return text.toString();
    }

    /** Names of tools a tool search loaded: {@code tool_reference} blocks in tool results. */
    private static Set<String> referencedTools(JsonNode turns) {
        Set<String> names = new HashSet<>();
        for (JsonNode turn : turns) {
            for (JsonNode block : turn.path("content")) {
                for (JsonNode inner : block.path("content")) {
                    if ("tool_reference".equals(inner.path("type").asText())) {
                        names.add(inner.path("tool_name").asText());
                    }
                }
            }
        }
        return names;
    }

    private static void tools(JsonNode tools, JsonNode choice, Set<String> loaded, ObjectNode chat,
                              List<String> serverTools) {
        if (tools != null && !tools.isNull() && !tools.isArray()) {
            throw new InvalidRequestException("tools", "tools: expected a list of tools");
        }
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (int i = 0; i < tools.size(); i++) {
                JsonNode tool = tools.get(i);
                String at = "tools." + i;
                if (!tool.isObject()) {
                    throw new InvalidRequestException(at, at + ": expected an object");
                }
                if (tool.has("type") && !tool.path("type").asText().equals("custom")) {
                    // Anthropic server tools (web_search_20250305, bash, ...) run only on an Anthropic upstream
                    serverTools.add(tool.path("type").asText());
                    continue;
                }
                if (!tool.path("name").isTextual() || tool.path("name").asText().isBlank()) {
                    throw new InvalidRequestException(at + ".name", at + ".name: field required (a non-empty string)");
                }
                if (tool.path("defer_loading").asBoolean(false) && !loaded.contains(tool.path("name").asText())) {
                    // Anthropic shows a deferred tool to the model only once a tool search loaded it
                    continue;
                }
                ObjectNode function = out.addObject().put("type", "function").putObject("function");
                function.put("name", tool.path("name").asText());
                if (tool.has("description")) {
                    function.set("description", tool.get("description"));
                }
                function.set("parameters", tool.has("input_schema") ? tool.get("input_schema")
                        : Json.object().put("type", "object"));
            }
            if (!out.isEmpty()) {
                chat.set("tools", out);
            }
        }
        if (choice == null || choice.isNull()) {
            return;
        }
        switch (choice.path("type").asText()) {
            case "auto" -> chat.put("tool_choice", "auto");
            case "any" -> chat.put("tool_choice", "required");
            case "none" -> chat.put("tool_choice", "none");
            case "tool" -> {
                ObjectNode named = chat.putObject("tool_choice").put("type", "function");
                named.putObject("function").put("name", choice.path("name").asText());
            }
            default -> throw new InvalidRequestException("tool_choice.type",
                    "tool_choice.type: expected auto, any, tool or none");
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
            chat.put("parallel_tool_calls", false);
        }
    }
}
