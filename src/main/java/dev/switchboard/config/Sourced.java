package dev.switchboard.config;

/** A configuration entry together with where it was written, so later checks can point at it. */
public record Sourced<T>(T spec, Origin origin, YamlLines lines) {

    /** The origin of a field of this entry, with its own line when the file has one. */
    public Origin at(String relativePath) {
        return origin.field(lines, relativePath);
    }

    /** The environment variables a field was written with ({@code ${OPENAI_API_KEY}} gives OPENAI_API_KEY). */
    public java.util.List<String> variablesIn(String relativePath) {
        String text = lines == null ? null : lines.written(at(relativePath).path());
        if (text == null) {
            return java.util.List.of();
        }
        return java.util.regex.Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)").matcher(text).results()
                .map(m -> m.group(1)).toList();
    }
}
