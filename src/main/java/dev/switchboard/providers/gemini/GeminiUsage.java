package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

/**
 * Gemini {@code usageMetadata} as an OpenAI {@code usage} object, in the canonical convention
 * (accounting/Usage): {@code prompt_tokens} = promptTokenCount (which includes cached tokens) +
 * toolUsePromptTokenCount; {@code cached_tokens} = cachedContentTokenCount;
 * {@code completion_tokens} = candidatesTokenCount + thoughtsTokenCount (Gemini counts thoughts
 * outside the candidates); {@code reasoning_tokens} = thoughtsTokenCount. So prompt + completion
 * equals Gemini's totalTokenCount.
 * <p>
 * A stream repeats usageMetadata on its events with running values; each count keeps the last
 * value sent for it, because a later event may leave a count out (the last event of
 * gemini/stream_function_call_thought.gemini-2.5-flash.sse drops thoughtsTokenCount while its
 * totalTokenCount still includes the 40 thought tokens). Mutable, one per answer, one thread.
 */
final class GeminiUsage {
    private long prompt;
    private long cached;
    private long candidates;
    private long toolUsePrompt;
    private long thoughts;
    private boolean reported;

    /** Takes the counts present in one usageMetadata object (absent or not an object: nothing). */
    void update(JsonNode usageMetadata) {
        if (usageMetadata == null || !usageMetadata.isObject()) {
            return;
        }
        prompt = count(usageMetadata, "promptTokenCount", prompt);
        cached = count(usageMetadata, "cachedContentTokenCount", cached);
        candidates = count(usageMetadata, "candidatesTokenCount", candidates);
        toolUsePrompt = count(usageMetadata, "toolUsePromptTokenCount", toolUsePrompt);
        thoughts = count(usageMetadata, "thoughtsTokenCount", thoughts);
        reported |= usageMetadata.has("promptTokenCount") || usageMetadata.has("candidatesTokenCount")
                || usageMetadata.has("totalTokenCount");
    }

    /** Whether Gemini reported any token counts (Vertex AI streams send usageMetadata with only trafficType until the end). */
    boolean reported() {
        return reported;
    }

    ObjectNode toOpenAi() {
        long promptTokens = prompt + toolUsePrompt;
        long completionTokens = candidates + thoughts;
        ObjectNode usage = Json.object()
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        usage.putObject("prompt_tokens_details").put("cached_tokens", Math.min(cached, promptTokens));
        usage.putObject("completion_tokens_details").put("reasoning_tokens", thoughts);
        return usage;
    }

    /** The count in {@code field} (an int32 in the proto), or {@code previous} when this object leaves it out. */
    private static long count(JsonNode usage, String field, long previous) {
        JsonNode value = usage.get(field);
        return value != null && value.canConvertToLong() ? Math.max(0, value.asLong()) : previous;
    }
}
