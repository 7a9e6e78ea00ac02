package dev.switchboard.testing;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The machine's Redis at 127.0.0.1:6379, shared with other runs: every test works under a prefix
 * of its own ({@link #prefix()}) and removes its keys afterwards ({@link #clean}); never FLUSHALL.
 */
public final class TestRedis {
    public static final String URI = "redis://127.0.0.1:6379";

    private TestRedis() {
    }

    /** {@code sbtest:<random>:}, used by no other test or run. */
    public static String prefix() {
        return "sbtest:" + UUID.randomUUID().toString().replace("-", "").substring(0, 16) + ":";
    }

    /** Keys under {@code prefix} now. */
    public static List<String> keys(String prefix) {
        try (RedisClient client = RedisClient.create(URI);
             StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.setTimeout(Duration.ofSeconds(5));
            return scan(connection, prefix);
        }
    }

    /** Milliseconds {@code key} has left to live (-2: no such key, -1: no expiry). */
    public static long pttl(String key) {
        try (RedisClient client = RedisClient.create(URI);
             StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.setTimeout(Duration.ofSeconds(5));
            return connection.sync().pttl(key);
        }
    }

    /** Deletes every key under {@code prefix}. */
    public static void clean(String prefix) {
        try (RedisClient client = RedisClient.create(URI);
             StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.setTimeout(Duration.ofSeconds(5));
            List<String> keys = scan(connection, prefix);
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        }
    }

    private static List<String> scan(StatefulRedisConnection<String, String> connection, String prefix) {
        List<String> keys = new java.util.ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = connection.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return keys;
    }
}
