package dev.switchboard.store;

import dev.switchboard.store.jdbc.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.switchboard.testing.Generations.at;
import static dev.switchboard.testing.Generations.id;
import static dev.switchboard.testing.Generations.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link Store} does, run once per database against the real thing: subclasses supply
 * a fresh URL and remove what it created.
 */
public abstract class StoreContract {
    /** Monday 2025-03-10, the first day most tests write to. */
    protected static final long DAY = LocalDate.of(2025, 3, 10).toEpochDay();
    private static final long DAY_MS = 86_400_000L;

    protected String url;
    protected Store store;

    /** A URL of an empty store of the kind under test, that no other test uses. */
    protected abstract String newUrl();

    /** Removes what {@link #newUrl()} created (the store is closed by then). */
    protected abstract void drop(String url);

    @BeforeEach
    void openStore() {
        url = newUrl();
        store = Stores.open(url);
    }

    @AfterEach
    void closeStore() {
        store.close();
        drop(url);
    }

    protected static long startOf(long day) {
        return day * DAY_MS;
    }

    protected static KeyRecord keyWithEverySetting(String hash, long createdAt) {
        return new KeyRecord(hash, "ci pipeline", "sk-sb-v1-abc…f12", KeyRecord.Role.ADMIN, 5_000_000_000L,
                LimitReset.WEEKLY, createdAt + 86_400_000L, 60, 100_000L, true, 123_456L, createdAt, createdAt + 5);
    }

    protected static KeyRecord keyWithoutSettings(String hash, long createdAt) {
        return new KeyRecord(hash, "plain", "sk-sb-v1-def…345", KeyRecord.Role.INFERENCE, null, null, null, null,
                null, false, 0, createdAt, createdAt);
    }

    // ---- keys ----

    @Test
    void readsBackEveryFieldOfAKey() {
        KeyRecord full = keyWithEverySetting("a".repeat(64), 1_000);
        KeyRecord bare = keyWithoutSettings("b".repeat(64), 2_000);
        store.insertKey(full);
        store.insertKey(bare);

        assertThat(store.key(full.hash())).contains(full);
        assertThat(store.key(bare.hash())).contains(bare);
        assertThat(store.key("c".repeat(64))).isEmpty();
    }

    @Test
    void keepsEveryLimitResetPeriod() {
        long t = 1_000;
        for (LimitReset reset : LimitReset.values()) {
            KeyRecord k = new KeyRecord(reset.slug(), reset.slug(), "l", KeyRecord.Role.INFERENCE, 1L, reset, null,
                    null, null, false, 0, t, t++);
            store.insertKey(k);
            assertThat(store.key(k.hash())).contains(k);
        }
    }

    @Test
    void listsKeysInCreationOrder() {
        store.insertKey(keyWithoutSettings("second", 2_000));
        store.insertKey(keyWithEverySetting("third", 3_000));
        store.insertKey(keyWithoutSettings("first", 1_000));

        assertThat(store.keys()).extracting(KeyRecord::hash).containsExactly("first", "second", "third");
        assertThat(store.keys()).contains(keyWithEverySetting("third", 3_000));
    }

    @Test
    void refusesASecondKeyWithTheSameHash() {
        store.insertKey(keyWithoutSettings("same", 1_000));

        assertThatThrownBy(() -> store.insertKey(keyWithEverySetting("same", 2_000))).isInstanceOf(StoreException.class);
        assertThat(store.key("same")).contains(keyWithoutSettings("same", 1_000));
    }

