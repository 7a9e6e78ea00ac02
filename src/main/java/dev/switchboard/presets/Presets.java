package dev.switchboard.presets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.switchboard.protocol.Json;
import dev.switchboard.store.PresetRecord;
import dev.switchboard.store.PresetStore;
import dev.switchboard.store.PresetVersion;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The presets: managed through the admin API, read by requests through a cache. Store work runs
 * on this class's own threads and completes a future; nothing here blocks a caller's thread. A
 * change made here drops the preset from this node's cache at once and is told to the other nodes
 * ({@link PresetChanges}); should that message be lost, a node reads the preset again when it is
 * used {@link #CACHED_FOR} after its last read. A failed read keeps the copy the node has.
 */
public final class Presets implements AutoCloseable {
    public static final Duration CACHED_FOR = Duration.ofSeconds(30);

    private final PresetStore store;
    private final Clock clock;
    private final PresetChanges changes;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> Thread.ofPlatform()
            .name("switchboard-presets").daemon(true).unstarted(r));
    private final AsyncLoadingCache<String, Optional<Preset>> cache;

    public Presets(PresetStore store, Clock clock, PresetChanges changes) {
        this(store, clock, changes, Ticker.systemTicker());
    }

    /** As above, the cache's time read from {@code ticker} (tests advance it). */
    Presets(PresetStore store, Clock clock, PresetChanges changes, Ticker ticker) {
        this.store = store;
        this.clock = clock;
        this.changes = changes;
        // refreshed, not expired: while the store is down, a preset read before goes on being served
        this.cache = Caffeine.newBuilder().executor(executor).maximumSize(10_000).ticker(ticker)
                .refreshAfterWrite(CACHED_FOR)
                .buildAsync(name -> store.preset(name).map(Presets::preset));
    }

    /** The preset requests use (its latest version), from the cache when it is there. */
    public CompletableFuture<Optional<Preset>> find(String name) {
        return cache.get(name);
    }

    /** The preset as the store has it now (the admin API's read), not the cache's copy. */
    public CompletableFuture<Optional<Preset>> read(String name) {
        return CompletableFuture.supplyAsync(() -> store.preset(name).map(Presets::preset), executor);
    }

    public CompletableFuture<List<Preset>> list() {
        return CompletableFuture.supplyAsync(() -> store.presets().stream().map(Presets::preset).toList(), executor);
    }

    /** Creates a preset at version 1; empty when one of that name exists. */
    public CompletableFuture<Optional<Preset>> create(String name, PresetDefinition definition) {
        return changing(name, () -> store.createPreset(name, definition.systemPrompt(), Json.string(definition.config()),
                clock.millis()));
    }

    /** Makes {@code definition} the preset's next version; empty when there is no such preset. */
    public CompletableFuture<Optional<Preset>> update(String name, PresetDefinition definition) {
        return changing(name, () -> store.addPresetVersion(name, definition.systemPrompt(),
                Json.string(definition.config()), clock.millis()));
    }

    /** Makes {@code definition} the preset's next version, creating the preset (at version 1) when there is none. */
    public CompletableFuture<Preset> save(String name, PresetDefinition definition) {
        return changing(name, () -> {
            String config = Json.string(definition.config());
            // a delete between the two steps (another admin) leaves neither: try again
            for (int attempt = 0; attempt < 3; attempt++) {
                Optional<PresetRecord> saved = store.addPresetVersion(name, definition.systemPrompt(), config, clock.millis())
                        .or(() -> store.createPreset(name, definition.systemPrompt(), config, clock.millis()));
                if (saved.isPresent()) {
                    return saved;
                }
            }
            throw new IllegalStateException("preset " + name + " kept changing while being saved");
        }).thenApply(Optional::orElseThrow);
    }

    /** Deletes a preset and its versions; false when there is none. */
    public CompletableFuture<Boolean> delete(String name) {
        return CompletableFuture.supplyAsync(() -> {
            boolean deleted = store.deletePreset(name);
            changed(name);
            return deleted;
        }, executor);
    }

    /** Every version, oldest first; empty when there is no such preset. */
    public CompletableFuture<List<PresetVersion>> versions(String name) {
        return CompletableFuture.supplyAsync(() -> store.presetVersions(name), executor);
    }

    public CompletableFuture<Optional<PresetVersion>> version(String name, int version) {
        return CompletableFuture.supplyAsync(() -> store.presetVersion(name, version), executor);
    }

    /** Drops a preset changed on another node from this node's cache. */
    public void changedElsewhere(String name) {
        cache.synchronous().invalidate(name);
    }

    private CompletableFuture<Optional<Preset>> changing(String name,
                                                         java.util.function.Supplier<Optional<PresetRecord>> change) {
        return CompletableFuture.supplyAsync(() -> {
            Optional<PresetRecord> changed = change.get();
            changed(name);
            return changed.map(Presets::preset);
        }, executor);
    }

    private void changed(String name) {
        cache.synchronous().invalidate(name);
        changes.changed(name);
    }

    static Preset preset(PresetRecord record) {
        PresetVersion latest = record.latest();
        return new Preset(record.name(), latest.version(), latest.systemPrompt(), config(latest.config()),
                record.createdAt(), record.updatedAt());
    }

    /** A stored configuration, parsed. */
    public static ObjectNode config(String json) {
        return (ObjectNode) Json.parse(json);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
