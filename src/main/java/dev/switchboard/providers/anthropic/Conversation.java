package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI {@code messages} as Anthropic's {@code system} and {@code messages}. System and developer
 * messages are hoisted (Anthropic has one system prompt); consecutive turns of one role are merged
 * (Anthropic merges them anyway); every {@code tool} message becomes a {@code tool_result} block at
 * the front of a user turn, before that turn's text (tool-use docs: tool results come first).
 */
final class Conversation {
    private final List<ObjectNode> system = new ArrayList<>();
    private final ArrayNode turns = Json.MAPPER.createArrayNode();
    private String lastRole;

    private Conversation() {
    }

    static Conversation of(JsonNode messages) {
        Conversation conversation = new Conversation();
        for (int i = 0; i < messages.size(); i++) {
            conversation.add(messages.get(i), "messages[" + i + "]");
        }
        if (conversation.turns.isEmpty()) {
            throw new InvalidRequestException("messages", "messages: at least one user or assistant message is required");
        }
        return conversation;
    }

    /**
     * The system prompt: one string, the pieces joined with a newline as Anthropic's OpenAI
     * compatibility layer does; or, when a piece carries {@code cache_control}, the text blocks
     * themselves so the breakpoint survives. Null when there was none.
     */
    JsonNode system() {
        if (system.isEmpty()) {
            return null;
        }
        if (system.stream().anyMatch(block -> block.has("cache_control"))) {
            ArrayNode blocks = Json.MAPPER.createArrayNode();
            system.forEach(blocks::add);
            return blocks;
        }
        StringBuilder joined = new StringBuilder();
        for (ObjectNode block : system) {
            if (!joined.isEmpty()) {
                joined.append('\n');
            }
            joined.append(block.get("text").asText());
        }
        return Json.MAPPER.getNodeFactory().textNode(joined.toString());
    }

    ArrayNode turns() {
        return turns;
    }

    private void add(JsonNode message, String at) {
        String role = message.path("role").asText("");
        JsonNode content = message.get("content");
        switch (role) {
            case "system", "developer" -> addSystem(content, at + ".content");
            case "user" -> addUser(content, at + ".content");
            case "assistant" -> addAssistant(message, at);
            case "tool" -> addToolResult(message, at);
            case "function" -> throw new InvalidRequestException(at + ".role",
                    at + ".role: the deprecated \"function\" role is not supported with Anthropic upstreams; use tools");
            default -> throw new InvalidRequestException(at + ".role", at + ".role: unknown role \"" + role + "\"");
        }
    }

    private void addSystem(JsonNode content, String at) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        ContentParts.append(content, at, blocks, false);
        for (JsonNode block : blocks) {
            if (!block.path("type").asText().equals("text")) {
                throw new InvalidRequestException(at, at + ": a system message can only hold text");
            }
            system.add((ObjectNode) block);
        }
    }

    private void addUser(JsonNode content, String at) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        ContentParts.append(content, at, blocks, true);
        if (!blocks.isEmpty()) {
            blocks("user").addAll(blocks);
        }
    }

    /**
     * Thinking blocks first (from OpenRouter's {@code reasoning_details}, signed, as this adapter
     * answers them), then text, then one {@code tool_use} per tool call; empty text is dropped
     * (Anthropic rejects it).
     */
    private void addAssistant(JsonNode message, String at) {
        if (message.hasNonNull("function_call")) {
            throw new InvalidRequestException(at + ".function_call", at
                    + ".function_call: the deprecated function_call is not supported with Anthropic upstreams; use tool_calls");
        }
        ArrayNode content = Json.MAPPER.createArrayNode();
        for (JsonNode detail : message.path("reasoning_details")) {
            // only signed thinking can go back: Anthropic rejects thinking blocks it did not sign
            if (detail.path("type").asText().equals("reasoning.text") && detail.hasNonNull("signature")) {
                content.addObject().put("type", "thinking").put("thinking", detail.path("text").asText(""))
                        .put("signature", detail.get("signature").asText());
            } else if (detail.path("type").asText().equals("reasoning.encrypted")) {
                content.addObject().put("type", "redacted_thinking").put("data", detail.path("data").asText(""));
            }
        }
        ContentParts.append(message.get("content"), at + ".content", content, false);
        JsonNode calls = message.path("tool_calls");
        for (int i = 0; i < calls.size(); i++) {
            content.add(toolUse(calls.get(i), at + ".tool_calls[" + i + "]"));
        }
        if (!content.isEmpty()) {
            blocks("assistant").addAll(content);
        }
    }

    private static ObjectNode toolUse(JsonNode call, String at) {
        JsonNode function = call.path("function");
        String id = call.path("id").asText("");
        String name = function.path("name").asText("");
        if (id.isEmpty() || name.isEmpty()) {
            throw new InvalidRequestException(at, at + ": a tool call needs an id and a function name");
        }
        ObjectNode block = Json.object().put("type", "tool_use").put("id", id).put("name", name);
        block.set("input", arguments(function.path("arguments").asText(""), at + ".function.arguments"));
        return block;
    }

    /** The arguments JSON string as the object Anthropic wants; blank means no arguments. */
    private static JsonNode arguments(String arguments, String at) {
        if (arguments.isBlank()) {
            return Json.object();
        }
        try {
            JsonNode input = Json.MAPPER.readTree(arguments);
            if (input != null && input.isObject()) {
                return input;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw new InvalidRequestException(at, at + ": expected a JSON object (Anthropic needs tool call arguments as an object)");
    }

    private void addToolResult(JsonNode message, String at) {
        String id = message.path("tool_call_id").asText("");
        if (id.isEmpty()) {
            throw new InvalidRequestException(at + ".tool_call_id", at + ".tool_call_id: required");
        }
        ObjectNode result = Json.object().put("type", "tool_result").put("tool_use_id", id);
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            if (!content.asText().isEmpty()) {
                result.put("content", content.asText());
            }
        } else if (content != null && !content.isNull()) {
            ArrayNode blocks = result.putArray("content");
            ContentParts.append(content, at + ".content", blocks, false);
            if (blocks.isEmpty()) {
                result.remove("content");
            }
        }
        ArrayNode blocks = blocks("user");
        int firstNonResult = 0;
        while (firstNonResult < blocks.size() && blocks.get(firstNonResult).path("type").asText().equals("tool_result")) {
            firstNonResult++;
        }
        blocks.insert(firstNonResult, result);
    }

    /** The content of the current turn of {@code role}: the last turn when it has that role, else a new one. */
    private ArrayNode blocks(String role) {
        if (role.equals(lastRole)) {
            return (ArrayNode) turns.get(turns.size() - 1).get("content");
        }
        lastRole = role;
        ObjectNode turn = turns.addObject().put("role", role);
        return turn.putArray("content");
    }
}
