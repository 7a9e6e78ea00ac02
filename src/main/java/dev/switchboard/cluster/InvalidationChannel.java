package dev.switchboard.cluster;

import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Names told to every node of the cluster on one Redis channel, for each node to drop from a cache
 * (key hashes, preset names). A message lost (Redis down, a node reconnecting) costs only freshness:
 * the cache's own expiry or refresh still bounds how long a node serves what it read.
 */
final class InvalidationChannel {
    private final Redis redis;
    private final String channel;
    private final Predicate<String> wellFormed;

    InvalidationChannel(Redis redis, String channel, Predicate<String> wellFormed) {
        this.redis = redis;
        this.channel = channel;
        this.wellFormed = wellFormed;
    }

    void publish(String name) {
        redis.publish(channel, name);
    }

    /** Calls {@code invalidate} with every well-formed name published on any node (this one included). */
    void listen(Consumer<String> invalidate) {
        redis.subscribe(channel, name -> {
            if (wellFormed.test(name)) {
                invalidate.accept(name);
            }
        });
    }
}
