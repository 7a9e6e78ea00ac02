package dev.switchboard.client;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed request again, and after how long: exponential backoff from
 * {@code initialBackoff} doubling up to {@code maxBackoff}, with jitter (75-100% of it, so
 * clients that failed together do not come back together), or the gateway's Retry-After when it
 * sent one of at most {@link #MAX_RETRY_AFTER}. A longer Retry-After is not waited for.
 */
record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries: " + maxRetries + " (expected: >= 0)");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff: " + initialBackoff + ".." + maxBackoff
                    + " (expected: 0 <= initial <= max)");
        }
    }

    /** The wait before retry number {@code retry} (0 for the first), or empty when giving up. */
    Optional<Duration> delayBefore(int retry, SwitchboardException failure, DoubleSupplier random) {
        if (retry >= maxRetries || !failure.isRetryable()) {
            return Optional.empty();
        }
        Optional<Duration> asked = failure.retryAfter();
        if (asked.isPresent()) {
            return asked.get().compareTo(MAX_RETRY_AFTER) <= 0 ? asked : Optional.empty();
        }
        long backoff = initialBackoff.toMillis() << Math.min(retry, 20);
        long capped = Math.min(backoff, maxBackoff.toMillis());
        return Optional.of(Duration.ofMillis((long) (capped * (1 - 0.25 * random.getAsDouble()))));
    }
}
