package dev.switchboard.presets;

/**
 * Tells the other nodes of a cluster that a preset was created, changed or deleted here, so that
 * they read it again instead of serving what they cached. One node needs nobody told: {@link #NONE}.
 */
public interface PresetChanges {
    PresetChanges NONE = name -> {
    };

    /** Called after the change is in the store; must not block. */
    void changed(String name);
}
