package dev.switchboard.config;

/** Where a configuration entry was written: file, line and field path. */
public record Origin(String file, int line, String path) {

    /** The origin of a field inside this entry, e.g. {@code endpoints[0].provider}. */
    public Origin field(YamlLines lines, String relative) {
        String full = path + (relative.startsWith("[") ? "" : ".") + relative;
        return new Origin(file, lines == null ? line : lines.lineOf(full), full);
    }
}
