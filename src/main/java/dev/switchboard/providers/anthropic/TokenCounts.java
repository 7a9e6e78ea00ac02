package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.Usage;
import dev.switchboard.protocol.Json;

/**
 * Anthropic's token counts, gathered from a response's {@code usage} or from the events of a
 * stream, and written as an OpenAI {@code usage} object. Anthropic counts cache reads and writes
 * outside {@code input_tokens}; OpenAI's {@code prompt_tokens} includes them, with
 * {@code prompt_tokens_details.cached_tokens} and {@code cache_write_tokens} saying how many
 * (MAPPING.md §2, {@link Usage#fromAnthropic}). Mutable; one per response.
 */
final class TokenCounts {
    private long input;
    private long output;
    private long cacheRead;
    private long cacheCreation;
    private boolean reported;

    /**
     * Takes the counts {@code usage} reports. Stream counts are cumulative (MessageDeltaUsage in
     * the spec), so a later report replaces what it repeats and keeps what it leaves out or nulls.
     */
    void update(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        input = count(usage, "input_tokens", input);
        output = count(usage, "output_tokens", output);
        cacheRead = count(usage, "cache_read_input_tokens", cacheRead);
        cacheCreation = count(usage, "cache_creation_input_tokens", cacheCreation);
    }

    /** Whether any report came, so that counts of zero mean zero rather than unknown. */
    boolean reported() {
        return reported;
    }

    Usage usage() {
        return Usage.fromAnthropic(input, output, cacheRead, cacheCreation);
    }

    /** The OpenAI usage object the gateway meters: cache tokens inside prompt_tokens, and named in the details. */
    ObjectNode toOpenAi() {
        Usage usage = usage();
        ObjectNode out = Json.object()
                .put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.totalTokens());
        out.putObject("prompt_tokens_details")
                .put("cached_tokens", usage.cachedTokens())
                .put("cache_write_tokens", usage.cacheWriteTokens());
        return out;
    }

    private long count(JsonNode usage, String field, long previous) {
        JsonNode value = usage.get(field);
        if (value == null || !value.canConvertToLong()) {
            return previous;
        }
        reported = true;
        return Math.max(0, value.asLong());
    }
}
