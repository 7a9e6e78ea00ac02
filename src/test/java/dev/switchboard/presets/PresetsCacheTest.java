package dev.switchboard.presets;

import dev.switchboard.store.PresetRecord;
import dev.switchboard.store.PresetStore;
import dev.switchboard.store.PresetVersion;
import dev.switchboard.store.StoreException;
import dev.switchboard.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The presets' cache: served from memory, dropped on a change, refreshed after 30 s, kept while the store is down. */
class PresetsCacheTest {
    private final InMemoryPresets store = new InMemoryPresets();
    private final AtomicLong nanos = new AtomicLong();
    private final List<String> told = new CopyOnWriteArrayList<>();
    private final Presets presets = new Presets(store, Clock.systemUTC(), told::add, nanos::get);

    @AfterEach
    void close() {
        presets.close();
    }

    private int servedVersion(String name) {
        return presets.find(name).join().orElseThrow().version();
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Test
    void aPresetReadOnceIsServedFromMemory() {
        store.put("p", 1);
        assertThat(servedVersion("p")).isEqualTo(1);
        assertThat(servedVersion("p")).isEqualTo(1);

        assertThat(store.reads.get()).isEqualTo(1);
    }

    @Test
    void aChangeMadeHereIsServedAtOnceAndToldToTheOtherNodes() {
        presets.create("p", PresetDefinition.of(null, null)).join();
        assertThat(servedVersion("p")).isEqualTo(1);

        presets.update("p", PresetDefinition.of(null, null)).join();

        assertThat(servedVersion("p")).isEqualTo(2);
        assertThat(told).containsExactly("p", "p");
        presets.delete("p").join();
        assertThat(presets.find("p").join()).isEmpty();
    }

    @Test
    void aChangeMadeElsewhereIsServedOnceTheNodeIsTold() {
        store.put("p", 1);
        servedVersion("p");
        store.put("p", 2);
        assertThat(servedVersion("p")).isEqualTo(1);

        presets.changedElsewhere("p");

        assertThat(servedVersion("p")).isEqualTo(2);
    }

    @Test
    void withoutBeingToldANodeReadsThePresetAgainAfterThirtySeconds() {
        store.put("p", 1);
        servedVersion("p");
        store.put("p", 2);

        advance(Presets.CACHED_FOR.plusSeconds(1));

        // the store's reads wait, so the read again cannot finish before the copy it had is served
        CountDownLatch storeAnswers = new CountDownLatch(1);
        store.gate = storeAnswers;
        assertThat(servedVersion("p")).isEqualTo(1); // the copy it had, while it reads again
        storeAnswers.countDown();
        // the cache stamps an entry when its load completes, on its executor: time moves on until a refresh is due
        Poll.until(() -> {
            advance(Presets.CACHED_FOR.plusSeconds(1));
            return servedVersion("p");
        }, v -> v == 2, Duration.ofSeconds(10));
    }

    @Test
    void whileTheStoreIsDownPresetsReadBeforeAreStillServed() {
        store.put("p", 1);
        servedVersion("p");
        store.down.set(true);
        advance(Presets.CACHED_FOR.plusSeconds(1));

        assertThat(servedVersion("p")).isEqualTo(1);
        Poll.until(() -> {
            advance(Presets.CACHED_FOR.plusSeconds(1));
            servedVersion("p");
            return store.failedReads.get();
        }, n -> n >= 1, Duration.ofSeconds(10));
        assertThat(servedVersion("p")).isEqualTo(1);

        assertThatThrownBy(() -> presets.find("never-read").join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(StoreException.class);
    }

    /** A store in memory that counts its reads and can be made to fail them. */
    private static final class InMemoryPresets implements PresetStore {
        final Map<String, PresetRecord> presets = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger failedReads = new AtomicInteger();
        final AtomicBoolean down = new AtomicBoolean();
        /** While closed, reads wait for it (at most 10 s). */
        volatile CountDownLatch gate = new CountDownLatch(0);

        void put(String name, int version) {
            presets.put(name, new PresetRecord(name, 0, 0, new PresetVersion(name, version, 0, null, "{}")));
        }

        @Override
        public Optional<PresetRecord> preset(String name) {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (down.get()) {
                failedReads.incrementAndGet();
                throw new StoreException("store failed while reading a preset: connection refused", null);
            }
            reads.incrementAndGet();
            return Optional.ofNullable(presets.get(name));
        }

        @Override
        public List<PresetRecord> presets() {
            return List.copyOf(presets.values());
        }

        @Override
        public Optional<PresetRecord> createPreset(String name, String systemPrompt, String config, long nowMillis) {
            if (presets.containsKey(name)) {
                return Optional.empty();
            }
            put(name, 1);
            return Optional.of(presets.get(name));
        }

        @Override
        public Optional<PresetRecord> addPresetVersion(String name, String systemPrompt, String config, long nowMillis) {
            PresetRecord current = presets.get(name);
            if (current == null) {
                return Optional.empty();
            }
            put(name, current.latest().version() + 1);
            return Optional.of(presets.get(name));
        }

        @Override
        public List<PresetVersion> presetVersions(String name) {
            return List.of();
        }

        @Override
        public Optional<PresetVersion> presetVersion(String name, int version) {
            return Optional.empty();
        }

        @Override
        public boolean deletePreset(String name) {
            return presets.remove(name) != null;
        }
    }
}
