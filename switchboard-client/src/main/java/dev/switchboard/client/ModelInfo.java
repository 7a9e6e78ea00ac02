package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;

/**
 * One model of the catalog ({@code GET /models}): its id, name, context length and prices in USD
 * per token (the lowest of its endpoints, as the catalog lists them). {@code raw} has every field.
 */
public record ModelInfo(String id, String name, long contextLength, BigDecimal promptPrice,
                        BigDecimal completionPrice, JsonNode raw) {

    static ModelInfo from(JsonNode model) {
        JsonNode pricing = model.path("pricing");
        return new ModelInfo(Json.text(model, "id"), Json.text(model, "name"), model.path("context_length").asLong(),
                price(pricing.path("prompt")), price(pricing.path("completion")), model);
    }

    // prices are strings in OpenRouter's model list ("0.000002"), kept exact
    private static BigDecimal price(JsonNode value) {
        if (value.isNumber()) {
            return value.decimalValue();
        }
        try {
            return value.isTextual() ? new BigDecimal(value.asText()) : BigDecimal.ZERO;
        } catch (NumberFormatException e) {
            return BigDecimal.ZERO;
        }
    }
}
