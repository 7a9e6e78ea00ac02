package dev.switchboard.store;

import static java.util.Objects.requireNonNull;

/** A preset with the version requests use (its latest). Times are epoch milliseconds. */
public record PresetRecord(String name, long createdAt, long updatedAt, PresetVersion latest) {

    public PresetRecord {
        requireNonNull(name, "name");
        requireNonNull(latest, "latest");
    }
}
