package dev.switchboard.catalog;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * List prices in USD: per million tokens for {@code prompt}, {@code completion},
 * {@code inputCacheRead}, {@code inputCacheWrite} (the default, 5-minute cache), {@code inputCacheWrite1h}
 * (Anthropic's 1-hour cache) and {@code internalReasoning}; per unit for {@code request}, {@code image} and
 * {@code webSearch}. Optional prices are null when not charged separately (cache reads then cost the
 * prompt price, reasoning the completion price).
 */
public record Pricing(BigDecimal prompt, BigDecimal completion, BigDecimal inputCacheRead,
                      BigDecimal inputCacheWrite, BigDecimal request, BigDecimal image, BigDecimal webSearch,
                      BigDecimal internalReasoning, BigDecimal inputCacheWrite1h) {

    public static final Pricing FREE = new Pricing(BigDecimal.ZERO, BigDecimal.ZERO, null, null, null, null, null, null);

    /** Prices without a separate 1-hour cache-write price. */
    public Pricing(BigDecimal prompt, BigDecimal completion, BigDecimal inputCacheRead, BigDecimal inputCacheWrite,
                   BigDecimal request, BigDecimal image, BigDecimal webSearch, BigDecimal internalReasoning) {
        this(prompt, completion, inputCacheRead, inputCacheWrite, request, image, webSearch, internalReasoning, null);
    }

    public Pricing {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
    }

    public BigDecimal cacheReadOrPrompt() {
        return inputCacheRead != null ? inputCacheRead : prompt;
    }

    public BigDecimal cacheWriteOrPrompt() {
        return inputCacheWrite != null ? inputCacheWrite : prompt;
    }

    public BigDecimal requestOrZero() {
        return request != null ? request : BigDecimal.ZERO;
    }

    /** Prompt plus completion price per million tokens: the figure routing compares. */
    public BigDecimal blended() {
        return prompt.add(completion);
    }
}
