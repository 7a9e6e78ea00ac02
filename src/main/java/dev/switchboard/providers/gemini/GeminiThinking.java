package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;

import java.util.Locale;

/**
 * Reasoning controls as Gemini 2.5's {@code thinkingConfig.thinkingBudget}. The effort levels follow
 * Google's OpenAI-compatibility layer (ai.google.dev/gemini-api/docs/openai: "low", "medium" and
 * "high" are 1K, 8K and 24K thinking tokens, "none" switches thinking off); OpenAI's newer levels
 * go to the nearest of those. OpenRouter's {@code reasoning.max_tokens} is a budget as it is and
 * wins over an effort. Without either, nothing is sent and the model thinks dynamically (its default).
 * Gemini 2.5 Pro cannot switch thinking off: a budget of 0 is refused by Google, and that error is
 * passed on.
 */
final class GeminiThinking {
    static final int LOW = 1024;
    static final int MEDIUM = 8192;
    static final int HIGH = 24576;

    private GeminiThinking() {
    }

    /** The thinkingConfig for {@code reasoning_effort} and {@code reasoning}, or null for the model's default. */
    static ObjectNode config(JsonNode reasoningEffort, JsonNode reasoning) {
        Integer budget = null;
        if (reasoningEffort != null && !reasoningEffort.isNull()) {
            budget = budget(reasoningEffort, "reasoning_effort");
        }
        if (reasoning != null && reasoning.isObject()) {
            Integer fromReasoning = fromReasoning(reasoning);
            if (fromReasoning != null) {
                budget = fromReasoning;
            }
        }
        return budget == null ? null : Json.object().put("thinkingBudget", budget);
    }

    private static Integer fromReasoning(JsonNode reasoning) {
        JsonNode maxTokens = reasoning.get("max_tokens");
        if (maxTokens != null && !maxTokens.isNull()) {
            if (!maxTokens.canConvertToInt() || maxTokens.asInt() < 0) {
                throw new InvalidRequestException("reasoning.max_tokens", "reasoning.max_tokens: expected a non-negative integer");
            }
            return maxTokens.asInt();
        }
        JsonNode effort = reasoning.get("effort");
        if (effort != null && !effort.isNull()) {
            return budget(effort, "reasoning.effort");
        }
        if (reasoning.path("enabled").isBoolean() && !reasoning.get("enabled").asBoolean()) {
            return 0;
        }
        return null;
    }

    private static int budget(JsonNode effort, String field) {
        String level = effort.asText().toLowerCase(Locale.ROOT);
        return switch (level) {
            case "none" -> 0;
            case "minimal", "low" -> LOW;
            case "medium" -> MEDIUM;
            case "high", "xhigh", "max" -> HIGH;
            default -> throw new InvalidRequestException(field, field
                    + ": expected none, minimal, low, medium, high, xhigh or max (got \"" + effort.asText() + "\")");
        };
    }
}
