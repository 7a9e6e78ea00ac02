package dev.switchboard.store;

import java.util.List;
import java.util.Optional;

/**
 * Presets and their versions. Like {@link Store}, implementations block on I/O: call them from
 * worker threads, never from an event loop.
 */
public interface PresetStore {

    /** Every preset with its latest version, by name. */
    List<PresetRecord> presets();

    Optional<PresetRecord> preset(String name);

    /** Creates a preset whose version 1 is the given one; empty when a preset of that name exists. */
    Optional<PresetRecord> createPreset(String name, String systemPrompt, String config, long nowMillis);

    /** Adds the next version to a preset and makes it the latest; empty when there is no such preset. */
    Optional<PresetRecord> addPresetVersion(String name, String systemPrompt, String config, long nowMillis);

    /** Every version of a preset, oldest first; empty when there is no such preset. */
    List<PresetVersion> presetVersions(String name);

    Optional<PresetVersion> presetVersion(String name, int version);

    /** Removes a preset and all its versions; false when there is none. */
    boolean deletePreset(String name);
}
