package dev.switchboard.config;

import dev.switchboard.config.Specs.EndpointSpec;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A configuration entry together with where it was written, so later checks can point at it.
 * When a user entry overrides a built-in one, {@code base} is the built-in entry: fields the
 * user did not write are traced back there. {@code endpoints} are a model's endpoints, each with
 * its own origin (empty for other entries).
 */
public record Sourced<T>(T spec, Origin origin, YamlLines lines, Sourced<T> base, List<Sourced<EndpointSpec>> endpoints) {
    private static final Pattern VARIABLE_NAME = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

    public Sourced(T spec, Origin origin, YamlLines lines) {
        this(spec, origin, lines, null, List.of());
    }

    /** Where a field of this entry was written: in this file if it sets the field, else where the overridden entry did. */
    public Origin at(String relativePath) {
        String full = origin.path() + (relativePath.startsWith("[") ? "" : ".") + relativePath;
        if (base != null && !lines.has(full) && base.lines.has(base.origin.path() + "." + relativePath)) {
            return base.at(relativePath);
        }
        return new Origin(origin.file(), lines.lineOf(full), full);
    }

    /** The environment variables a field was written with ({@code ${OPENAI_API_KEY}} gives OPENAI_API_KEY). */
    public List<String> variablesIn(String relativePath) {
        String full = origin.path() + "." + relativePath;
        if (!lines.has(full)) {
            return base == null ? List.of() : base.variablesIn(relativePath);
        }
        String text = lines.written(full);
        return text == null ? List.of() : VARIABLE_NAME.matcher(text).results().map(m -> m.group(1)).toList();
    }
}
