package dev.switchboard.accounting;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.Store;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Key lookups for the request path: an in-memory cache by hash, loaded from the store on a miss
 * (on the store's threads) and refreshed in the background, so the database is not on the
 * per-request path. Unknown hashes are cached too, so random keys cannot hammer the store. Changes
 * made through this node take effect at once; changes made elsewhere (another node, the CLI)
 * within {@link #REFRESH}.
 */
public final class KeyDirectory {
    public static final Duration REFRESH = Duration.ofSeconds(15);

    private final AsyncLoadingCache<String, Optional<KeyRecord>> cache;

    public KeyDirectory(Store store, Executor storeExecutor) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(100_000)
                // refreshed in the background while in use; never older than REFRESH
                .refreshAfterWrite(REFRESH.multipliedBy(2).dividedBy(3))
                .expireAfterWrite(REFRESH)
                .executor(storeExecutor)
                .buildAsync(store::key);
    }

    public CompletableFuture<Optional<KeyRecord>> find(String hash) {
        return cache.get(hash);
    }

    /** Records a change made through this node. */
    public void put(KeyRecord key) {
        cache.put(key.hash(), CompletableFuture.completedFuture(Optional.of(key)));
    }

    public void removed(String hash) {
        cache.put(hash, CompletableFuture.completedFuture(Optional.empty()));
    }
}
