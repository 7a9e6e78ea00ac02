package dev.switchboard.cluster;

import io.lettuce.core.GetExArgs;
import io.lettuce.core.SetArgs;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Small texts every node of the cluster can read, each expiring on its own: what the web UI's
 * sessions need (written on one node, read and kept alive on another). Every name is under
 * {@code namespace} in the cluster's prefix. Calls never block; futures fail when Redis does.
 */
public final class SharedValues {

    private final Redis redis;
    private final String namespace;
    private final Outage outage;

    public SharedValues(Redis redis, String namespace) {
        this.redis = redis;
        this.namespace = namespace;
        this.outage = new Outage("reading and writing shared " + namespace + " values in Redis",
                "each node serves what it holds itself");
    }

    /** Sets {@code name} to {@code value}, expiring after {@code ttl}. */
    public CompletableFuture<Void> put(String name, String value, Duration ttl) {
        return redis.commands().set(key(name), value, SetArgs.Builder.px(ttl.toMillis()))
                .toCompletableFuture().whenComplete(outage::track).thenApply(ok -> null);
    }

    /** The value of {@code name}, its expiry pushed back to {@code ttl} from now (an idle timeout). */
    public CompletableFuture<Optional<String>> renew(String name, Duration ttl) {
        return redis.commands().getex(key(name), GetExArgs.Builder.px(ttl.toMillis()))
                .toCompletableFuture().whenComplete(outage::track).thenApply(Optional::ofNullable);
    }

    public CompletableFuture<Optional<String>> get(String name) {
        return redis.commands().get(key(name)).toCompletableFuture().whenComplete(outage::track)
                .thenApply(Optional::ofNullable);
    }

    /** Removes the names; fire and forget (a failure is logged, and the values expire by themselves). */
    public void delete(String... names) {
        String[] keys = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            keys[i] = key(names[i]);
        }
        redis.commands().del(keys).whenComplete(outage::track); // a value left behind expires by itself
    }

    private String key(String name) {
        return redis.key(namespace + ":" + name);
    }
}
