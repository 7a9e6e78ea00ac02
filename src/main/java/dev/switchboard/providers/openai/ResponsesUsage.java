package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

/**
 * A Responses API {@code usage} ({@code ResponseUsage}: input/output tokens and their details) as
 * the Chat Completions {@code usage} the gateway meters. Both APIs count cached tokens inside the
 * input and reasoning tokens inside the output, so the numbers carry over unchanged. Pure.
 */
final class ResponsesUsage {
    private ResponsesUsage() {
    }

    /** The Chat Completions usage, or null when the response reported none (the gateway then estimates). */
    static ObjectNode toChat(JsonNode usage) {
        if (usage == null || !usage.isObject() || !usage.has("input_tokens") && !usage.has("output_tokens")) {
            return null;
        }
        long input = count(usage.get("input_tokens"));
        long output = count(usage.get("output_tokens"));
        JsonNode total = usage.get("total_tokens");
        ObjectNode out = Json.object()
                .put("prompt_tokens", input)
                .put("completion_tokens", output)
                .put("total_tokens", total != null && total.canConvertToLong() ? count(total) : input + output);
        out.putObject("prompt_tokens_details")
                .put("cached_tokens", count(usage.path("input_tokens_details").get("cached_tokens")));
        out.putObject("completion_tokens_details")
                .put("reasoning_tokens", count(usage.path("output_tokens_details").get("reasoning_tokens")));
        return out;
    }

    /**
     * The {@code finish_reason} of a finished response: {@code status: incomplete} gives
     * {@code length} (max_output_tokens) or {@code content_filter} by its reason; a complete one
     * {@code tool_calls} when it called a tool, else {@code stop}.
     */
    static String finishReason(JsonNode response, boolean calledTools) {
        if ("incomplete".equals(response.path("status").asText(""))) {
            return switch (response.path("incomplete_details").path("reason").asText("")) {
                case "content_filter" -> "content_filter";
                // max_output_tokens, and reasons added later: the answer was cut short
                default -> "length";
            };
        }
        return calledTools ? "tool_calls" : "stop";
    }

    private static long count(JsonNode node) {
        return node == null || !node.canConvertToLong() ? 0 : Math.max(0, node.asLong());
    }
}
