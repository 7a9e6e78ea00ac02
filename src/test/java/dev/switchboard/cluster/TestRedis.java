package dev.switchboard.cluster;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.time.Duration;
import java.util.UUID;

/**
 * The machine's Redis at 127.0.0.1:6379, shared with other test runs: every test class works under
 * a prefix of its own and deletes its keys afterwards (never FLUSHALL).
 */
final class TestRedis {
    static final String URI = "redis://127.0.0.1:6379";

    private TestRedis() {
    }

    /** A prefix no other run uses, ending with ':'. */
    static String uniquePrefix(String what) {
        return "sbtest:" + what + ":" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** Deletes every key under {@code prefix} (SCAN + DEL). */
    static void deleteAll(String uri, String prefix) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    redis.del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    static void deleteAll(String prefix) {
        deleteAll(URI, prefix);
    }

    /** How many keys there are under {@code prefix}. */
    static long count(String uri, String prefix) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            long n = 0;
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = connection.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                n += page.getKeys().size();
                cursor = page;
            } while (!cursor.isFinished());
            return n;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
