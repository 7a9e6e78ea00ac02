package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;

/**
 * The gateway's ledger row of one generation ({@code GET /generation?id=}): who served it, the
 * tokens and cost it was charged, and its timings in milliseconds. {@code raw} has every field.
 */
public record Generation(String id, String model, String provider, String providerName, long promptTokens,
                         long completionTokens, long cachedTokens, long reasoningTokens, BigDecimal totalCost,
                         long latencyMs, long generationTimeMs, boolean streamed, boolean cancelled,
                         String finishReason, JsonNode raw) {

    static Generation from(JsonNode body) {
        JsonNode g = body.path("data");
        JsonNode cost = g.path("total_cost");
        return new Generation(Json.text(g, "id"), Json.text(g, "model"), Json.text(g, "provider"),
                Json.text(g, "provider_name"), g.path("tokens_prompt").asLong(), g.path("tokens_completion").asLong(),
                g.path("native_tokens_cached").asLong(), g.path("native_tokens_reasoning").asLong(),
                cost.isNumber() ? cost.decimalValue() : BigDecimal.ZERO, g.path("latency").asLong(),
                g.path("generation_time").asLong(), g.path("streamed").asBoolean(), g.path("cancelled").asBoolean(),
                Json.text(g, "finish_reason"), g);
    }
}
