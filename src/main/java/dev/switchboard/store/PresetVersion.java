package dev.switchboard.store;

import static java.util.Objects.requireNonNull;

/**
 * One immutable version of a preset: its system prompt (null when it has none) and its configuration
 * as JSON object text. Versions count from 1; times are epoch milliseconds.
 */
public record PresetVersion(String name, int version, long createdAt, String systemPrompt, String config) {

    public PresetVersion {
        requireNonNull(name, "name");
        requireNonNull(config, "config");
    }
}
