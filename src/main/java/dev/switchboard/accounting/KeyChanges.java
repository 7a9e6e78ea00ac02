package dev.switchboard.accounting;

/**
 * Tells the other nodes of a cluster that a key was created, changed or deleted here, so that
 * they read it again from the store instead of serving what they cached. One node needs nobody
 * told: {@link #NONE}.
 */
public interface KeyChanges {
    KeyChanges NONE = hash -> {
    };

    /** Called after the change is in the store; must not block. */
    void changed(String hash);
}
