package dev.switchboard.config;

/** Line lookup, and the text as written, for field paths of one configuration file. */
public interface YamlLines {
    /** The 1-based line of a field path; the nearest written parent's line when the path itself is not in the file. */
    int lineOf(String path);

    /** True when the file itself writes this exact path. */
    boolean has(String path);

    /** The value as written before variable substitution, or null when it had no variable. */
    String written(String path);
}
