package dev.switchboard.accounting;

import dev.switchboard.store.GenerationRecord;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Ledger rows shared with the other nodes of a cluster for the short time before the store has
 * them, so {@code GET /generation} finds a row on any node as soon as its answer ended. One node
 * has its own unwritten rows and needs nothing shared: {@link #NONE}.
 */
public interface RecentGenerations {
    RecentGenerations NONE = new RecentGenerations() {
        @Override
        public void recorded(GenerationRecord row) {
        }

        @Override
        public CompletableFuture<Optional<GenerationRecord>> find(String id) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    };

    /** A row just recorded on this node; must not block. */
    void recorded(GenerationRecord row);

    /** A row another node recorded recently; empty when not shared (or no longer). */
    CompletableFuture<Optional<GenerationRecord>> find(String id);
}
