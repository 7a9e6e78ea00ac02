package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.Usage;
import dev.switchboard.protocol.Json;

/**
 * What the whole-answer and the stream translators share: stop reasons and token usage
 * (fixtures/MAPPING.md §5; StopReason and TokenUsage in specs/bedrock/converse_subset.service-2.json).
 */
final class ConverseOutput {
    private ConverseOutput() {
    }

    /**
     * The OpenAI finish_reason for a Converse stopReason. malformed_model_output and
     * malformed_tool_use (the model produced something unusable) and unknown values are stop; the
     * Bedrock value stays visible as native_finish_reason.
     */
    static String finishReason(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop";
        };
    }

    /**
     * A Converse {@code usage} in the canonical convention. Bedrock's inputTokens is read like
     * Anthropic's input_tokens: cache reads and writes are counted outside it, so
     * {@code prompt_tokens} = inputTokens + cacheReadInputTokens + cacheWriteInputTokens
     * (MAPPING §5 ⚠: what Bedrock documents for Claude models; not verified with a live call).
     * Null when there is no usage object.
     */
    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        return Usage.fromAnthropic(count(usage, "inputTokens"), count(usage, "outputTokens"),
                count(usage, "cacheReadInputTokens"), count(usage, "cacheWriteInputTokens"));
    }

    /** The OpenAI usage object the gateway meters. */
    static ObjectNode toOpenAi(Usage usage) {
        ObjectNode out = Json.object()
                .put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.totalTokens());
        out.putObject("prompt_tokens_details")
                .put("cached_tokens", usage.cachedTokens())
                .put("cache_write_tokens", usage.cacheWriteTokens());
        return out;
    }

    /** An OpenAI tool call for a complete toolUse block. */
    static ObjectNode toolCall(JsonNode toolUse) {
        JsonNode id = toolUse.get("toolUseId");
        JsonNode name = toolUse.get("name");
        if (id == null || !id.isTextual() || name == null || !name.isTextual()) {
            throw new BedrockFormatException("provider sent a toolUse block without toolUseId or name", false);
        }
        JsonNode input = toolUse.get("input");
        ObjectNode call = Json.object().put("id", id.asText()).put("type", "function");
        call.putObject("function").put("name", name.asText())
                .put("arguments", input == null || input.isNull() ? "{}" : Json.string(input));
        return call;
    }

    private static long count(JsonNode usage, String field) {
        JsonNode value = usage.get(field);
        return value != null && value.canConvertToLong() ? Math.max(0, value.asLong()) : 0;
    }
}
