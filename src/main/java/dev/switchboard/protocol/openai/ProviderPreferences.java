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
        PercentileCutoffs preferredMaxLatency,
        List<String> quantizations) {

    /** OpenRouter's quantization levels (its OpenAPI schema {@code Quantization}), for {@code quantizations}. */
    public static final List<String> QUANTIZATION_LEVELS = List.of("int4", "int8", "fp4", "mxfp4", "nvfp4", "fp6", "fp8",
            "mxfp8", "fp16", "bf16", "fp32", "unknown");

    public static final ProviderPreferences NONE = new ProviderPreferences(List.of(), List.of(), List.of(), true, false,
            DataCollection.ALLOW, false, null, null, null, null, List.of());

    /** Preferences without a {@code quantizations} filter. */
    public ProviderPreferences(List<String> order, List<String> only, List<String> ignore, boolean allowFallbacks,
                               boolean requireParameters, DataCollection dataCollection, boolean zdr, Sort sort,
                               MaxPrice maxPrice, PercentileCutoffs preferredMinThroughput,
                               PercentileCutoffs preferredMaxLatency) {
        this(order, only, ignore, allowFallbacks, requireParameters, dataCollection, zdr, sort, maxPrice,
                preferredMinThroughput, preferredMaxLatency, List.of());
    }

    /** The same preferences sorted by {@code newSort} (a model variant such as {@code :nitro}). */
    public ProviderPreferences withSort(Sort newSort) {
        return new ProviderPreferences(order, only, ignore, allowFallbacks, requireParameters, dataCollection, zdr,
                newSort, maxPrice, preferredMinThroughput, preferredMaxLatency, quantizations);
    }

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
