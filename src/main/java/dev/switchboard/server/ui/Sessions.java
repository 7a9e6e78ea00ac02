package dev.switchboard.server.ui;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The web UI's sessions in this node's memory (one node; in a cluster, this node's copy behind
 * {@link SharedSessions}): a random 256-bit id in an HttpOnly,
 * SameSite=Strict cookie, each with its own CSRF token. A logged-in session keeps the key it was
 * opened with on the server (never in the browser) so every page checks it again: a key disabled
 * or expired since the login stops working at once. Visitors (nobody logged in yet) are kept apart,
 * so a flood of cookieless requests cannot push logged-in sessions out. Thread-safe.
 */
final class Sessions implements SessionStore {
    static final String COOKIE = "sb_session";
    static final Duration IDLE_TIMEOUT = Duration.ofHours(12);
    static final Duration VISITOR_IDLE_TIMEOUT = Duration.ofHours(1);
    static final int MAX_SESSIONS = 10_000;
    static final Duration FLASH_KEPT = Duration.ofMinutes(5);

    /** Who a session speaks for: nobody yet, an inference key, or the admin key. */
    enum Role { VISITOR, INFERENCE, ADMIN }

    /** One browser's session; {@code secret} is null for a visitor. */
    record Session(String id, String csrfToken, Role role, String secret, String label) {
        Session {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(csrfToken, "csrfToken");
            Objects.requireNonNull(role, "role");
        }

        boolean loggedIn() {
            return role != Role.VISITOR;
        }

        /** Compares in constant time: the token is a secret. */
        boolean csrfMatches(String token) {
            return token != null && MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.UTF_8),
                    token.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Session[" + role + ", " + label + "]"; // never the id, token or key
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Cache<String, Session> loggedIn;
    private final Cache<String, Session> visitors;
    /** One message per session for the next page it shows (a new key's secret after its redirect), then gone. */
    private final Cache<String, KeysPage.Created> flashes;

    Sessions(Duration idleTimeout, int maxSessions) {
        this.loggedIn = Caffeine.newBuilder().expireAfterAccess(idleTimeout).maximumSize(maxSessions).build();
        this.visitors = Caffeine.newBuilder().expireAfterAccess(VISITOR_IDLE_TIMEOUT).maximumSize(maxSessions).build();
        this.flashes = Caffeine.newBuilder().expireAfterWrite(FLASH_KEPT).maximumSize(maxSessions).build();
    }

    /** Nothing to do: this memory is the only copy. */
    @Override
    public CompletableFuture<Void> refresh(String id) {
        return CompletableFuture.completedFuture(null);
    }

    /** Keeps {@code created} for the session's next page, replacing any other. */
    @Override
    public CompletableFuture<Void> flash(Session session, KeysPage.Created created) {
        flashes.put(session.id(), Objects.requireNonNull(created, "created"));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Optional<KeysPage.Created> takeFlash(Session session) {
        return Optional.ofNullable(flashes.asMap().remove(session.id()));
    }

    @Override
    public Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Session session = loggedIn.getIfPresent(id);
        return Optional.ofNullable(session != null ? session : visitors.getIfPresent(id));
    }

    @Override
    public Session visitor() {
        Session session = new Session(randomToken(), randomToken(), Role.VISITOR, null, null);
        visitors.put(session.id(), session);
        return session;
    }

    /** A new session for a key that just logged in; a fresh id, so an id known before the login is worthless. */
    @Override
    public CompletableFuture<Session> open(Role role, String secret, String label) {
        if (role == Role.VISITOR) {
            throw new IllegalArgumentException("role: VISITOR (expected INFERENCE or ADMIN)");
        }
        Session session = new Session(randomToken(), randomToken(), role, Objects.requireNonNull(secret, "secret"), label);
        loggedIn.put(session.id(), session);
        return CompletableFuture.completedFuture(session);
    }

    @Override
    public void close(String id) {
        if (id != null) {
            loggedIn.invalidate(id);
            visitors.invalidate(id);
            flashes.invalidate(id);
        }
    }

    // ---- this node's copy of sessions another node may have changed (SharedSessions) ----

    /** Takes {@code session} as it is now, or forgets {@code id} when it is gone (null). */
    void mirror(String id, Session session) {
        if (session == null) {
            loggedIn.invalidate(id);
            visitors.invalidate(id);
        } else {
            (session.loggedIn() ? loggedIn : visitors).put(id, session);
        }
    }

    /** Takes the session's flash as it is now (null: none). */
    void mirrorFlash(String id, KeysPage.Created created) {
        if (created == null) {
            flashes.invalidate(id);
        } else {
            flashes.put(id, created);
        }
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