    @Test
    void updatesEverySettingButNotUsage() {
        KeyRecord bare = keyWithoutSettings("k", 1_000);
        store.insertKey(bare);
        store.appendGenerations(List.of(row(at("2025-03-10T10:00:00Z"), "k", 700)));

        KeyRecord changed = new KeyRecord("k", "renamed", bare.label(), bare.role(), 9_000L, LimitReset.DAILY, 77_000L,
                30, 5_000L, true, 0, bare.createdAt(), 9_999);
        assertThat(store.updateKey(changed)).isTrue();
        KeyRecord expected = new KeyRecord("k", "renamed", bare.label(), bare.role(), 9_000L, LimitReset.DAILY,
                77_000L, 30, 5_000L, true, 700, bare.createdAt(), 9_999);
        assertThat(store.key("k")).contains(expected);

        assertThat(store.updateKey(new KeyRecord("k", "plain", bare.label(), bare.role(), null, null, null, null, null,
                false, 123_456_789, 1_000, 10_000))).isTrue();
        assertThat(store.key("k")).contains(new KeyRecord("k", "plain", bare.label(), bare.role(), null, null, null,
                null, null, false, 700, 1_000, 10_000));
    }

    @Test
    void updatesAndDeletesOnlyKeysThatExist() {
        assertThat(store.updateKey(keyWithoutSettings("missing", 1))).isFalse();
        assertThat(store.deleteKey("missing")).isFalse();
        assertThat(store.key("missing")).isEmpty();

        store.insertKey(keyWithoutSettings("present", 1));
        store.insertKey(keyWithoutSettings("other", 2));
        assertThat(store.deleteKey("present")).isTrue();
        assertThat(store.key("present")).isEmpty();
        assertThat(store.keys()).extracting(KeyRecord::hash).containsExactly("other");
        assertThat(store.deleteKey("present")).isFalse();
    }

