package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;

/** Tokens and cost of one generation, as the gateway metered them; {@code cost} is in USD. */
public record Usage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens,
                    long reasoningTokens, BigDecimal cost) {

    /** The {@code usage} object of a completion or of a stream's last chunk. */
    static Usage from(JsonNode usage) {
        JsonNode cost = usage.path("cost");
        return new Usage(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong(),
                usage.path("total_tokens").asLong(), usage.path("prompt_tokens_details").path("cached_tokens").asLong(),
                usage.path("completion_tokens_details").path("reasoning_tokens").asLong(),
                cost.isNumber() ? cost.decimalValue() : cost.isTextual() ? new BigDecimal(cost.asText()) : BigDecimal.ZERO);
    }
}
