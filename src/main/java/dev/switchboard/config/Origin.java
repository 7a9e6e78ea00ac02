package dev.switchboard.config;

/** Where a configuration entry or field was written: file, line and field path. */
public record Origin(String file, int line, String path) {
}
