package dev.switchboard.presets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.presets.PresetMerge.Api;

/**
 * Puts a preset's system prompt before the request's own instructions: a first system message (chat),
 * the first block of {@code system} (Messages API), the start of {@code instructions} (Responses API).
 */
final class SystemPrompts {

    private SystemPrompts() {
    }

    static void prepend(Api api, ObjectNode body, String prompt) {
        switch (api) {
            case CHAT -> chat(body, prompt);
            case MESSAGES -> messages(body, prompt);
            case RESPONSES -> responses(body, prompt);
        }
    }

    private static void chat(ObjectNode body, String prompt) {
        if (body.get("messages") instanceof ArrayNode messages) {
            messages.insertObject(0).put("role", "system").put("content", prompt);
        }
        // no messages array: left as it is for the decoder to report
    }

    private static void messages(ObjectNode body, String prompt) {
        JsonNode system = body.get("system");
        if (system == null || system.isNull() || system.isTextual() && system.asText().isEmpty()) {
            body.put("system", prompt);
            return;
        }
        ArrayNode blocks = JsonNodeFactory.instance.arrayNode();
        blocks.addObject().put("type", "text").put("text", prompt);
        if (system.isTextual()) {
            blocks.addObject().put("type", "text").put("text", system.asText());
        } else if (system.isArray()) {
            blocks.addAll((ArrayNode) system);
        } else {
            return; // a malformed system is the decoder's to report
        }
        body.set("system", blocks);
    }

    private static void responses(ObjectNode body, String prompt) {
        JsonNode instructions = body.get("instructions");
        if (instructions == null || instructions.isNull() || instructions.isTextual() && instructions.asText().isEmpty()) {
            body.put("instructions", prompt);
        } else if (instructions.isTextual()) {
            body.put("instructions", prompt + "\n\n" + instructions.asText());
        }
    }
}
