package dev.switchboard.store.jdbc;

import dev.switchboard.store.PresetRecord;
import dev.switchboard.store.PresetStore;
import dev.switchboard.store.PresetVersion;
import dev.switchboard.store.Store;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Presets and their versions on the real SQLite and PostgreSQL. */
class PresetStoreTest {
    private String url;
    private Store store;

    private PresetStore open(String kind) {
        url = TestStores.url(kind);
        store = Stores.open(url);
        return store.presets();
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
            TestStores.drop(url);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void createsAPresetAtVersionOneAndRefusesASecondOfTheSameName(String kind) {
        PresetStore presets = open(kind);

        PresetRecord created = presets.createPreset("email-copywriter", "You write emails.", "{\"temperature\":0.7}", 1_000)
                .orElseThrow();

        assertThat(created).isEqualTo(new PresetRecord("email-copywriter", 1_000, 1_000,
                new PresetVersion("email-copywriter", 1, 1_000, "You write emails.", "{\"temperature\":0.7}")));
        assertThat(presets.preset("email-copywriter")).contains(created);
        assertThat(presets.createPreset("email-copywriter", null, "{}", 2_000)).isEmpty();
        assertThat(presets.preset("email-copywriter")).contains(created);
        assertThat(presets.preset("nope")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void eachChangeAddsAnImmutableVersionAndTheLatestIsServed(String kind) {
        PresetStore presets = open(kind);
        presets.createPreset("p", "first", "{\"temperature\":0.1}", 1_000);

        PresetRecord second = presets.addPresetVersion("p", null, "{\"temperature\":0.2}", 2_000).orElseThrow();

        assertThat(second.createdAt()).isEqualTo(1_000);
        assertThat(second.updatedAt()).isEqualTo(2_000);
        assertThat(second.latest()).isEqualTo(new PresetVersion("p", 2, 2_000, null, "{\"temperature\":0.2}"));
        assertThat(presets.presetVersions("p")).containsExactly(
                new PresetVersion("p", 1, 1_000, "first", "{\"temperature\":0.1}"),
                new PresetVersion("p", 2, 2_000, null, "{\"temperature\":0.2}"));
        assertThat(presets.presetVersion("p", 1)).map(PresetVersion::systemPrompt).contains("first");
        assertThat(presets.presetVersion("p", 3)).isEmpty();
        assertThat(presets.addPresetVersion("nope", null, "{}", 3_000)).isEmpty();
        assertThat(presets.presetVersions("nope")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void concurrentChangesGetConsecutiveVersions(String kind) throws Exception {
        PresetStore presets = open(kind);
        presets.createPreset("p", null, "{}", 1_000);
        int changes = 16;
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < changes; i++) {
                int n = i;
                done.add(pool.submit(() -> presets.addPresetVersion("p", null, "{\"seed\":" + n + "}", 2_000 + n)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }

        assertThat(presets.presetVersions("p")).extracting(PresetVersion::version)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, changes + 1).boxed().toList());
        assertThat(presets.preset("p").orElseThrow().latest().version()).isEqualTo(changes + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void listsByNameAndDeletesAPresetWithItsVersions(String kind) {
        PresetStore presets = open(kind);
        presets.createPreset("zeta", null, "{}", 1_000);
        presets.createPreset("alpha", null, "{}", 1_000);
        presets.addPresetVersion("zeta", "v2", "{}", 2_000);

        assertThat(presets.presets()).extracting(PresetRecord::name, p -> p.latest().version())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alpha", 1), org.assertj.core.groups.Tuple.tuple("zeta", 2));

        assertThat(presets.deletePreset("zeta")).isTrue();
        assertThat(presets.deletePreset("zeta")).isFalse();
        assertThat(presets.preset("zeta")).isEmpty();
        assertThat(presets.presetVersions("zeta")).isEmpty();
        // a preset made again under a deleted name starts over
        assertThat(presets.createPreset("zeta", null, "{}", 3_000).orElseThrow().latest().version()).isEqualTo(1);
    }
}