    @Test
    void deletesAKeyOnceWhenTwoThreadsRaceToDeleteIt() throws Exception {
        int keys = 20;
        for (int i = 0; i < keys; i++) {
            store.insertKey(keyWithoutSettings("race-" + i, i));
        }
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < keys; i++) {
                String hash = "race-" + i;
                CountDownLatch start = new CountDownLatch(1);
                Future<Boolean> first = threads.submit(() -> {
                    start.await();
                    return store.deleteKey(hash);
                });
                Future<Boolean> second = threads.submit(() -> {
                    start.await();
                    return store.deleteKey(hash);
                });
                start.countDown();
                assertThat(List.of(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS)))
                        .as(hash).containsExactlyInAnyOrder(true, false);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(store.keys()).isEmpty();
    }

    // ---- the ledger ----

    @Test
    void readsBackEveryFieldOfAGeneration() {
        long t = at("2025-03-10T08:15:30.250Z");
        GenerationRecord full = new GenerationRecord(id(t), t, "k", "anthropic/claude-sonnet-4", "anthropic",
                "Anthropic", "msg_01XYZ", "my-app", "https://my.app", "user-42", 1_234, 567, 890, 12, 345, true,
                9_876_543_210L, 321L, 4_321L, true, true, "length", 3, 128_000L, 64_000L, "web_search, file_search");
        GenerationRecord sparse = new GenerationRecord(id(t + 1), t + 1, "k", "openai/gpt-4.1", "openai", "OpenAI",
                null, null, null, null, 0, 0, 0, 0, 0, false, 0, null, null, false, false, null, 1, null, null, null);
        store.appendGenerations(List.of(full, sparse));

        assertThat(store.generation(full.id())).contains(full);
        assertThat(store.generation(sparse.id())).contains(sparse);
    }

    @Test
    void addsEachRowsCostToItsKeysUsage() {
        store.insertKey(keyWithEverySetting("a", 1));
        store.insertKey(keyWithoutSettings("b", 2));
        long t = at("2025-03-10T09:00:00Z");
        GenerationRecord orphan = row(t + 3, "no-such-key", 9);
        store.appendGenerations(List.of(row(t, "a", 100), row(t + 1, "b", 7), row(t + 2, "a", 250), orphan));
        store.appendGenerations(List.of(row(t + 4, "b", 3)));

        assertThat(store.key("a").orElseThrow().usagePico()).isEqualTo(123_456 + 350);
        assertThat(store.key("b").orElseThrow().usagePico()).isEqualTo(10);
        assertThat(store.generation(orphan.id())).as("rows of a deleted key are kept").contains(orphan);
        assertThat(store.key("no-such-key")).isEmpty();
    }

    @Test
    void writesNothingOfABatchThatFails() {
        store.insertKey(keyWithoutSettings("k", 1));
        long t = at("2025-03-10T09:00:00Z");
        GenerationRecord good = row(t, "k", 100);
        GenerationRecord broken = new GenerationRecord(id(t + 1), t + 1, "k", null, "openai", "OpenAI", null, null,
                null, null, 1, 1, 0, 0, 0, false, 50, null, null, false, false, null, 1, null, null, null);

        assertThatThrownBy(() -> store.appendGenerations(List.of(good, broken))).isInstanceOf(StoreException.class);
        assertThat(store.generation(good.id())).isEmpty();
        assertThat(store.key("k").orElseThrow().usagePico()).isZero();

        store.appendGenerations(List.of(good));
        assertThat(store.generation(good.id())).contains(good);
        assertThat(store.key("k").orElseThrow().usagePico()).isEqualTo(100);
    }

    @Test
    void storesAndChargesARowOnceWhenItsBatchIsWrittenAgain() {
        // a ledger retries a batch whose commit was not acknowledged; the commit may have happened
        store.insertKey(keyWithoutSettings("k", 1));
        long t = at("2025-03-10T09:00:00Z");
        List<GenerationRecord> batch = List.of(row(t, "k", 100), row(t + 1, "k", 20));
        store.appendGenerations(batch);

        GenerationRecord fresh = row(t + 2, "k", 3);
        store.appendGenerations(List.of(batch.get(0), batch.get(1), fresh));

        assertThat(store.key("k").orElseThrow().usagePico()).isEqualTo(123);
        assertThat(store.activity(DAY, DAY, "k")).singleElement()
                .satisfies(a -> assertThat(a.requests()).isEqualTo(3));
        assertThat(store.generation(fresh.id())).contains(fresh);
    }

    @Test
    void acceptsAnEmptyBatch() {
        store.appendGenerations(List.of());

        assertThat(store.activity(DAY - 1_000, DAY + 1_000, null)).isEmpty();
    }

    @Test
    void findsNoGenerationThatWasNotWritten() {
        long t = at("2025-03-10T09:00:00Z");
        store.appendGenerations(List.of(row(t, "k", 1)));

        assertThat(store.generation(id(t))).isEmpty();
        assertThat(store.generation("gen-not-a-number-abc")).isEmpty();
        assertThat(store.generation("chatcmpl-123")).isEmpty();
        assertThat(store.generation("")).isEmpty();
    }

    @Test
    void findsAGenerationWhoseIdSecondFallsOnTheNextDay() {
        // the row's day comes from its start; its id may be made after midnight
        long started = at("2025-03-10T23:59:59.900Z");
        GenerationRecord late = withId(row(started, "k", 1), id(at("2025-03-11T00:00:02Z")));
        GenerationRecord imported = withId(row(started, "k", 2), "imported-42");
        store.appendGenerations(List.of(late, imported));

        assertThat(store.generation(late.id())).contains(late);
        assertThat(store.generation(imported.id())).contains(imported);
    }

    @Test
    void sumsUsagePerKeySinceAMoment() {
        long from = at("2025-03-10T00:00:00Z");
        store.appendGenerations(List.of(
                row(from - 1, "a", 1),
                row(from - 2 * DAY_MS, "c", 2),
                row(from, "a", 10),
                row(from + 5 * 3_600_000L, "a", 20),
                row(from + DAY_MS + 1, "b", 300),
                row(from + 40 * DAY_MS, "b", 4_000)));

        assertThat(store.usageSince(from)).isEqualTo(Map.of("a", 30L, "b", 4_300L));
        assertThat(store.usageSince(from + 1)).isEqualTo(Map.of("a", 20L, "b", 4_300L));
        assertThat(store.usageSince(from - DAY_MS)).isEqualTo(Map.of("a", 31L, "b", 4_300L));
        assertThat(store.usageSince(from + 41 * DAY_MS)).isEmpty();
    }

    @Test
    void groupsActivityByDayModelProviderAndApp() {
        store.prepareDays(DAY, DAY);
        long d0 = startOf(DAY);
        long d1 = startOf(DAY + 1);
        store.appendGenerations(List.of(
                row(d0 + 1, "a", "m1", "p1", "app", 10, 1, 0, 100),
                row(d0 + 2, "b", "m1", "p1", "app", 20, 2, 1, 200),
                row(d0 + 3, "a", "m1", "p1", null, 30, 3, 2, 300),
                row(d0 + 4, "a", "m1", "p2", "app", 40, 4, 3, 400),
                row(d0 + 5, "a", "m2", "p1", "app", 50, 5, 4, 500),
                row(d1 + 6, "a", "m1", "p1", "app", 60, 6, 5, 600),
                row(d1 + 7, "a", "m1", "p1", "app", 70, 7, 6, 700),
                row(startOf(DAY - 1) + 8, "a", "m1", "p1", "app", 1, 1, 1, 1),
                row(startOf(DAY + 2), "a", "m1", "p1", "app", 1, 1, 1, 1)));

        List<ActivityRow> all = store.activity(DAY, DAY + 1, null);

        assertThat(all).containsExactlyInAnyOrder(
                new ActivityRow(DAY, "m1", "p1", "p1 Inc.", "app", 2, 30, 3, 1, 300),
                new ActivityRow(DAY, "m1", "p1", "p1 Inc.", null, 1, 30, 3, 2, 300),
                new ActivityRow(DAY, "m1", "p2", "p2 Inc.", "app", 1, 40, 4, 3, 400),
                new ActivityRow(DAY, "m2", "p1", "p1 Inc.", "app", 1, 50, 5, 4, 500),
                new ActivityRow(DAY + 1, "m1", "p1", "p1 Inc.", "app", 2, 130, 13, 11, 1_300));
        assertThat(all).extracting(ActivityRow::day).isSorted();
        assertThat(store.activity(DAY, DAY + 1, "b")).containsExactly(
                new ActivityRow(DAY, "m1", "p1", "p1 Inc.", "app", 1, 20, 2, 1, 200));
        assertThat(store.activity(DAY + 1, DAY + 1, "a")).containsExactly(
                new ActivityRow(DAY + 1, "m1", "p1", "p1 Inc.", "app", 2, 130, 13, 11, 1_300));
        assertThat(store.activity(DAY - 1, DAY - 1, null)).extracting(ActivityRow::requests).containsExactly(1L);
        assertThat(store.activity(DAY + 3, DAY + 9, null)).isEmpty();
        assertThat(store.activity(DAY, DAY + 1, "nobody")).isEmpty();
    }

    // ---- settings ----

    @Test
    void keepsAndOverwritesSettings() {
        assertThat(store.meta("bootstrapped")).isEmpty();

        store.putMeta("bootstrapped", "1741600000000");
        store.putMeta("other", "x");
        assertThat(store.meta("bootstrapped")).contains("1741600000000");

        store.putMeta("bootstrapped", "second");
        assertThat(store.meta("bootstrapped")).contains("second");
        assertThat(store.meta("other")).contains("x");
    }

    /** Several nodes starting at once on one empty store: exactly one inserts its first keys. */
    @Test
    void insertsTheFirstKeysOnceHoweverManyNodesTryAtOnce() throws Exception {
        int nodes = 6;
        List<Store> others = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(nodes);
        try {
            for (int i = 0; i < nodes; i++) {
                others.add(Stores.open(url));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> tries = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                Store node = others.get(i);
                String name = "node-" + i;
                tries.add(threads.submit(() -> {
                    go.await();
                    return node.insertKeysOnce("bootstrapped", name, List.of(
                            new KeyRecord(name + "-admin", "admin", "sk-sb-v1-a…1", KeyRecord.Role.ADMIN, null, null,
                                    null, null, null, false, 0, 1, 1),
                            new KeyRecord(name + "-default", "default", "sk-sb-v1-d…1", KeyRecord.Role.INFERENCE, null,
                                    null, null, null, null, false, 0, 1, 1)));
                }));
            }
            go.countDown();
            List<String> winners = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                if (tries.get(i).get(30, TimeUnit.SECONDS)) {
                    winners.add("node-" + i);
                }
            }

            assertThat(winners).hasSize(1);
            String winner = winners.getFirst();
            assertThat(store.meta("bootstrapped")).contains(winner);
            assertThat(store.keys()).extracting(KeyRecord::hash)
                    .containsExactlyInAnyOrder(winner + "-admin", winner + "-default");
            assertThat(store.insertKeysOnce("bootstrapped", "later", List.of())).isFalse();
        } finally {
            threads.shutdownNow();
            others.forEach(Store::close);
        }
    }

    // ---- retention and restarts ----

    @Test
    void deletesExactlyTheRowsOfEarlierDays() {
        store.insertKey(keyWithoutSettings("k", 1));
        store.prepareDays(DAY - 1, DAY + 3);
        List<GenerationRecord> old = List.of(
                row(startOf(DAY - 3) + 10, "k", 1),
                row(startOf(DAY - 1), "k", 2),
                row(startOf(DAY) + 5, "k", 3),
                row(startOf(DAY + 1) - 1, "k", 4));
        List<GenerationRecord> kept = List.of(
                row(startOf(DAY + 1), "k", 10),
                row(startOf(DAY + 2) + 7, "k", 20),
                row(startOf(DAY + 5) + 9, "k", 30));
        List<GenerationRecord> all = new ArrayList<>(old);
        all.addAll(kept);
        store.appendGenerations(all);

        long removed = store.deleteGenerationsBefore(DAY + 1);

        assertThat(removed).as("rows removed, or -1 when unknown").isIn(-1L, (long) old.size());
        for (GenerationRecord g : old) {
            assertThat(store.generation(g.id())).as(g.id()).isEmpty();
        }
        for (GenerationRecord g : kept) {
            assertThat(store.generation(g.id())).as(g.id()).contains(g);
        }
        assertThat(store.activity(DAY - 10, DAY + 10, null)).extracting(ActivityRow::day)
                .containsExactly(DAY + 1, DAY + 2, DAY + 5);
        assertThat(store.key("k").orElseThrow().usagePico()).as("total usage outlives the ledger rows").isEqualTo(70);

        store.deleteGenerationsBefore(DAY + 1);
        assertThat(store.activity(DAY - 10, DAY + 10, null)).hasSize(3);
    }

    @Test
    void keepsEverythingWhenReopened() {
        KeyRecord key = keyWithEverySetting("k", 1_000);
        store.insertKey(key);
        GenerationRecord g = row(at("2025-03-10T09:00:00Z"), "k", 44);
        store.appendGenerations(List.of(g));
        store.putMeta("bootstrapped", "yes");
        KeyRecord charged = new KeyRecord("k", key.name(), key.label(), key.role(), key.limitPico(), key.limitReset(),
                key.expiresAt(), key.requestsPerMinute(), key.tokensPerMinute(), key.disabled(), key.usagePico() + 44,
                key.createdAt(), key.updatedAt());

        for (int restart = 1; restart <= 2; restart++) {
            store.close();
            store = Stores.open(url);

            assertThat(store.key("k")).as("restart %d", restart).contains(charged);
            assertThat(store.generation(g.id())).contains(g);
            assertThat(store.meta("bootstrapped")).contains("yes");
        }
    }

    @Test
    void endpointMinutesAddUpAndGroupByHour() {
        long hour = 29_000_000L / 60 * 60; // the first minute of an hour
        store.addEndpointMinutes(List.of(
                new EndpointMinute(hour + 1, "openai/gpt-4.1", "openai", 3, 1, 2, 0),
                new EndpointMinute(hour + 1, "openai/gpt-4.1", "azure", 1, 0, 0, 0),
                new EndpointMinute(hour + 59, "openai/gpt-4.1", "openai", 1, 0, 0, 1),
                new EndpointMinute(hour + 60, "openai/gpt-4.1", "openai", 0, 4, 0, 0)));
        // a second node's increments of a minute already stored
        store.addEndpointMinutes(List.of(new EndpointMinute(hour + 1, "openai/gpt-4.1", "openai", 5, 0, 0, 0)));

        assertThat(store.endpointMinutes(hour + 1)).contains(
                new EndpointMinute(hour + 1, "openai/gpt-4.1", "openai", 8, 1, 2, 0));
        assertThat(store.endpointMinutes(hour + 2)).hasSize(2);
        assertThat(store.endpointHours(hour)).containsExactlyInAnyOrder(
                new EndpointMinute(hour, "openai/gpt-4.1", "openai", 9, 1, 2, 1),
                new EndpointMinute(hour, "openai/gpt-4.1", "azure", 1, 0, 0, 0),
                new EndpointMinute(hour + 60, "openai/gpt-4.1", "openai", 0, 4, 0, 0));
    }

    @Test
    void endpointHistogramsAreReplacedPerNodeAndOldStatsRemoved() {
        store.putEndpointHistograms(List.of(new EndpointHistograms(100, "m/x", "p", "node-a", new byte[] {1}, new byte[] {2}),
                new EndpointHistograms(100, "m/x", "p", "node-b", new byte[] {3}, new byte[] {4})));
        store.putEndpointHistograms(List.of(new EndpointHistograms(100, "m/x", "p", "node-a", new byte[] {5, 6},
                new byte[] {7})));
        store.putEndpointHistograms(List.of(new EndpointHistograms(90, "m/x", "p", "node-a", new byte[] {8}, new byte[] {9})));
        store.addEndpointMinutes(List.of(new EndpointMinute(50, "m/x", "p", 1, 0, 0, 0),
                new EndpointMinute(100, "m/x", "p", 1, 0, 0, 0)));

        List<EndpointHistograms> rows = store.endpointHistograms(95);
        assertThat(rows).hasSize(2);
        EndpointHistograms a = rows.stream().filter(h -> h.node().equals("node-a")).findFirst().orElseThrow();
        assertThat(a.latencyMs()).containsExactly(5, 6);
        assertThat(a.tokensPerSecond()).containsExactly(7);

        store.deleteEndpointStatsBefore(60, 95);
        assertThat(store.endpointMinutes(0)).extracting(EndpointMinute::minute).containsExactly(100L);
        assertThat(store.endpointHistograms(0)).extracting(EndpointHistograms::minute).containsExactly(100L, 100L);
    }

    @Test
    void keepsResponsesPerKeyAndRemovesOldOnes() {
        String context = "[{\"type\":\"message\",\"role\":\"user\",\"content\":\"hi ✓\"}]";
        store.putResponse(new StoredResponse("resp_1", "key-a", 1_000, null, context, context, "{\"id\":\"resp_1\"}"));
        store.putResponse(new StoredResponse("resp_2", "key-a", 5_000, "resp_1", "[]", context, "{\"id\":\"resp_2\"}"));

        StoredResponse read = store.response("resp_2").orElseThrow();
        assertThat(read).isEqualTo(new StoredResponse("resp_2", "key-a", 5_000, "resp_1", "[]", context,
                "{\"id\":\"resp_2\"}"));
        assertThat(store.response("resp_1").orElseThrow().inputItems()).isEqualTo(context);
        assertThat(store.response("resp_3")).isEmpty();

        assertThat(store.deleteResponse("resp_2", "key-b")).as("another key's response").isFalse();
        assertThat(store.deleteResponse("resp_2", "key-a")).isTrue();
        assertThat(store.response("resp_2")).isEmpty();

        assertThat(store.deleteResponsesBefore(2_000)).isEqualTo(1);
        assertThat(store.response("resp_1")).isEmpty();
    }

    protected static GenerationRecord withId(GenerationRecord g, String id) {
        return new GenerationRecord(id, g.createdAt(), g.keyHash(), g.model(), g.providerId(), g.providerName(),
                g.upstreamId(), g.app(), g.appUrl(), g.externalUser(), g.tokensPrompt(), g.tokensCompletion(),
                g.tokensCached(), g.tokensCacheWrite(), g.tokensReasoning(), g.usageEstimated(), g.costPico(),
                g.latencyMs(), g.generationTimeMs(), g.streamed(), g.cancelled(), g.finishReason(), g.attempts(),
                g.maxTokensRequested(), g.maxTokens(), g.droppedTools());
    }

    // ---- refused rows (issue 12, item 5) ----

    /** A row no database takes: its model is NOT NULL. */
    protected static GenerationRecord withoutModel(GenerationRecord g) {
        return new GenerationRecord(g.id(), g.createdAt(), g.keyHash(), null, g.providerId(), g.providerName(),
                g.upstreamId(), g.app(), g.appUrl(), g.externalUser(), g.tokensPrompt(), g.tokensCompletion(),
                g.tokensCached(), g.tokensCacheWrite(), g.tokensReasoning(), g.usageEstimated(), g.costPico(),
                g.latencyMs(), g.generationTimeMs(), g.streamed(), g.cancelled(), g.finishReason(), g.attempts(),
                g.maxTokensRequested(), g.maxTokens(), g.droppedTools());
    }

    @Test
    void saysARefusedRowIsADataErrorWithoutNamingItsValues() {
        store.insertKey(keyWithEverySetting("k", 1));
        GenerationRecord good = row(startOf(DAY) + 1, "k", 7);
        GenerationRecord bad = withoutModel(row(startOf(DAY) + 2, "k", 9));

        assertThatThrownBy(() -> store.appendGenerations(List.of(good, bad)))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.dataRefused()).as("refused for its data: %s", e.getMessage()).isTrue();
                    assertThat(e.getMessage()).doesNotContain("user-7").doesNotContain("INSERT").doesNotContain(good.id());
                });
        assertThat(store.generation(good.id())).as("the whole transaction rolled back").isEmpty();
        assertThat(store.key("k").orElseThrow().usagePico()).isEqualTo(123_456L);
    }

    @Test
    void keepsASetAsideRowWithItsReason() throws Exception {
        GenerationRecord bad = withoutModel(row(startOf(DAY) + 2, "k", 9));

        store.setAsideGeneration(bad, "store failed while writing the ledger: NOT NULL");

        try (var c = jdbc(); var s = c.createStatement();
             var r = s.executeQuery("SELECT generation_id, reason, row_json, set_aside_at FROM ledger_rejects")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo(bad.id());
            assertThat(r.getString(2)).isEqualTo("store failed while writing the ledger: NOT NULL");
            var json = dev.switchboard.protocol.Json.MAPPER.readTree(r.getString(3));
            assertThat(json.path("id").asText()).isEqualTo(bad.id());
            assertThat(json.path("costPico").asLong()).isEqualTo(9);
            assertThat(json.path("externalUser").asText()).isEqualTo("user-7");
            assertThat(json.path("model").isNull()).isTrue();
            assertThat(r.getLong(4)).isPositive();
            assertThat(r.next()).isFalse();
        }
        assertThat(store.generation(bad.id())).isEmpty();
    }

    /** A plain JDBC connection to the store under test (its schema, for PostgreSQL). */
    protected java.sql.Connection jdbc() throws java.sql.SQLException {
        return jdbcOf(url);
    }

    public static java.sql.Connection jdbcOf(String url) throws java.sql.SQLException {
        if (url.startsWith("sqlite:")) {
            return java.sql.DriverManager.getConnection("jdbc:" + url);
        }
        String schema = url.substring(url.indexOf("?schema=") + "?schema=".length());
        return java.sql.DriverManager.getConnection(dev.switchboard.testing.TestStores.POSTGRES_JDBC + "?currentSchema="
                + schema, "postgres", "");
    }
}
