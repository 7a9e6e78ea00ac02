package dev.switchboard.cluster;

import dev.switchboard.accounting.AccountingUnavailable;
import dev.switchboard.accounting.LocalRateLimiter;
import dev.switchboard.accounting.RateLimiter;
import dev.switchboard.config.SwitchboardConfig.RedisDown;
import io.lettuce.core.ScriptOutputType;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The rate limiter every node shares: {@link LocalRateLimiter}'s token buckets (the same arithmetic)
 * kept in Redis, each operation one Lua script, so N requests per minute is N across all nodes. Times
 * are the callers' clocks. Buckets expire once they would be full again. While Redis cannot be
 * reached, requests are refused or limited per node to 1/N of each limit, as configured.
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final LuaScript ACQUIRE = LuaScript.load("rate-common.lua", "rate-acquire.lua");
    private static final LuaScript ADJUST = LuaScript.load("rate-common.lua", "rate-adjust.lua");
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final Allowed ALLOWED = new Allowed();

    private final Redis redis;
    private final RedisHealth health;
    private final RedisDown whenDown;
    private final int nodes;
    /** This node's buckets during an outage; replaced by fresh ones at each outage. */
    private volatile LocalRateLimiter local = new LocalRateLimiter();

    public RedisRateLimiter(Redis redis, RedisHealth health, RedisDown whenDown, int nodes) {
        this.redis = redis;
        this.health = health;
        this.whenDown = whenDown;
        this.nodes = nodes;
        health.register(new RedisHealth.Recovery() {
            @Override
            public CompletableFuture<Void> reconcile() {
                return DONE;
            }

            @Override
            public void resumed() {
                local = new LocalRateLimiter();
            }
        });
    }

    @Override
    public CompletableFuture<Decision> acquire(String keyHash, Integer requestsPerMinute, Long tokensPerMinute,
                                               long tokens, long nowMillis) {
        if (requestsPerMinute == null && tokensPerMinute == null) {
            return CompletableFuture.completedFuture(ALLOWED);
        }
        Supplier<CompletableFuture<Decision>> whileDown = () -> whenDown == RedisDown.REFUSE
                ? CompletableFuture.failedFuture(new AccountingUnavailable("Redis cannot be reached"))
                : local.acquire(keyHash, requestsPerMinute == null ? null : (int) share(requestsPerMinute),
                tokensPerMinute == null ? null : share(tokensPerMinute), tokens, nowMillis);
        if (!health.up()) {
            return whileDown.get();
        }
        return this.<List<Object>>run(ACQUIRE, ScriptOutputType.MULTI, keyHash, text(requestsPerMinute),
                        text(tokensPerMinute), Long.toString(tokens), Long.toString(nowMillis))
                .thenApply(reply -> reply.isEmpty() ? (Decision) ALLOWED
                        : limited((String) reply.get(0), requestsPerMinute, tokensPerMinute, tokens,
                        Double.parseDouble((String) reply.get(1)), nowMillis))
                .exceptionallyCompose(failure -> {
                    health.failed(failure);
                    return whileDown.get();
                });
    }

    /** A correction that cannot reach Redis is dropped: the bucket refills within a minute anyway. */
    @Override
    public CompletableFuture<Void> adjustTokens(String keyHash, Long tokensPerMinute, long delta, long nowMillis) {
        if (tokensPerMinute == null || delta == 0) {
            return DONE;
        }
        if (!health.up()) {
            return whenDown == RedisDown.LOCAL ? local.adjustTokens(keyHash, share(tokensPerMinute), delta, nowMillis) : DONE;
        }
        return this.<Long>run(ADJUST, ScriptOutputType.INTEGER, keyHash, Long.toString(tokensPerMinute),
                        Long.toString(delta), Long.toString(nowMillis))
                .<Void>thenApply(done -> null)
                .exceptionally(failure -> {
                    health.failed(failure);
                    return null;
                });
    }

    private static Limited limited(String what, Integer requestsPerMinute, Long tokensPerMinute, long tokens,
                                   double level, long nowMillis) {
        if (what.equals("requests")) {
            return Limited.of(what, requestsPerMinute, level, 1, nowMillis);
        }
        return Limited.of(what, tokensPerMinute, level, Math.min(tokens, tokensPerMinute), nowMillis);
    }

    private <T> CompletableFuture<T> run(LuaScript script, ScriptOutputType type, String keyHash, String... args) {
        try {
            return script.run(redis.commands(), type, new String[]{redis.key("rate:" + keyHash)}, args);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** This node's share of a per-minute limit while Redis is down; at least one. */
    private long share(long perMinute) {
        return Math.max(1, perMinute / nodes);
    }

    private static String text(Number n) {
        return n == null ? "" : n.toString();
    }
}
