package dev.switchboard.cluster;

import io.lettuce.core.GetExArgs;
import io.lettuce.core.SetArgs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Small texts every node of the cluster can read, each expiring on its own: what the web UI's
 * sessions need (written on one node, read and kept alive on another). Every name is under
 * {@code namespace} in the cluster's prefix. Calls never block; futures fail when Redis does.
 */
public final class SharedValues {
    private static final Logger log = LoggerFactory.getLogger(SharedValues.class);

    private final Redis redis;
    private final String namespace;

    public SharedValues(Redis redis, String namespace) {
        this.redis = redis;
        this.namespace = namespace;
    }

    /** Sets {@code name} to {@code value}, expiring after {@code ttl}. */
    public CompletableFuture<Void> put(String name, String value, Duration ttl) {
        return redis.commands().set(key(name), value, SetArgs.Builder.px(ttl.toMillis()))
                .toCompletableFuture().thenApply(ok -> null);
    }

    /** The value of {@code name}, its expiry pushed back to {@code ttl} from now (an idle timeout). */
    public CompletableFuture<Optional<String>> renew(String name, Duration ttl) {
        return redis.commands().getex(key(name), GetExArgs.Builder.px(ttl.toMillis()))
                .toCompletableFuture().thenApply(Optional::ofNullable);
    }

    public CompletableFuture<Optional<String>> get(String name) {
        return redis.commands().get(key(name)).toCompletableFuture().thenApply(Optional::ofNullable);
    }

    /** Removes the names; fire and forget (a failure is logged, and the values expire by themselves). */
    public void delete(String... names) {
        String[] keys = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            keys[i] = key(names[i]);
        }
        redis.commands().del(keys).exceptionally(e -> {
            log.warn("removing shared values from {} failed (they expire by themselves): {}", namespace, e.toString());
            return 0L;
        });
    }

    private String key(String name) {
        return redis.key(namespace + ":" + name);
    }
}
