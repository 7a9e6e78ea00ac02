package dev.switchboard.accounting;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Key lookups for the request path, so that the database is not on it. Three caches, kept apart
 * so that none can push entries out of another:
 * <ul>
 *   <li><b>known</b>: keys the store has, by hash. A key in use is re-read in the background once
 *   its entry is {@link #REFRESH_AFTER} old; an entry not used for {@link #REFRESH} is dropped and
 *   read again on its next use. Changes made through this node take effect at once; changes made
 *   elsewhere within {@link #REFRESH} while the store answers, and within a second when the node that
 *   made them tells this one ({@link #invalidate}, cluster mode).</li>
 *   <li><b>last known</b>: the last record read of every key seen (every key at start), consulted
 *   only while the store fails: a known key is then served as last read instead of failing.</li>
 *   <li><b>unknown</b>: hashes the store does not have, for {@link #UNKNOWN_TTL}, at most
 *   {@link #UNKNOWN_MAX}: a repeated unknown key costs no query, and a flood of random keys fills
 *   only this cache, never evicting a real key.</li>
 * </ul>
 * Thread-safe. Store reads run on the store's executor, never on the caller's thread.
 */
public final class KeyDirectory {
    private static final Logger log = LoggerFactory.getLogger(KeyDirectory.class);

    /** How long a change made elsewhere takes to be seen while the store answers. */
    public static final Duration REFRESH = Duration.ofSeconds(15);
    static final Duration REFRESH_AFTER = REFRESH.multipliedBy(2).dividedBy(3);
    static final Duration UNKNOWN_TTL = Duration.ofSeconds(10);
    static final int KNOWN_MAX = 100_000;
    static final int UNKNOWN_MAX = 10_000;

    private static final CompletableFuture<Optional<KeyRecord>> NOT_FOUND =
            CompletableFuture.completedFuture(Optional.empty());

    private final Store store;
    private final AsyncLoadingCache<String, Optional<KeyRecord>> known;
    private final Cache<String, KeyRecord> lastKnown;
    private final Cache<String, Boolean> unknown;
    /** Set by a failed read, cleared by the next answer; only for not waiting on a store known to be down. */
    private final AtomicBoolean storeFailing = new AtomicBoolean();

    KeyDirectory(Store store, Executor storeExecutor, Clock clock) {
        this(store, storeExecutor, clock, KNOWN_MAX, UNKNOWN_MAX);
    }

    /** With other bounds than {@link #KNOWN_MAX} and {@link #UNKNOWN_MAX}, for tests. */
    KeyDirectory(Store store, Executor storeExecutor, Clock clock, int knownMax, int unknownMax) {
        this.store = store;
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.known = Caffeine.newBuilder()
                .maximumSize(knownMax)
                .refreshAfterWrite(REFRESH_AFTER)
                .expireAfterWrite(REFRESH)
                .ticker(ticker)
                .executor(storeExecutor)
                .buildAsync(new Reader());
        // cheap upkeep on the caller's thread: never queued behind store reads waiting on a dead database
        this.lastKnown = Caffeine.newBuilder()
                .maximumSize(knownMax)
                .executor(Runnable::run)
                .build();
        this.unknown = Caffeine.newBuilder()
                .maximumSize(unknownMax)
                .expireAfterWrite(UNKNOWN_TTL)
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    /** The key with this hash, or empty when the store does not have it; fails with {@link StoreException}. */
    public CompletableFuture<Optional<KeyRecord>> find(String hash) {
        CompletableFuture<Optional<KeyRecord>> cached = known.getIfPresent(hash);
        // the hot path: a key already read is handed out as cached, nothing else is done
        if (cached != null) {
            return cached.state() == Future.State.SUCCESS && cached.resultNow() != null ? cached : absentAsEmpty(cached);
        }
        if (unknown.getIfPresent(hash) != null) {
            return NOT_FOUND;
        }
        if (storeFailing.get()) {
            KeyRecord last = lastKnown.getIfPresent(hash);
            if (last != null) {
                return servedAsLastRead(hash, last);
            }
        }
        return absentAsEmpty(known.get(hash));
    }

    /** A first read still in flight completes with null when the key turns out unknown. */
    private static CompletableFuture<Optional<KeyRecord>> absentAsEmpty(CompletableFuture<Optional<KeyRecord>> read) {
        return read.thenApply(found -> found != null ? found : Optional.empty());
    }

    /**
     * Serves a key without waiting for a store known to be down to time out. The entry goes into
     * {@code known} and is refreshed in the background at once: the store is tried again, and a
     * change is picked up as soon as it answers.
     */
    private CompletableFuture<Optional<KeyRecord>> servedAsLastRead(String hash, KeyRecord last) {
        CompletableFuture<Optional<KeyRecord>> served = CompletableFuture.completedFuture(Optional.of(last));
        CompletableFuture<Optional<KeyRecord>> raced = known.asMap().putIfAbsent(hash, served);
        if (raced != null) {
            return absentAsEmpty(raced);
        }
        known.synchronous().refresh(hash);
        return served;
    }

    /** Remembers the keys the store holds at start, to be served should it fail before their first use. */
    void remember(Collection<KeyRecord> keys) {
        for (KeyRecord key : keys) {
            lastKnown.put(key.hash(), key);
        }
    }

    /** Records a key created or changed through this node (no longer unknown, if it was). */
    public void put(KeyRecord key) {
        unknown.invalidate(key.hash());
        lastKnown.put(key.hash(), key);
        known.put(key.hash(), CompletableFuture.completedFuture(Optional.of(key)));
    }

    /** Records a key deleted through this node. */
    public void removed(String hash) {
        unknown.put(hash, Boolean.TRUE);
        known.synchronous().invalidate(hash);
        lastKnown.invalidate(hash);
    }

    /**
     * Forgets what this node knows of a key changed elsewhere (another node of the cluster), so its
     * next use reads the store. The last read goes too: should the store fail before that read, a
     * key that may have just been disabled or deleted is refused (503) rather than served as it was.
     */
    public void invalidate(String hash) {
        known.synchronous().invalidate(hash);
        unknown.invalidate(hash);
        lastKnown.invalidate(hash);
    }

    /** Reads a key from the store, remembering the answer in the caches. */
    private Optional<KeyRecord> read(String hash) {
        Optional<KeyRecord> found;
        try {
            found = store.key(hash);
        } catch (StoreException e) {
            if (storeFailing.compareAndSet(false, true)) {
                log.warn("key lookups failed ({}); serving known keys as last read until the store answers",
                        e.getMessage());
            }
            throw e;
        }
        if (storeFailing.get() && storeFailing.compareAndSet(true, false)) {
            log.info("key lookups answered again");
        }
        if (found.isPresent()) {
            lastKnown.put(hash, found.get());
        } else {
            lastKnown.invalidate(hash);
            unknown.put(hash, Boolean.TRUE);
        }
        return found;
    }

    /**
     * Loads and refreshes {@code known}. Only keys the store has are kept there (null drops the
     * entry; {@link #read} has put the hash into {@code unknown}).
     */
    private final class Reader implements CacheLoader<String, Optional<KeyRecord>> {
        @Override
        public Optional<KeyRecord> load(String hash) {
            if (unknown.getIfPresent(hash) != null) {
                return null; // found unknown by a load that ended after this caller's check of find()
            }
            Optional<KeyRecord> found;
            try {
                found = read(hash);
            } catch (StoreException e) {
                KeyRecord last = lastKnown.getIfPresent(hash);
                if (last == null) {
                    throw e;
                }
                return Optional.of(last);
            }
            return found.isPresent() ? found : null;
        }

        @Override
        public Optional<KeyRecord> reload(String hash, Optional<KeyRecord> old) {
            Optional<KeyRecord> found;
            try {
                found = read(hash);
            } catch (StoreException e) {
                // a new instance, so the entry counts as refreshed: it keeps being served while the
                // store is down instead of expiring, and the next use after REFRESH_AFTER tries again
                return Optional.of(old.orElseThrow());
            }
            return found.isPresent() ? found : null;
        }
    }
}
