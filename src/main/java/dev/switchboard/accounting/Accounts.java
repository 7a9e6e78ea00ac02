package dev.switchboard.accounting;

import dev.switchboard.store.ActivityRow;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.LimitReset;
import dev.switchboard.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keys, credits, rate limits and the ledger behind one facade. Everything that touches the store
 * runs on the store's own threads and completes a future; nothing here blocks a caller's thread.
 */
public final class Accounts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Accounts.class);
    static final String BOOTSTRAPPED = "bootstrapped";

    /** How accounts behave; {@code adminKey} is the configured admin secret, or empty. */
    public record Settings(boolean requireKeys, String adminKey, int retentionDays, int ledgerCapacity,
                           Duration ledgerFlushEvery) {
    }

    /** Secrets generated on the very first start, to be shown once; null when not generated. */
    public record Bootstrap(String adminSecret, String inferenceSecret) {
    }

    /**
     * What this node shares with the other nodes of a cluster beyond the store: key changes (so
     * their caches drop the key) and recent ledger rows. {@link #NONE} on one node.
     */
    public record Peers(KeyChanges keyChanges, RecentGenerations generations) {
        public static final Peers NONE = new Peers(KeyChanges.NONE, RecentGenerations.NONE);
    }

    /** A new key's settings (money in pico-dollars). */
    public record NewKey(String name, Long limitPico, LimitReset limitReset, Long expiresAt,
                         Integer requestsPerMinute, Long tokensPerMinute) {
    }

    /** A key that was just created, with its secret: shown once, never stored. */
    public record CreatedKey(KeyRecord key, String secret) {
    }

    /** Stands in for the anonymous account where a key record is needed: no limit, never stored. */
    private static final KeyRecord ANONYMOUS_KEY = new KeyRecord(Caller.ANONYMOUS_HASH, "anonymous", "anonymous",
            KeyRecord.Role.INFERENCE, null, null, null, null, null, false, 0, 0, 0);

    private final Store store;
    private final Settings settings;
    private final Clock clock;
    private final ExecutorService storeExecutor;
    private final ScheduledExecutorService maintenance;
    private final KeyDirectory keys;
    private final CreditBook credits;
    private final RateLimiter rateLimiter;
    private final UsageLedger ledger;
    private final String configuredAdminHash;
    private final Peers peers;

    /** One node's accounts: credits and rate limits in memory. */
    public Accounts(Store store, Settings settings, Clock clock) {
        this(store, settings, clock, new LocalCreditBook(), new LocalRateLimiter());
    }

    /** Accounts on the given credit book and rate limiter (shared ones when several nodes serve). */
    public Accounts(Store store, Settings settings, Clock clock, CreditBook credits, RateLimiter rateLimiter) {
        this(store, settings, clock, credits, rateLimiter, Peers.NONE);
    }

    /** As above, telling the other nodes of a cluster what they must know at once ({@code peers}). */
    public Accounts(Store store, Settings settings, Clock clock, CreditBook credits, RateLimiter rateLimiter,
                    Peers peers) {
        this.store = store;
        this.peers = peers;
        this.credits = credits;
        this.rateLimiter = rateLimiter;
        this.settings = settings;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        this.storeExecutor = Executors.newFixedThreadPool(4, r -> Thread.ofPlatform()
                .name("switchboard-store-" + threads.incrementAndGet()).daemon(true).unstarted(r));
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .name("switchboard-maintenance").daemon(true).unstarted(r));
        this.keys = new KeyDirectory(store, storeExecutor, clock);
        this.ledger = new UsageLedger(store, settings.ledgerCapacity(), 5_000, settings.ledgerFlushEvery(),
                peers.generations()::recorded);
        this.configuredAdminHash = settings.adminKey() == null || settings.adminKey().isBlank() ? null
                : KeySecrets.hash(settings.adminKey().trim());
    }

    /**
     * Prepares accounts at start (blocking): on the very first start, creates an admin key (unless
     * one is configured) and a first inference key; loads every key's usage into the credit book
     * and every key into the key directory (served from there should the store fail); schedules
     * ledger retention.
     */
    public Bootstrap start() {
        Bootstrap bootstrap = store.meta(BOOTSTRAPPED).isEmpty() ? bootstrap() : new Bootstrap(null, null);
        loadUsage();
        maintenance.scheduleAtFixedRate(this::maintain, 0, 1, TimeUnit.HOURS);
        return bootstrap;
    }

    /**
     * The first keys, created exactly once however many nodes start at once on an empty store: the
     * store inserts them in the same transaction that marks it bootstrapped, and only the one
     * transaction that marks it does (the others find the mark and insert nothing).
     */
    private Bootstrap bootstrap() {
        String admin = null;
        List<KeyRecord> first = new java.util.ArrayList<>();
        if (configuredAdminHash == null && store.keys().stream().noneMatch(k -> k.role() == KeyRecord.Role.ADMIN)) {
            admin = KeySecrets.generate();
            first.add(newKey(admin, "admin", KeyRecord.Role.ADMIN, new NewKey("admin", null, null, null, null, null)));
        }
        String inference = KeySecrets.generate();
        first.add(newKey(inference, "default", KeyRecord.Role.INFERENCE, new NewKey("default", null, null, null, null, null)));
        if (!store.insertKeysOnce(BOOTSTRAPPED, Long.toString(clock.millis()), first)) {
            return new Bootstrap(null, null); // another node bootstrapped the store first
        }
        return new Bootstrap(admin, inference);
    }

    private void loadUsage() {
        List<KeyRecord> all = store.keys();
        keys.remember(all);
        credits.load(usageSnapshot(all, store, clock.millis()));
    }

    /** What the ledger holds now: every key's usage and the sums since the current day, week and month began (blocks). */
    public static CreditBook.UsageSnapshot usageSnapshot(Store store, long nowMillis) {
        return usageSnapshot(store.keys(), store, nowMillis);
    }

    private static CreditBook.UsageSnapshot usageSnapshot(List<KeyRecord> all, Store store, long now) {
        Map<String, Long> totals = new java.util.HashMap<>();
        for (KeyRecord k : all) {
            totals.put(k.hash(), k.usagePico());
        }
        return new CreditBook.UsageSnapshot(totals, store.usageSince(Periods.start(LimitReset.DAILY, now)),
                store.usageSince(Periods.start(LimitReset.WEEKLY, now)),
                store.usageSince(Periods.start(LimitReset.MONTHLY, now)), now);
    }

    /** Creates partitions ahead and removes ledger days past retention. */
    private void maintain() {
        try {
            long today = Math.floorDiv(clock.millis(), 86_400_000L);
            store.prepareDays(today - 1, today + 7);
            store.deleteGenerationsBefore(today - settings.retentionDays());
        } catch (RuntimeException e) {
            log.warn("ledger maintenance failed: {}", e.getMessage());
        }
    }

    // ---- who is calling ----

    /** The caller of an inference request; fails with {@link AccessDenied}. */
    public CompletableFuture<Caller> inference(String secret) {
        if (secret == null || secret.isBlank()) {
            return settings.requireKeys()
                    ? CompletableFuture.failedFuture(AccessDenied.unauthenticated(
                    "Missing API key: send Authorization: Bearer <key> (or x-api-key)"))
                    : CompletableFuture.completedFuture(Caller.ANONYMOUS);
        }
        String hash = KeySecrets.hash(secret.trim());
        if (hash.equals(configuredAdminHash)) {
            return CompletableFuture.failedFuture(adminOnInference());
        }
        return keys.find(hash).thenApply(found -> {
            if (found.isEmpty()) {
                if (settings.requireKeys()) {
                    throw AccessDenied.unauthenticated("Invalid API key");
                }
                return Caller.ANONYMOUS;
            }
            KeyRecord key = found.get();
            if (key.role() == KeyRecord.Role.ADMIN) {
                throw adminOnInference();
            }
            checkUsable(key);
            return new Caller(key);
        });
    }

    /**
     * The inference key with this hash as a caller, for the admin's web playground: it bills a key the
     * admin picked without anyone holding that key's secret. Empty when no inference key has the hash;
     * fails with {@link AccessDenied} (403) when the key is disabled or expired.
     */
    public CompletableFuture<Optional<Caller>> inferenceKey(String hash) {
        return keys.find(hash).thenApply(found -> found.filter(k -> k.role() == KeyRecord.Role.INFERENCE).map(key -> {
            checkUsable(key);
            return new Caller(key);
        }));
    }

    /**
     * The caller of a route that reports usage ({@code /generation}, {@code /activity}): the admin
     * key (sees every key's usage) or whoever {@link #inference} admits (sees its own).
     */
    public CompletableFuture<Caller> reader(String secret) {
        if (secret != null && !secret.isBlank()) {
            String hash = KeySecrets.hash(secret.trim());
            if (hash.equals(configuredAdminHash)) {
                return CompletableFuture.completedFuture(Caller.ADMIN);
            }
            return keys.find(hash).thenCompose(found -> {
                if (found.isPresent() && found.get().role() == KeyRecord.Role.ADMIN) {
                    checkUsable(found.get());
                    return CompletableFuture.completedFuture(Caller.ADMIN);
                }
                return inference(secret);
            });
        }
        return inference(secret);
    }

    /** Succeeds for the admin key; fails with 401 (no or unknown key) or 403 (an inference key). */
    public CompletableFuture<Void> admin(String secret) {
        if (secret == null || secret.isBlank()) {
            return CompletableFuture.failedFuture(AccessDenied.unauthenticated(
                    "Missing admin key: send Authorization: Bearer <admin key>"));
        }
        String hash = KeySecrets.hash(secret.trim());
        if (hash.equals(configuredAdminHash)) {
            return CompletableFuture.completedFuture(null);
        }
        return keys.find(hash).thenApply(found -> {
            if (found.isEmpty()) {
                throw AccessDenied.unauthenticated("Invalid admin key");
            }
            if (found.get().role() != KeyRecord.Role.ADMIN) {
                throw AccessDenied.forbidden("This route needs the admin key; inference keys cannot manage keys");
            }
            checkUsable(found.get());
            return null;
        });
    }

    private void checkUsable(KeyRecord key) {
        if (key.disabled()) {
            throw AccessDenied.forbidden("This API key is disabled");
        }
        if (key.expired(clock.millis())) {
            throw AccessDenied.forbidden("This API key has expired");
        }
    }

    private static AccessDenied adminOnInference() {
        return AccessDenied.forbidden("The admin key manages keys and cannot call models; use an inference key");
    }

    // ---- keys ----

    public CompletableFuture<CreatedKey> createKey(NewKey spec) {
        return onStore(() -> {
            String secret = KeySecrets.generate();
            KeyRecord key = newKey(secret, spec.name(), KeyRecord.Role.INFERENCE, spec);
            store.insertKey(key);
            keys.put(key);
            peers.keyChanges().changed(key.hash());
            return new CreatedKey(key, secret);
        });
    }

    public CompletableFuture<List<KeyRecord>> listKeys() {
        return onStore(() -> store.keys().stream().filter(k -> k.role() == KeyRecord.Role.INFERENCE).toList());
    }

    public CompletableFuture<Optional<KeyRecord>> key(String hash) {
        return onStore(() -> store.key(hash).filter(k -> k.role() == KeyRecord.Role.INFERENCE));
    }

    /** Applies a change to a key's settings; empty when there is no such key. */
    public CompletableFuture<Optional<KeyRecord>> updateKey(String hash, java.util.function.UnaryOperator<KeyRecord> change) {
        return onStore(() -> {
            Optional<KeyRecord> current = store.key(hash).filter(k -> k.role() == KeyRecord.Role.INFERENCE);
            if (current.isEmpty()) {
                return Optional.<KeyRecord>empty();
            }
            KeyRecord changed = change.apply(current.get());
            KeyRecord stamped = new KeyRecord(changed.hash(), changed.name(), changed.label(), changed.role(),
                    changed.limitPico(), changed.limitReset(), changed.expiresAt(), changed.requestsPerMinute(),
                    changed.tokensPerMinute(), changed.disabled(), current.get().usagePico(), changed.createdAt(),
                    clock.millis());
            if (!store.updateKey(stamped)) {
                return Optional.<KeyRecord>empty();
            }
            keys.put(stamped);
            peers.keyChanges().changed(hash);
            return Optional.of(stamped);
        });
    }

    public CompletableFuture<Boolean> deleteKey(String hash) {
        return onStore(() -> {
            boolean inference = store.key(hash).map(k -> k.role() == KeyRecord.Role.INFERENCE).orElse(false);
            boolean deleted = inference && store.deleteKey(hash);
            if (deleted) {
                keys.removed(hash);
                peers.keyChanges().changed(hash);
                credits.forget(hash).exceptionally(e -> {
                    log.warn("dropping the counters of deleted key {} failed: {}", hash, e.getMessage());
                    return null;
                });
            }
            return deleted;
        });
    }

    /**
     * A key changed on another node: this node's caches drop it, and its next use reads the store.
     * Called by the cluster's subscriber, on its thread.
     */
    public void keyChangedElsewhere(String hash) {
        keys.invalidate(hash);
    }

    private KeyRecord newKey(String secret, String name, KeyRecord.Role role, NewKey spec) {
        return keyRecord(secret, role, new NewKey(name, spec.limitPico(), spec.limitReset(), spec.expiresAt(),
                spec.requestsPerMinute(), spec.tokensPerMinute()), clock.millis());
    }

    /** The record of a new key: its secret's hash and label, never the secret. */
    public static KeyRecord keyRecord(String secret, KeyRecord.Role role, NewKey spec, long nowMillis) {
        return new KeyRecord(KeySecrets.hash(secret), spec.name(), KeySecrets.label(secret), role, spec.limitPico(),
                spec.limitReset(), spec.expiresAt(), spec.requestsPerMinute(), spec.tokensPerMinute(), false, 0,
                nowMillis, nowMillis);
    }

    // ---- usage ----

    public CompletableFuture<CreditBook.Balance> balance(KeyRecord key) {
        return credits.balance(key, clock.millis());
    }

    /** The balances of several keys, in their order. */
    public CompletableFuture<List<CreditBook.Balance>> balances(List<KeyRecord> keys) {
        List<CompletableFuture<CreditBook.Balance>> each = keys.stream().map(this::balance).toList();
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(done -> each.stream().map(CompletableFuture::join).toList());
    }

    /** The balance of an inference caller; the anonymous account has no limit. */
    public CompletableFuture<CreditBook.Balance> balance(Caller caller) {
        return credits.balance(caller.key() != null ? caller.key() : ANONYMOUS_KEY, clock.millis());
    }

    public CreditBook credits() {
        return credits;
    }

    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    public UsageLedger ledger() {
        return ledger;
    }

    /**
     * A generation by id, whether or not its row has been written yet: this node's unwritten rows,
     * then the rows other nodes shared recently (cluster mode), then the store.
     */
    public CompletableFuture<Optional<GenerationRecord>> generation(String id) {
        Optional<GenerationRecord> pending = ledger.unwritten(id);
        if (pending.isPresent()) {
            return CompletableFuture.completedFuture(pending);
        }
        return peers.generations().find(id)
                .exceptionally(e -> {
                    log.warn("reading shared generation {} failed, asking the store: {}", id, e.toString());
                    return Optional.empty();
                })
                .thenCompose(shared -> shared.isPresent() ? CompletableFuture.completedFuture(shared)
                        : onStore(() -> store.generation(id)));
    }

    public CompletableFuture<List<ActivityRow>> activity(long fromDay, long toDay, String keyHash) {
        return onStore(() -> store.activity(fromDay, toDay, keyHash));
    }

    public Clock clock() {
        return clock;
    }

    public boolean requireKeys() {
        return settings.requireKeys();
    }

    /** A shared book or limiter stops its own threads (its connection belongs to the server). */
    private static void closeQuietly(Object component) {
        if (component instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", component.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private <T> CompletableFuture<T> onStore(java.util.function.Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, storeExecutor);
    }

    /** Writes every ledger row still queued, then stops (call after requests in flight have ended). */
    @Override
    public void close() {
        maintenance.shutdownNow();
        closeQuietly(credits);
        closeQuietly(rateLimiter);
        ledger.close();
        storeExecutor.shutdown();
        try {
            storeExecutor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
