package dev.switchboard.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The connection a node keeps to the Redis its cluster shares: one multiplexed connection for
 * commands and one for subscriptions. Commands fail fast while Redis is unreachable (they are not
 * queued behind a reconnect), each within {@link #COMMAND_TIMEOUT}; the client reconnects by
 * itself and re-subscribes. Every key and channel is under {@code prefix}, so several clusters (or
 * tests) can share one Redis.
 */
public final class Redis implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Redis.class);
    /** No shared operation may hold a request longer than this. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final StatefulRedisPubSubConnection<String, String> subscriptions;
    private final Map<String, Consumer<String>> listeners = new ConcurrentHashMap<>();
    private final String prefix;
    private final String uri;

    private Redis(String uri, String prefix) {
        this.uri = uri;
        this.prefix = prefix;
        RedisURI parsed = RedisURI.create(uri);
        parsed.setTimeout(COMMAND_TIMEOUT);
        this.client = RedisClient.create(parsed);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        try {
            this.connection = client.connect();
            this.subscriptions = client.connectPubSub();
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
        subscriptions.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                Consumer<String> listener = listeners.get(channel);
                if (listener != null) {
                    try {
                        listener.accept(message);
                    } catch (RuntimeException e) {
                        log.warn("handling a message on {} failed: {}", channel, e.toString());
                    }
                }
            }
        });
    }

    /** Connects (blocking, at start); fails when Redis cannot be reached. */
    public static Redis connect(String uri, String prefix) {
        return new Redis(uri, prefix);
    }

    /** Commands on the shared connection; each completes within {@link #COMMAND_TIMEOUT}. */
    public RedisAsyncCommands<String, String> commands() {
        return connection.async();
    }

    /** A key or channel name in this cluster's namespace. */
    public String key(String name) {
        return prefix + name;
    }

    /** Calls {@code listener} with every message published on {@code channel} (a name under the prefix). */
    public void subscribe(String channel, Consumer<String> listener) {
        String full = key(channel);
        listeners.put(full, listener);
        subscriptions.sync().subscribe(full);
    }

    /** Publishes to every node's subscribers of {@code channel}; fire and forget. */
    public void publish(String channel, String message) {
        commands().publish(key(channel), message).exceptionally(e -> {
            log.warn("publishing on {} failed: {}", channel, e.toString());
            return 0L;
        });
    }

    /**
     * What {@code check-config} says of {@code storage.redis}: connects, asks the server's version
     * and how many keys the cluster holds under {@code prefix}, and disconnects. Fails when Redis
     * cannot be reached.
     */
    public static String probe(String uri, String prefix) {
        try (Redis redis = connect(uri, prefix)) {
            var sync = redis.connection.sync();
            String version = sync.info("server").lines().filter(l -> l.startsWith("redis_version:"))
                    .map(l -> l.substring("redis_version:".length()).strip()).findFirst().orElse("unknown");
            return "Redis " + redis.address() + ": server " + version + ", " + countKeys(sync, prefix) + " under \""
                    + prefix + "\"";
        }
    }

    /** Keys under {@code prefix}, counted by SCAN (never KEYS, which would stall a busy Redis), up to a bound. */
    private static String countKeys(io.lettuce.core.api.sync.RedisCommands<String, String> sync, String prefix) {
        long[] found = {0};
        boolean all = scan(sync, prefix + "*", key -> found[0]++);
        return (all ? "" : "at least ") + found[0] + " keys";
    }

    /**
     * Calls {@code each} with the keys under this cluster's prefix that match {@code pattern} (a glob
     * after the prefix), blocking: for start-up only. False when it stopped at its bound of a
     * million keys looked at.
     */
    public boolean scanKeys(String pattern, Consumer<String> each) {
        return scan(connection.sync(), key(pattern), each);
    }

    private static boolean scan(io.lettuce.core.api.sync.RedisCommands<String, String> sync, String match,
                                Consumer<String> each) {
        io.lettuce.core.ScanArgs args = io.lettuce.core.ScanArgs.Builder.matches(match).limit(1000);
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        for (int pages = 0; pages < 1000; pages++) {
            io.lettuce.core.KeyScanCursor<String> page = sync.scan(cursor, args);
            page.getKeys().forEach(each);
            if (page.isFinished()) {
                return true;
            }
            cursor = page;
        }
        return false;
    }

    public boolean isConnected() {
        return connection.isOpen();
    }

    /** The address, without any password, for logs and {@code check-config}. */
    public String address() {
        RedisURI parsed = RedisURI.create(uri);
        return parsed.getHost() + ":" + parsed.getPort();
    }

    @Override
    public void close() {
        subscriptions.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
