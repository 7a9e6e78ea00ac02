package dev.switchboard.providers;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets the gateway abort an attempt (client gone, first-token timeout, overall budget) while
 * the adapter still holds the upstream request. Used from one event loop only.
 */
public final class CancelSignal {
    private List<Runnable> actions = new ArrayList<>(2);
    private boolean cancelled;

    /** Runs {@code action} on cancel, or now if already cancelled. */
    public void onCancel(Runnable action) {
        if (cancelled) {
            action.run();
        } else {
            actions.add(action);
        }
    }

    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        List<Runnable> toRun = actions;
        actions = List.of();
        toRun.forEach(Runnable::run);
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
