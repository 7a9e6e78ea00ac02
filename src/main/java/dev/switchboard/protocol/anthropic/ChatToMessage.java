package dev.switchboard.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.io.IOException;

/**
 * An OpenAI {@code chat.completion} as an Anthropic {@code message}: text and tool calls become
 * content blocks, {@code finish_reason} becomes {@code stop_reason}, and usage is split the
 * Anthropic way (cache reads and writes outside {@code input_tokens}). Switchboard's additions
 * ({@code provider}, {@code usage.cost}) are kept; Anthropic clients ignore what they don't know.
 */
public final class ChatToMessage {
    /** Where an Anthropic upstream's own message rides in a completion (set by the Anthropic adapter). */
    static final String ORIGINAL = "x_anthropic_message";
    private ChatToMessage() {
    }

    public static byte[] fromCompletion(byte[] completionJson) {
        JsonNode completion = Json.parse(completionJson);
        if (completion.path(ORIGINAL).isObject()) {
            return original(completion, (ObjectNode) completion.get(ORIGINAL));
        }
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        ObjectNode out = Json.object()
                .put("id", completion.path("id").asText())
                .put("type", "message")
                .put("role", "assistant")
                .put("model", completion.path("model").asText());
        ArrayNode content = out.putArray("content");
        for (JsonNode detail : message.path("reasoning_details")) {
            // thinking from an Anthropic upstream (OpenRouter's reasoning_details), signatures included
            switch (detail.path("type").asText()) {
                case "reasoning.text" -> content.addObject().put("type", "thinking")
                        .put("thinking", detail.path("text").asText(""))
                        .put("signature", detail.path("signature").asText(""));
                case "reasoning.encrypted" -> content.addObject().put("type", "redacted_thinking")
                        .put("data", detail.path("data").asText(""));
                default -> {
                    // summaries have no Anthropic block
                }
            }
        }
        String text = message.path("content").isTextual() ? message.path("content").asText() : "";
        if (!text.isEmpty() || !message.has("tool_calls")) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode block = content.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                    .put("name", call.path("function").path("name").asText());
            block.set("input", arguments(call.path("function").path("arguments").asText("")));
        }
        out.put("stop_reason", stopReason(choice.path("finish_reason").asText(null)));
        out.putNull("stop_sequence");
        out.set("usage", usage(completion.path("usage")));
        if (completion.has("provider")) {
            out.set("provider", completion.get("provider"));
        }
        return Json.bytes(out);
    }

    /**
     * An Anthropic upstream's own message (the client spoke the Messages API too), given back
     * whole — citations, server-tool blocks and all — with Switchboard's id, model, provider and cost.
     */
    private static byte[] original(JsonNode completion, ObjectNode message) {
        message.put("id", completion.path("id").asText());
        message.put("model", completion.path("model").asText());
        if (completion.has("provider")) {
            message.set("provider", completion.get("provider"));
        }
        if (message.path("usage").isObject() && completion.path("usage").has("cost")) {
            ((ObjectNode) message.get("usage")).set("cost", completion.path("usage").get("cost"));
        }
        return Json.bytes(message);
    }

    /** Tool arguments are a JSON string in OpenAI and an object in Anthropic; unparseable text is kept under "raw". */
    static JsonNode arguments(String json) {
        if (json.isBlank()) {
            return Json.object();
        }
        try {
            JsonNode parsed = Json.MAPPER.readTree(json);
            return parsed != null && parsed.isObject() ? parsed : Json.object().set("value", parsed);
        } catch (IOException e) {
            return Json.object().put("raw", json);
        }
    }

    /** OpenAI {@code finish_reason} → Anthropic {@code stop_reason} (fixtures MAPPING.md §2). */
    static String stopReason(String finishReason) {
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /** Canonical usage (cache tokens inside prompt_tokens) → Anthropic's (outside input_tokens). */
    static ObjectNode usage(JsonNode usage) {
        long prompt = usage.path("prompt_tokens").asLong(0);
        long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        long written = usage.path("prompt_tokens_details").path("cache_write_tokens").asLong(0);
        ObjectNode out = Json.object()
                .put("input_tokens", Math.max(0, prompt - cached - written))
                .put("output_tokens", usage.path("completion_tokens").asLong(0))
                .put("cache_read_input_tokens", cached)
                .put("cache_creation_input_tokens", written);
        if (usage.has("cost")) {
            out.set("cost", usage.get("cost"));
        }
        return out;
    }
}
