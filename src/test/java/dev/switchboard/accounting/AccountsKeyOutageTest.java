package dev.switchboard.accounting;

import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.jdbc.Stores;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may call while the store fails, through {@link Accounts} as the gateway uses it: a real
 * SQLite store behind {@link FaultyStore}, a manual clock, the store's own threads.
 */
class AccountsKeyOutageTest {
    private static final Accounts.NewKey TEAM = new Accounts.NewKey("team", null, null, null, null, null);
    private static final String UNKNOWN = "sk-sb-v1-" + "0".repeat(64);

    private final ManualClock clock = new ManualClock();
    private Store underlying;
    private FaultyStore store;
    private Accounts accounts;
    private Accounts.Bootstrap bootstrap;

    @BeforeEach
    void start() {
        underlying = Stores.open(TestStores.sqliteUrl());
        store = new FaultyStore(underlying);
        accounts = new Accounts(store, new Accounts.Settings(true, null, 32, 1_000, Duration.ofMillis(50)), clock);
        bootstrap = accounts.start();
    }

    @AfterEach
    void stop() {
        store.failKeyReads(false);
        accounts.close();
        store.close();
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    /** The status a refused call gets: 401 or 403 ({@link AccessDenied}), 503 (the store failed). */
    private int refusal(String secret) throws InterruptedException, TimeoutException {
        try {
            accounts.inference(secret).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AccessDenied denied) {
                return denied.status();
            }
            if (e.getCause() instanceof StoreException) {
                return 503;
            }
            throw new AssertionError(e.getCause());
        }
        return 200;
    }

    private String createKey() throws Exception {
        return await(accounts.createKey(TEAM)).secret();
    }

    @Test
    void admitsKnownKeysThroughAnHourOfStoreOutage() throws Exception {
        String used = createKey();
        assertThat(await(accounts.inference(used)).key().name()).isEqualTo("team");
        store.failKeyReads(true);

        for (int minute = 1; minute <= 60; minute++) {
            clock.advance(Duration.ofMinutes(1));
            assertThat(refusal(used)).as("minute %d of the outage", minute).isEqualTo(200);
        }
        // the first start's key was never used on this node: it was loaded at start
        assertThat(await(accounts.inference(bootstrap.inferenceSecret())).key().name()).isEqualTo("default");
    }

    @Test
    void seesAChangeMadeElsewhereDuringTheOutageOnceTheStoreIsBack() throws Exception {
        String secret = createKey();
        KeyRecord key = await(accounts.inference(secret)).key();
        store.failKeyReads(true);
        clock.advance(Duration.ofMinutes(5));
        assertThat(refusal(secret)).isEqualTo(200);

        // the CLI disables the key straight in the store; then the store answers again
        assertThat(underlying.updateKey(withDisabled(key, true))).isTrue();
        store.failKeyReads(false);
        clock.advance(KeyDirectory.REFRESH_AFTER.plusSeconds(1));
        awaitRefusal(secret, 403);
    }

    /**
     * Polls (the refresh runs on the store's threads) until {@code secret} gets {@code status}. Each poll
     * moves the clock a second on: a refresh that was still failing when the store came back is tried
     * again once its retry is due, as it would be with time passing.
     */
    private void awaitRefusal(String secret, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int last;
        while ((last = refusal(secret)) != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + last + ", expected " + status);
            }
            Thread.sleep(10);
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void refusesAnUnknownKeyWithoutAStoreQueryAfterTheFirst() throws Exception {
        assertThat(refusal(UNKNOWN)).isEqualTo(401);
        int reads = store.keyReads.get();
        for (int i = 0; i < 50; i++) {
            assertThat(refusal(UNKNOWN)).isEqualTo(401);
        }
        assertThat(store.keyReads).hasValue(reads);

        // still refused while the store fails, as long as it is remembered as unknown
        store.failKeyReads(true);
        assertThat(refusal(UNKNOWN)).isEqualTo(401);
        assertThat(store.keyReads).hasValue(reads);

        // once forgotten it cannot be told from a key created elsewhere: the store is unavailable (the cache
        // stamps the entry when its load completes, on the store's threads: time moves on until it is gone)
        clock.advance(KeyDirectory.UNKNOWN_TTL.plusMillis(1));
        awaitRefusal(UNKNOWN, 503);
    }

    @Test
    void disablingEnablingAndDeletingThroughAccountsTakeEffectAtOnce() throws Exception {
        String secret = createKey();
        String hash = await(accounts.inference(secret)).key().hash();
        int reads = store.keyReads.get();

        await(accounts.updateKey(hash, k -> withDisabled(k, true)));
        assertThat(refusal(secret)).isEqualTo(403);
        await(accounts.updateKey(hash, k -> withDisabled(k, false)));
        assertThat(refusal(secret)).isEqualTo(200);
        int readsByUpdates = 2;
        assertThat(store.keyReads).as("no lookups beside the updates' own").hasValue(reads + readsByUpdates);

        assertThat(await(accounts.deleteKey(hash))).isTrue();
        assertThat(refusal(secret)).isEqualTo(401);
        assertThat(store.keyReads).as("deleting reads the key once").hasValue(reads + readsByUpdates + 1);
    }

    private static KeyRecord withDisabled(KeyRecord k, boolean disabled) {
        return new KeyRecord(k.hash(), k.name(), k.label(), k.role(), k.limitPico(), k.limitReset(), k.expiresAt(),
                k.requestsPerMinute(), k.tokensPerMinute(), disabled, k.usagePico(), k.createdAt(), k.updatedAt());
    }
}
