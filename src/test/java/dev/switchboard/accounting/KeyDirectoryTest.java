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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The key directory against a real SQLite store behind {@link FaultyStore}, on a manual clock.
 * Store reads run on the caller's thread (a direct executor), so every read has happened when
 * {@code find} returns, background refreshes included.
 */
class KeyDirectoryTest {
    private static final Duration PAST_REFRESH_AFTER = KeyDirectory.REFRESH_AFTER.plusSeconds(1);
    private static final Duration PAST_REFRESH = KeyDirectory.REFRESH.plusSeconds(1);
    private static final Duration PAST_UNKNOWN_TTL = KeyDirectory.UNKNOWN_TTL.plusMillis(1);

    private final ManualClock clock = new ManualClock();
    private Store underlying;
    private FaultyStore store;
    private KeyDirectory directory;

    @BeforeEach
    void openStore() {
        underlying = Stores.open(TestStores.sqliteUrl());
        store = new FaultyStore(underlying);
        directory = new KeyDirectory(store, Runnable::run, clock);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static KeyRecord key(String hash, boolean disabled) {
        return new KeyRecord(hash, "key " + hash, "sk-sb-v1-" + hash + "…", KeyRecord.Role.INFERENCE, null, null,
                null, null, null, disabled, 0, 1, 1);
    }

    private KeyRecord stored(String hash) {
        KeyRecord k = key(hash, false);
        underlying.insertKey(k);
        return k;
    }

    /** A change made elsewhere (another node, the CLI): in the store only. */
    private void disabledElsewhere(String hash) {
        assertThat(underlying.updateKey(key(hash, true))).isTrue();
    }

    private Optional<KeyRecord> find(String hash) {
        return directory.find(hash).join();
    }

    private boolean disabled(String hash) {
        return find(hash).orElseThrow().disabled();
    }

    @Test
    void servesAKnownKeyFromMemoryAfterItsFirstRead() {
        stored("a");
        for (int i = 0; i < 10; i++) {
            assertThat(find("a")).map(KeyRecord::hash).contains("a");
        }
        assertThat(store.keyReads).hasValue(1);
    }

    @Test
    void seesAChangeMadeElsewhereWithinTheRefreshIntervalWhileTheStoreAnswers() {
        stored("used");
        stored("idle");
        assertThat(disabled("used")).isFalse();
        assertThat(disabled("idle")).isFalse();
        disabledElsewhere("used");
        disabledElsewhere("idle");

        clock.advance(PAST_REFRESH_AFTER);
        find("used"); // served as cached while it is re-read in the background
        assertThat(disabled("used")).isTrue();

        clock.advance(PAST_REFRESH); // "idle" was not used for longer than REFRESH: read again before answering
        assertThat(disabled("idle")).isTrue();
    }

    @Test
    void keepsServingKnownKeysWhileTheStoreFails() {
        stored("used");
        stored("idle");
        assertThat(find("used")).isPresent();
        assertThat(find("idle")).isPresent();
        store.failKeyReads(true);
        int readsBefore = store.keyReads.get();

        // an hour of outage, a request every 11 s: each refresh fails and the record stays
        for (int i = 0; i < 330; i++) {
            clock.advance(PAST_REFRESH_AFTER);
            assertThat(find("used")).as("request %d of the outage", i).map(KeyRecord::hash).contains("used");
        }
        // one store attempt per refresh interval, not one per request
        assertThat(store.keyReads.get() - readsBefore).isLessThanOrEqualTo(330);

        // not used for the whole hour: its entry expired, yet the last record read is served
        assertThat(find("idle")).map(KeyRecord::hash).contains("idle");
    }

    @Test
    void servesEveryKeyRememberedAtStartWhileTheStoreFails() {
        KeyRecord remembered = stored("remembered");
        stored("never-seen");
        directory.remember(List.of(remembered));
        store.failKeyReads(true);

        assertThat(find("remembered")).contains(remembered);
        assertThatThrownBy(() -> find("never-seen"))
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(StoreException.class);
    }

    @Test
    void servesAnIdleKeyWithoutWaitingOnAStoreKnownToBeDown() {
        stored("idle");
        find("idle");
        store.failKeyReads(true);
        clock.advance(PAST_REFRESH);
        assertThatThrownBy(() -> find("stranger")).hasCauseInstanceOf(StoreException.class); // the failure is seen

        // the cached record is answered at once; the store is tried once, in the background
        int readsBefore = store.keyReads.get();
        assertThat(find("idle")).map(KeyRecord::hash).contains("idle");
        assertThat(store.keyReads.get() - readsBefore).isEqualTo(1);
        assertThat(find("idle")).map(KeyRecord::hash).contains("idle");
        assertThat(store.keyReads.get() - readsBefore).isEqualTo(1);
    }

    @Test
    void picksUpChangesOnceTheStoreIsBack() {
        stored("used");
        stored("idle");
        find("used");
        find("idle");
        store.failKeyReads(true);
        clock.advance(Duration.ofMinutes(10));
        assertThat(disabled("used")).isFalse();
        assertThat(disabled("idle")).isFalse();

        disabledElsewhere("used");
        disabledElsewhere("idle");
        store.failKeyReads(false);

        clock.advance(PAST_REFRESH_AFTER);
        find("used");
        assertThat(disabled("used")).isTrue();
        clock.advance(PAST_REFRESH);
        find("idle");
        assertThat(disabled("idle")).isTrue();
    }

    @Test
    void refusesAnUnknownKeyWithOneStoreQueryPerTtl() {
        for (int i = 0; i < 100; i++) {
            assertThat(find("random")).isEmpty();
        }
        assertThat(store.keyReads).hasValue(1);

        clock.advance(PAST_UNKNOWN_TTL);
        assertThat(find("random")).isEmpty();
        assertThat(store.keyReads).hasValue(2);
    }

    @Test
    void refusesARecentlyUnknownKeyWhileTheStoreFails() {
        assertThat(find("random")).isEmpty();
        store.failKeyReads(true);
        assertThat(find("random")).isEmpty();
        assertThat(store.keyReads).hasValue(1);
    }

    @Test
    void aKeyCreatedThroughThisNodeIsNotLeftUnknown() {
        assertThat(find("new")).isEmpty();
        directory.put(stored("new"));
        assertThat(find("new")).map(KeyRecord::hash).contains("new");
        assertThat(store.keyReads).hasValue(1);
    }

    @Test
    void aKeyCreatedElsewhereIsSeenOnceItsUnknownEntryExpires() {
        assertThat(find("new")).isEmpty();
        stored("new");
        clock.advance(PAST_UNKNOWN_TTL);
        assertThat(find("new")).map(KeyRecord::hash).contains("new");
    }

    @Test
    void aKeyDeletedThroughThisNodeIsRefusedAtOnceWithoutAQuery() {
        stored("gone");
        find("gone");
        underlying.deleteKey("gone");
        directory.removed("gone");
        assertThat(find("gone")).isEmpty();
        assertThat(store.keyReads).hasValue(1);
    }

    /** Another node of the cluster tells this one a key changed: the next use reads the store. */
    @Test
    void aKeyInvalidatedByAnotherNodeIsReadAgainAtItsNextUse() {
        stored("changed");
        stored("created");
        assertThat(disabled("changed")).isFalse();
        assertThat(find("created")).isPresent();
        assertThat(find("unknown-then-created")).isEmpty();

        disabledElsewhere("changed");
        directory.invalidate("changed");
        assertThat(disabled("changed")).isTrue();

        stored("unknown-then-created");
        directory.invalidate("unknown-then-created");
        assertThat(find("unknown-then-created")).map(KeyRecord::hash).contains("unknown-then-created");

        underlying.deleteKey("created");
        directory.invalidate("created");
        assertThat(find("created")).isEmpty();
    }

    /** A key invalidated while the store is down is not served as it was last read: it may be disabled now. */
    @Test
    void aKeyInvalidatedWhileTheStoreFailsIsNotServedAsLastRead() {
        stored("changed");
        assertThat(find("changed")).isPresent();
        disabledElsewhere("changed");
        store.failKeyReads(true);
        directory.invalidate("changed");

        assertThat(directory.find("changed")).failsWithin(Duration.ofSeconds(5));
        store.failKeyReads(false);
        assertThat(disabled("changed")).isTrue();
    }

    @Test
    void aKeyDeletedElsewhereIsDroppedAtItsNextRefresh() {
        stored("gone");
        find("gone");
        underlying.deleteKey("gone");
        clock.advance(PAST_REFRESH_AFTER);
        find("gone");
        assertThat(find("gone")).isEmpty();
    }

    @Test
    void aFloodOfRandomKeysNeitherEvictsRealKeysNorRepeatsQueries() {
        directory = new KeyDirectory(store, Runnable::run, clock, 100, 50);
        List<String> real = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            real.add(stored("real-" + i).hash());
            find("real-" + i);
        }
        assertThat(store.keyReads).hasValue(60);

        // 40 random keys (within the unknown cache's bound), each sent five times: one query each
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 40; i++) {
                assertThat(find("random-" + i)).isEmpty();
            }
        }
        assertThat(store.keyReads).hasValue(60 + 40);

        // 2,000 more, 20 times what the known cache holds
        for (int i = 0; i < 2_000; i++) {
            find("flood-" + i);
        }
        int readsAfterFlood = store.keyReads.get();
        for (String hash : real) {
            assertThat(find(hash)).as(hash).isPresent();
        }
        assertThat(store.keyReads).as("real keys still cached").hasValue(readsAfterFlood);
    }

    @Test
    void concurrentLookupsOfTheSameUnknownKeysQueryEachOnce() throws Exception {
        ExecutorService storeThreads = Executors.newFixedThreadPool(4);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            directory = new KeyDirectory(store, storeThreads, clock);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int offset = c;
                done.add(clients.submit(() -> {
                    for (int round = 0; round < 20; round++) {
                        for (int i = 0; i < 200; i++) {
                            String hash = "random-" + ((i + offset * 25) % 200);
                            assertThat(directory.find(hash).get(10, TimeUnit.SECONDS)).isEmpty();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(store.keyReads).hasValue(200);
        } finally {
            clients.shutdownNow();
            storeThreads.shutdownNow();
        }
    }
}
