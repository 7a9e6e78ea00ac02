package dev.switchboard.presets;

import com.fasterxml.jackson.databind.node.ObjectNode;

import static java.util.Objects.requireNonNull;

/**
 * A preset as requests use it: its latest version's system prompt (null when none) and
 * configuration. The configuration is shared by every request that reads it: never modify it,
 * copy what goes into a request. Times are epoch milliseconds.
 */
public record Preset(String name, int version, String systemPrompt, ObjectNode config, long createdAt,
                     long updatedAt) {

    public Preset {
        requireNonNull(name, "name");
        requireNonNull(config, "config");
    }

    /** The preset's {@code model}, or null. */
    public String model() {
        return config.path("model").isTextual() ? config.get("model").asText() : null;
    }
}
