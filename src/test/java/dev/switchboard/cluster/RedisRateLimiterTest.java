package dev.switchboard.cluster;

import dev.switchboard.accounting.RateLimiter;
import dev.switchboard.accounting.RateLimiterContract;
import dev.switchboard.config.SwitchboardConfig.RedisDown;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;

/** The shared rate limiter passes every test the in-memory one passes, against the real Redis. */
class RedisRateLimiterTest extends RateLimiterContract {
    private static final String PREFIX = TestRedis.uniquePrefix("rate");
    private final List<Redis> opened = new ArrayList<>();
    private static final java.util.concurrent.atomic.AtomicInteger LIMITERS = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    protected RateLimiter newLimiter() {
        Redis redis = Redis.connect(TestRedis.URI, PREFIX + LIMITERS.incrementAndGet() + ":");
        opened.add(redis);
        return new RedisRateLimiter(redis, new RedisHealth(redis, "test"), RedisDown.REFUSE, 1);
    }

    @AfterEach
    void close() {
        opened.forEach(Redis::close);
        opened.clear();
    }

    @AfterAll
    static void deleteKeys() {
        TestRedis.deleteAll(PREFIX);
    }
}
