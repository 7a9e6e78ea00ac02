package dev.switchboard.protocol.openai;

import java.math.BigDecimal;
import java.util.List;

/**
 * The {@code provider} object of a chat request (OpenRouter's routing preferences). Absent
 * fields are null or empty; {@link #NONE} is the preference of a request that sent none.
 */
public record ProviderPreferences(
        List<String> order,
        List<String> only,
        List<String> ignore,
        boolean allowFallbacks,
        boolean requireParameters,
        DataCollection dataCollection,
        boolean zdr,
        Sort sort,
        MaxPrice maxPrice,
        PercentileCutoffs preferredMinThroughput,
        PercentileCutoffs preferredMaxLatency) {

    public static final ProviderPreferences NONE = new ProviderPreferences(List.of(), List.of(), List.of(), true, false,
            DataCollection.ALLOW, false, null, null, null, null);

    public enum DataCollection { ALLOW, DENY }

    public enum SortBy { PRICE, THROUGHPUT, LATENCY }

    /** {@code partitionByModel}: sort within each model of a {@code models} list (default) or across all. */
    public record Sort(SortBy by, boolean partitionByModel) {
    }

    /** Highest acceptable prices: USD per million tokens for prompt/completion, USD per unit otherwise. */
    public record MaxPrice(BigDecimal prompt, BigDecimal completion, BigDecimal request, BigDecimal image) {
    }

    /** Thresholds per percentile; a plain number in the request applies to p50. */
    public record PercentileCutoffs(Double p50, Double p75, Double p90, Double p99) {
    }
}
