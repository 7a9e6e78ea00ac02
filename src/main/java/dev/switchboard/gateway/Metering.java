package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.CostCalculator;
import dev.switchboard.accounting.Usage;
import dev.switchboard.accounting.UsageJson;
import dev.switchboard.catalog.Endpoint;

import java.math.BigDecimal;
import java.util.function.LongSupplier;

/**
 * Usage and cost of one generation: the provider's counts when it reported them, otherwise
 * Switchboard's own count (marked {@code estimated}), priced with the serving endpoint's prices.
 */
final class Metering {
    private final Usage usage;
    private final BigDecimal cost;
    private final JsonNode upstreamUsage;

    private Metering(Usage usage, BigDecimal cost, JsonNode upstreamUsage) {
        this.usage = usage;
        this.cost = cost;
        this.upstreamUsage = upstreamUsage;
    }

    /**
     * {@code estimatedPromptTokens} and {@code estimatedCompletionTokens} are asked only when the
     * upstream reported no usage; the prompt's count is usually known from admission already.
     */
    static Metering of(JsonNode upstreamUsage, Endpoint endpoint, LongSupplier estimatedPromptTokens,
                       LongSupplier estimatedCompletionTokens) {
        Usage usage;
        if (upstreamUsage != null && upstreamUsage.isObject() && upstreamUsage.has("prompt_tokens")) {
            usage = UsageJson.read(upstreamUsage);
        } else {
            usage = new Usage(estimatedPromptTokens.getAsLong(), estimatedCompletionTokens.getAsLong(), 0, 0, 0, true);
            upstreamUsage = null;
        }
        return new Metering(usage, CostCalculator.cost(usage, endpoint.pricing()), upstreamUsage);
    }

    /** Embeddings: prompt tokens only, the provider's count or, when it reported none, {@code countedPrompt}. */
    static Metering embedding(JsonNode upstreamUsage, Endpoint endpoint, LongSupplier countedPrompt) {
        Usage usage = upstreamUsage != null && upstreamUsage.has("prompt_tokens")
                ? Usage.of(upstreamUsage.path("prompt_tokens").asLong(), 0)
                : new Usage(countedPrompt.getAsLong(), 0, 0, 0, 0, true);
        return new Metering(usage, CostCalculator.cost(usage, endpoint.pricing()), null);
    }

    Usage usage() {
        return usage;
    }

    BigDecimal cost() {
        return cost;
    }

    /** The usage object the client receives, with {@code cost}. */
    ObjectNode json() {
        return UsageJson.write(upstreamUsage, usage, cost);
    }
}
