package dev.switchboard.config;

/** Line lookup, and the text as written, for field paths of one configuration file. */
public interface YamlLines {
    int lineOf(String path);

    /** The value as written before variable substitution, or null when it had no variable. */
    default String written(String path) {
        return null;
    }
}
