package dev.switchboard.cluster;

import dev.switchboard.presets.PresetChanges;
import dev.switchboard.presets.PresetName;

import java.util.function.Consumer;

/**
 * Preset changes told to every node of the cluster on one Redis channel, the way key changes are
 * ({@link SharedKeyChanges}): the message is the preset's name, and each node drops it from its cache.
 * A lost message costs only freshness, bounded by the cache's expiry.
 */
public final class SharedPresetChanges implements PresetChanges {
    static final String CHANNEL = "presets";

    private final InvalidationChannel channel;

    public SharedPresetChanges(Redis redis) {
        this.channel = new InvalidationChannel(redis, CHANNEL, PresetName::valid);
    }

    @Override
    public void changed(String name) {
        channel.publish(name);
    }

    /** Calls {@code invalidate} with the name of every preset changed on any node (this one included). */
    public void listen(Consumer<String> invalidate) {
        channel.listen(invalidate);
    }
}
