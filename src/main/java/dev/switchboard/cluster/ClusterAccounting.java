package dev.switchboard.cluster;

import dev.switchboard.accounting.Accounts;
import dev.switchboard.accounting.CreditBook;
import dev.switchboard.accounting.RateLimiter;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.Store;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Cluster mode's accounting, built from the configuration: the credit book and rate limiter every
 * node shares through Redis, one outage state for both, and their meters
 * ({@code switchboard_redis_up}, {@code switchboard_redis_failures_total},
 * {@code switchboard_credits_drift_keys}).
 */
public final class ClusterAccounting implements MeterBinder {
    /**
     * A reservation outlives its request's whole budget (routing.max_total_ms) by this much: the time
     * a settlement takes to reach Redis after the budget ends. Expiry runs on Redis's clock, so the
     * nodes' clocks do not enter into it.
     */
    static final Duration RESERVATION_MARGIN = Duration.ofSeconds(10);
    static final Duration DRIFT_EVERY = Duration.ofMinutes(1);

    private final RedisHealth health;
    private final RedisCreditBook credits;
    private final RedisRateLimiter rateLimiter;

    private ClusterAccounting(RedisHealth health, RedisCreditBook credits, RedisRateLimiter rateLimiter) {
        this.health = health;
        this.credits = credits;
        this.rateLimiter = rateLimiter;
    }

    /** {@code ledgerWindow}: how long a settled cost may take to reach the store. */
    public static ClusterAccounting create(Redis redis, Store store, SwitchboardConfig config, Clock clock,
                                           Duration ledgerWindow) {
        SwitchboardConfig.Storage storage = config.storage();
        String whileDown = switch (storage.redisDown()) {
            case REFUSE -> "requests of keys with limits are refused (storage.redis_down: refuse)";
            case LOCAL -> "each limit is enforced per node at 1/" + storage.clusterNodes()
                    + " (storage.redis_down: local, storage.cluster_nodes: " + storage.clusterNodes() + ")";
        };
        RedisHealth health = new RedisHealth(redis, whileDown);
        Duration ttl = Duration.ofMillis(config.routing().maxTotalMs()).plus(RESERVATION_MARGIN);
        RedisCreditBook credits = new RedisCreditBook(redis, health, new StoreLedger(store, clock),
                new RedisCreditBook.Settings(ttl, storage.redisDown(), storage.clusterNodes(), DRIFT_EVERY, ledgerWindow),
                clock);
        return new ClusterAccounting(health, credits,
                new RedisRateLimiter(redis, health, storage.redisDown(), storage.clusterNodes()));
    }

    public CreditBook credits() {
        return credits;
    }

    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("switchboard.redis.up", health, h -> h.up() ? 1 : 0)
                .description("1 while this node reaches the cluster's Redis, 0 during an outage")
                .register(registry);
        FunctionCounter.builder("switchboard.redis.failures", health, RedisHealth::failures)
                .description("Shared accounting commands that failed because Redis could not be reached")
                .register(registry);
        Gauge.builder("switchboard.credits.drift.keys", credits, RedisCreditBook::driftingKeys)
                .description("Keys whose credit counters in Redis differed from the ledger at the last check")
                .register(registry);
    }

    /** The store as the credit book reads it. */
    private record StoreLedger(Store store, Clock clock) implements RedisCreditBook.LedgerReader {
        @Override
        public CreditBook.UsageSnapshot snapshot() {
            return Accounts.usageSnapshot(store, clock.millis());
        }

        @Override
        public Map<String, Long> storedTotals() {
            Map<String, Long> totals = new HashMap<>();
            for (KeyRecord k : store.keys()) {
                totals.put(k.hash(), k.usagePico());
            }
            return totals;
        }
    }
}
