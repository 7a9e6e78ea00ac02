package dev.switchboard.store;

/**
 * One row of the usage ledger: a generation that reached a provider and produced output (or was
 * cancelled after it began). Token counts are the provider's own ({@code usageEstimated} when
 * Switchboard had to count); cost is in pico-dollars; times are milliseconds.
 * {@code maxTokensRequested} is the output limit the client asked for and {@code maxTokens} the one
 * sent to the endpoint that served, lower when that endpoint's output limit cut it (both null when
 * the client set none).
 */
public record GenerationRecord(
        String id,
        long createdAt,
        String keyHash,
        String model,
        String providerId,
        String providerName,
        String upstreamId,
        String app,
        String appUrl,
        String externalUser,
        long tokensPrompt,
        long tokensCompletion,
        long tokensCached,
        long tokensCacheWrite,
        long tokensReasoning,
        boolean usageEstimated,
        long costPico,
        Long latencyMs,
        Long generationTimeMs,
        boolean streamed,
        boolean cancelled,
        String finishReason,
        int attempts,
        Long maxTokensRequested,
        Long maxTokens,
        String droppedTools) {

    /** True when the endpoint's output limit cut the requested {@code max_tokens}. */
    public boolean maxTokensClamped() {
        return maxTokensRequested != null && maxTokens != null && maxTokens < maxTokensRequested;
    }

    /** Days since 1970-01-01 (UTC) of {@code createdAt}: the ledger's partition and activity key. */
    public long day() {
        return Math.floorDiv(createdAt, 86_400_000L);
    }
}
