package dev.switchboard.presets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.presets.PresetMerge.Api;

import java.util.Map;

/**
 * A preset version taken from an inference request body (OpenRouter's {@code POST
 * /presets/{slug}/chat/completions}, {@code /messages}, {@code /responses}): only the members that
 * overlap a preset's configuration are kept, under their chat completion names, plus the system
 * prompt (the first system message's text; the Messages API's {@code system}; the Responses API's
 * {@code instructions}). Transient members ({@code messages}, {@code input}, {@code stream}, …) are
 * ignored. Pure.
 */
public final class PresetCapture {
    /** Messages and Responses API members kept, by their name in that API → the preset's name. */
    private static final Map<String, String> MESSAGES = Map.of("model", "model", "models", "models", "provider",
            "provider", "temperature", "temperature", "top_p", "top_p", "top_k", "top_k", "max_tokens", "max_tokens",
            "stop_sequences", "stop");
    private static final Map<String, String> RESPONSES = Map.of("model", "model", "models", "models", "provider",
            "provider", "temperature", "temperature", "top_p", "top_p", "max_output_tokens", "max_tokens",
            "parallel_tool_calls", "parallel_tool_calls", "top_logprobs", "top_logprobs", "reasoning", "reasoning");

    private PresetCapture() {
    }

    /** The version {@code body} of {@code api} describes, checked like one sent to the admin API. */
    public static PresetDefinition of(Api api, ObjectNode body) {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        body.fields().forEachRemaining(member -> {
            String name = switch (api) {
                case CHAT -> PresetDefinition.CONFIG_MEMBERS.contains(member.getKey()) ? member.getKey() : null;
                case MESSAGES -> MESSAGES.get(member.getKey());
                case RESPONSES -> RESPONSES.get(member.getKey());
            };
            if (name != null && !member.getValue().isNull()) {
                config.set(name, member.getValue());
            }
        });
        if (api == Api.RESPONSES && config.get("reasoning") instanceof ObjectNode reasoning) {
            config.set("reasoning", reasoning.deepCopy().retain("effort"));
        }
        return PresetDefinition.of(systemPrompt(api, body), config);
    }

    private static JsonNode systemPrompt(Api api, ObjectNode body) {
        String prompt = switch (api) {
            case CHAT -> firstSystemMessage(body.get("messages"));
            case MESSAGES -> text(body.get("system"));
            case RESPONSES -> text(body.get("instructions"));
        };
        return prompt == null ? null : TextNode.valueOf(prompt);
    }

    private static String firstSystemMessage(JsonNode messages) {
        if (messages == null || !messages.isArray()) {
            return null;
        }
        for (JsonNode message : messages) {
            String role = message.path("role").asText();
            if (role.equals("system") || role.equals("developer")) {
                return text(message.get("content"));
            }
        }
        return null;
    }

    /** A string, or the text of an array of text parts joined by blank lines; null otherwise. */
    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) {
                text.append(text.isEmpty() ? "" : "\n\n").append(part.get("text").asText());
            }
        }
        return text.isEmpty() ? null : text.toString();
    }
}
