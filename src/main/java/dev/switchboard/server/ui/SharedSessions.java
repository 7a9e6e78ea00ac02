package dev.switchboard.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.cluster.SharedValues;
import dev.switchboard.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The web UI's sessions in a cluster: kept in Redis, with the same idle timeouts as on one node
 * (each read pushes its expiry back), so any node serves any logged-in browser and a form rendered
 * by one node may be posted to another. Before each UI request this node copies the session named
 * by the cookie from Redis ({@link #refresh}); pages then read that copy without waiting. Logged-in
 * sessions and flashes are written before the answer that hands them out (the login's redirect,
 * the new key's redirect); a visitor's session is written as its page is sent.
 *
 * <p>Redis holds what the session holds on one node, the key the browser logged in with included:
 * it is as sensitive as the database. While Redis does not answer, this node serves its own copies.
 */
final class SharedSessions implements SessionStore {
    private static final Logger log = LoggerFactory.getLogger(SharedSessions.class);

    private final Sessions local;
    private final SharedValues shared;

    SharedSessions(Sessions local, SharedValues shared) {
        this.local = local;
        this.shared = shared;
    }

    @Override
    public CompletableFuture<Void> refresh(String id) {
        if (id == null || id.isEmpty() || id.length() > 64) {
            return CompletableFuture.completedFuture(null);
        }
        // a logged-in session and a visitor's are kept apart (their idle timeouts differ), so one read each
        var loggedIn = shared.renew(sessionName(id), Sessions.IDLE_TIMEOUT);
        var visitor = shared.renew(visitorName(id), Sessions.VISITOR_IDLE_TIMEOUT);
        var flash = shared.get(flashName(id));
        return CompletableFuture.allOf(loggedIn, visitor, flash).handle((done, failure) -> {
            if (failure != null) {
                // SharedValues logs the outage once; meanwhile this node's copy serves
                log.debug("reading a UI session from Redis failed: {}", failure.toString());
                return null;
            }
            Optional<String> json = loggedIn.join().or(visitor::join);
            local.mirror(id, json.map(text -> decode(id, text)).orElse(null));
            local.mirrorFlash(id, flash.join().map(SharedSessions::decodeFlash).orElse(null));
            return null;
        });
    }

    @Override
    public Optional<Sessions.Session> find(String id) {
        return local.find(id);
    }

    @Override
    public Sessions.Session visitor() {
        Sessions.Session session = local.visitor();
        shared.put(visitorName(session.id()), encode(session), Sessions.VISITOR_IDLE_TIMEOUT); // failures: SharedValues logs
        return session;
    }

    @Override
    public CompletableFuture<Sessions.Session> open(Sessions.Role role, String secret, String label) {
        // while Redis fails the session still works on this node (as on one node); SharedValues logs the outage
        return local.open(role, secret, label).thenCompose(session ->
                shared.put(sessionName(session.id()), encode(session), Sessions.IDLE_TIMEOUT)
                        .handle((ok, failure) -> session));
    }

    @Override
    public void close(String id) {
        if (id != null) {
            local.close(id);
            shared.delete(sessionName(id), visitorName(id), flashName(id));
        }
    }

    @Override
    public CompletableFuture<Void> flash(Sessions.Session session, KeysPage.Created created) {
        return local.flash(session, created).thenCompose(ok -> shared.put(flashName(session.id()),
                Json.object().put("name", created.name()).put("secret", created.secret()).toString(),
                Sessions.FLASH_KEPT).handle((done, failure) -> null));
    }

    @Override
    public Optional<KeysPage.Created> takeFlash(Sessions.Session session) {
        Optional<KeysPage.Created> created = local.takeFlash(session);
        if (created.isPresent()) {
            shared.delete(flashName(session.id()));
        }
        return created;
    }

    private static String sessionName(String id) {
        return "session:" + id;
    }

    private static String visitorName(String id) {
        return "visitor:" + id;
    }

    private static String flashName(String id) {
        return "flash:" + id;
    }

    private static String encode(Sessions.Session session) {
        ObjectNode json = Json.object().put("csrf", session.csrfToken()).put("role", session.role().name());
        if (session.secret() != null) {
            json.put("secret", session.secret());
        }
        if (session.label() != null) {
            json.put("label", session.label());
        }
        return json.toString();
    }

    /** The session as stored, or null when it cannot be read (then it is as good as gone). */
    private static Sessions.Session decode(String id, String text) {
        try {
            JsonNode json = Json.parse(text);
            Sessions.Role role = Sessions.Role.valueOf(json.path("role").asText());
            String secret = json.hasNonNull("secret") ? json.get("secret").asText() : null;
            String csrf = json.path("csrf").asText();
            if (csrf.isEmpty() || role != Sessions.Role.VISITOR && secret == null) {
                return null;
            }
            return new Sessions.Session(id, csrf, role, secret,
                    json.hasNonNull("label") ? json.get("label").asText() : null);
        } catch (RuntimeException e) {
            log.warn("a UI session in Redis is unreadable; taken as logged out: {}", e.getClass().getSimpleName());
            return null;
        }
    }

    private static KeysPage.Created decodeFlash(String text) {
        try {
            JsonNode json = Json.parse(text);
            return new KeysPage.Created(json.path("name").asText(), json.path("secret").asText());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
