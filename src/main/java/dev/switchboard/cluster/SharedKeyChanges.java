package dev.switchboard.cluster;

import dev.switchboard.accounting.KeyChanges;

import java.util.function.Consumer;

/**
 * Key changes told to every node of the cluster ({@link InvalidationChannel}): the message is the
 * key's hash (never its secret), and each node drops the key from its caches so that its next use
 * reads the store.
 */
public final class SharedKeyChanges implements KeyChanges {
    static final String CHANNEL = "keys";

    private final InvalidationChannel channel;

    public SharedKeyChanges(Redis redis) {
        this.channel = new InvalidationChannel(redis, CHANNEL, hash -> hash.matches("[0-9a-f]{64}"));
    }

    @Override
    public void changed(String hash) {
        channel.publish(hash);
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
        channel.listen(invalidate);
    }
}
