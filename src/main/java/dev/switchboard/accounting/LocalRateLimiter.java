package dev.switchboard.accounting;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per key, in memory, exact on one node: a limit of N per minute is a bucket of N
 * that refills continuously at N per minute, so bursts up to N pass and the long-run rate is N.
 * A single request larger than the whole bucket passes only when the bucket is full and leaves it
 * in debt. Each key's buckets change under one lock, so a request takes both or neither.
 */
public final class LocalRateLimiter implements RateLimiter {
    private static final double MINUTE_MS = 60_000.0;

    /** One bucket: its level and when it was last refilled; NaN until first used (then full). */
    private static final class Bucket {
        double level = Double.NaN;
        long last;

        void refill(long perMinute, long now) {
            level = Double.isNaN(level) ? perMinute : Math.min(perMinute, level + Math.max(0, now - last) * perMinute / MINUTE_MS);
            last = now;
        }
    }

    private static final class Buckets {
        final Bucket requests = new Bucket();
        final Bucket tokens = new Bucket();
    }

    private final ConcurrentHashMap<String, Buckets> buckets = new ConcurrentHashMap<>();

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    @Override
    public CompletableFuture<Decision> acquire(String keyHash, Integer requestsPerMinute, Long tokensPerMinute,
                                               long tokens, long nowMillis) {
        return CompletableFuture.completedFuture(take(keyHash, requestsPerMinute, tokensPerMinute, tokens, nowMillis));
    }

    private Decision take(String keyHash, Integer requestsPerMinute, Long tokensPerMinute, long tokens, long nowMillis) {
        if (requestsPerMinute == null && tokensPerMinute == null) {
            return new Allowed();
        }
        Buckets b = buckets.computeIfAbsent(keyHash, k -> new Buckets());
        synchronized (b) {
            if (requestsPerMinute != null) {
                b.requests.refill(requestsPerMinute, nowMillis);
                if (b.requests.level < 1) {
                    return limited("requests", requestsPerMinute, b.requests.level, 1, nowMillis);
                }
            }
            if (tokensPerMinute != null && tokens > 0) {
                b.tokens.refill(tokensPerMinute, nowMillis);
                double need = Math.min(tokens, tokensPerMinute);
                if (b.tokens.level < need) {
                    return limited("tokens", tokensPerMinute, b.tokens.level, need, nowMillis);
                }
                b.tokens.level -= tokens;
            }
            if (requestsPerMinute != null) {
                b.requests.level -= 1;
            }
            return new Allowed();
        }
    }

    @Override
    public CompletableFuture<Void> adjustTokens(String keyHash, Long tokensPerMinute, long delta, long nowMillis) {
        if (tokensPerMinute == null || delta == 0) {
            return DONE;
        }
        Buckets b = buckets.computeIfAbsent(keyHash, k -> new Buckets());
        synchronized (b) {
            b.tokens.refill(tokensPerMinute, nowMillis);
            b.tokens.level = Math.min(tokensPerMinute, b.tokens.level - delta);
        }
        return DONE;
    }

    private static Limited limited(String what, long perMinute, double level, double need, long now) {
        return Limited.of(what, perMinute, level, need, now);
    }
}
