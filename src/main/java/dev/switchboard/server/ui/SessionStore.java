package dev.switchboard.server.ui;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where the web UI's sessions live: this node's memory ({@link Sessions}, one node), or Redis with
 * this node's copy in front ({@link SharedSessions}, a cluster: a login on one node is valid on
 * every node, and a form rendered by one may be posted to another).
 */
interface SessionStore {
    /**
     * Brings this node's copy of the session {@code id} (and its flash) up to date before a request
     * uses it; the other methods then answer from that copy without waiting.
     */
    CompletableFuture<Void> refresh(String id);

    Optional<Sessions.Session> find(String id);

    /** A new session for nobody yet (a first visit). */
    Sessions.Session visitor();

    /** A new session for a key that just logged in; completes once every node can find it. */
    CompletableFuture<Sessions.Session> open(Sessions.Role role, String secret, String label);

    void close(String id);

    /** Keeps a new key's secret for the session's next page; completes once every node can find it. */
    CompletableFuture<Void> flash(Sessions.Session session, KeysPage.Created created);

    /** The session's flash, removed: a second look finds nothing. */
    Optional<KeysPage.Created> takeFlash(Sessions.Session session);
}
