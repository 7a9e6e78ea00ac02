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

    /** Column sizes of the {@code generations} table (db/migration/postgresql/V1__accounts.sql). */
    static final int ID_CHARS = 64;
    static final int KEY_HASH_CHARS = 64;
    static final int MODEL_CHARS = 200;
    static final int PROVIDER_ID_CHARS = 100;
    static final int PROVIDER_NAME_CHARS = 200;
    static final int UPSTREAM_ID_CHARS = 200;
    static final int APP_CHARS = 500;
    static final int APP_URL_CHARS = 2000;
    static final int USER_CHARS = 500;
    static final int FINISH_REASON_CHARS = 40;
    /** {@code dropped_tools} is TEXT; a bound keeps one hostile request from writing megabytes per row. */
    static final int DROPPED_TOOLS_CHARS = 2000;

    /**
     * This row as the store can take it: every text cut to its column's size and without NUL
     * characters (PostgreSQL refuses them in text). Clients ({@code user}, {@code X-Title}) and
     * providers ({@code id}, {@code finish_reason}) choose these values, so the ledger bounds them
     * here, in one place, before a row is queued: one oversized value must not make a batch fail.
     */
    public GenerationRecord bounded() {
        return new GenerationRecord(fit(id, ID_CHARS), createdAt, fit(keyHash, KEY_HASH_CHARS), fit(model, MODEL_CHARS),
                fit(providerId, PROVIDER_ID_CHARS), fit(providerName, PROVIDER_NAME_CHARS),
                fit(upstreamId, UPSTREAM_ID_CHARS), fit(app, APP_CHARS), fit(appUrl, APP_URL_CHARS),
                fit(externalUser, USER_CHARS), tokensPrompt, tokensCompletion, tokensCached, tokensCacheWrite,
                tokensReasoning, usageEstimated, costPico, latencyMs, generationTimeMs, streamed, cancelled,
                fit(finishReason, FINISH_REASON_CHARS), attempts, maxTokensRequested, maxTokens,
                fit(droppedTools, DROPPED_TOOLS_CHARS));
    }

    /**
     * At most {@code max} UTF-16 units (so at most {@code max} characters, as VARCHAR counts them),
     * never ending in half a surrogate pair.
     */
    static String fit(String value, int max) {
        if (value == null) {
            return null;
        }
        String text = value.indexOf('\0') < 0 ? value : value.replace("\0", "");
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }

    /** True when the endpoint's output limit cut the requested {@code max_tokens}. */
    public boolean maxTokensClamped() {
        return maxTokensRequested != null && maxTokens != null && maxTokens < maxTokensRequested;
    }

    /** Days since 1970-01-01 (UTC) of {@code createdAt}: the ledger's partition and activity key. */
    public long day() {
        return Math.floorDiv(createdAt, 86_400_000L);
    }
}
