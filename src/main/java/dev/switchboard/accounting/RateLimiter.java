package dev.switchboard.accounting;

import java.util.concurrent.CompletableFuture;

/**
 * Per-key requests-per-minute and tokens-per-minute. Tokens are taken when a request is admitted
 * (its estimate) and corrected when it settles. One node keeps the buckets in memory
 * ({@link LocalRateLimiter}); several nodes share them through Redis. Both operations complete a
 * future, so a networked limiter never blocks its caller.
 */
public interface RateLimiter {

    /** Takes one request and {@code tokens} tokens, or takes nothing and says which limit was hit. */
    CompletableFuture<Decision> acquire(String keyHash, Integer requestsPerMinute, Long tokensPerMinute, long tokens, long nowMillis);

    /** Corrects the tokens taken for a request: positive takes more, negative gives back. */
    CompletableFuture<Void> adjustTokens(String keyHash, Long tokensPerMinute, long delta, long nowMillis);

    sealed interface Decision {
    }

    record Allowed() implements Decision {
    }

    /**
     * A limit was hit: {@code limit} per minute, {@code remaining} now, the bucket is full again at
     * {@code resetAtMillis}, and the request could pass after {@code retryAfterMillis}.
     */
    record Limited(String what, long limit, long remaining, long resetAtMillis, long retryAfterMillis)
            implements Decision {
        private static final double MINUTE_MS = 60_000.0;

        /**
         * A bucket of {@code perMinute} holds {@code level} and the request needs {@code need}: when it
         * could pass and when the bucket is full again (a bucket refills at {@code perMinute} per minute).
         */
        public static Limited of(String what, long perMinute, double level, double need, long nowMillis) {
            double ratePerMs = perMinute / MINUTE_MS;
            long retryAfter = (long) Math.ceil((need - level) / ratePerMs);
            long resetAt = nowMillis + (long) Math.ceil((perMinute - level) / ratePerMs);
            return new Limited(what, perMinute, (long) Math.max(0, Math.floor(level)), resetAt, Math.max(1, retryAfter));
        }
    }
}
