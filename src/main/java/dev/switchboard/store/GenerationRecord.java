package dev.switchboard.store;

/**
 * One row of the usage ledger: a generation that reached a provider and produced output (or was
 * cancelled after it began). Token counts are the provider's own ({@code usageEstimated} when
 * Switchboard had to count); cost is in pico-dollars; times are milliseconds.
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
        int attempts) {

    /** Days since 1970-01-01 (UTC) of {@code createdAt}: the ledger's partition and activity key. */
    public long day() {
        return Math.floorDiv(createdAt, 86_400_000L);
    }
}
