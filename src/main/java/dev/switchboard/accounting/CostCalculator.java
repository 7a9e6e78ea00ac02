package dev.switchboard.accounting;

import dev.switchboard.catalog.Pricing;

import java.math.BigDecimal;

/**
 * The cost of a generation in USD, exactly: prices are per million tokens, so every product is
 * a finite decimal and sums never drift.
 */
public final class CostCalculator {

    private CostCalculator() {
    }

    public static BigDecimal cost(Usage usage, Pricing pricing) {
        long reasoning = pricing.internalReasoning() == null ? 0 : Math.min(usage.reasoningTokens(), usage.completionTokens());
        BigDecimal perMillion = tokens(usage.uncachedPromptTokens(), pricing.prompt())
                .add(tokens(usage.cachedTokens(), pricing.cacheReadOrPrompt()))
                .add(tokens(usage.cacheWriteTokens(), pricing.cacheWriteOrPrompt()))
                .add(tokens(usage.completionTokens() - reasoning, pricing.completion()))
                .add(reasoning == 0 ? BigDecimal.ZERO : tokens(reasoning, pricing.internalReasoning()));
        BigDecimal total = perMillion.movePointLeft(6).add(pricing.requestOrZero()); // exact, and cheaper than divide()
        return total.signum() == 0 ? BigDecimal.ZERO : total.stripTrailingZeros();
    }

    private static BigDecimal tokens(long count, BigDecimal pricePerMillion) {
        return count == 0 ? BigDecimal.ZERO : pricePerMillion.multiply(BigDecimal.valueOf(count));
    }

    /** USD per token as OpenRouter publishes prices ({@code "0.000002"} for $2 per million). */
    public static String perToken(BigDecimal pricePerMillion) {
        if (pricePerMillion == null || pricePerMillion.signum() == 0) {
            return "0";
        }
        return pricePerMillion.movePointLeft(6).stripTrailingZeros().toPlainString();
    }
}
