package dev.switchboard.cluster;

import dev.switchboard.accounting.KeyChanges;

import java.util.function.Consumer;

/**
 * Key changes told to every node of the cluster on one Redis channel: the message is the key's
 * hash (never its secret), and each node's subscriber drops the key from its caches so that its
 * next use reads the store. A message lost (Redis down, a node reconnecting) costs only freshness:
 * the key cache's refresh still bounds how long a node serves what it read.
 */
public final class SharedKeyChanges implements KeyChanges {
    static final String CHANNEL = "keys";

    private final Redis redis;

    public SharedKeyChanges(Redis redis) {
        this.redis = redis;
    }

    @Override
    public void changed(String hash) {
        redis.publish(CHANNEL, hash);
    }

    /**
     * Tells the nodes of the cluster behind {@code redis} that a key changed, waiting for Redis to take
     * the message (for a short-lived process such as the CLI); the number of nodes listening.
     */
    public static long announce(Redis redis, String hash) {
        try {
            return redis.commands().publish(redis.key(CHANNEL), hash).get(Redis.COMMAND_TIMEOUT.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("publishing a key change failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing a key change", e);
        }
    }

    /** Calls {@code invalidate} with the hash of every key changed on any node (this one included). */
    public void listen(Consumer<String> invalidate) {
        redis.subscribe(CHANNEL, hash -> {
            if (hash.matches("[0-9a-f]{64}")) {
                invalidate.accept(hash);
            }
        });
    }
}
