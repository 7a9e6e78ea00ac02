package dev.switchboard.server.ui;

import dev.switchboard.accounting.AccessDenied;
import dev.switchboard.accounting.Caller;
import dev.switchboard.server.Failures;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

import java.util.Map;

/**
 * Logging in with the admin key or an inference key, and out. A login opens a new session (a new
 * id: one known before is worthless) that keeps the key on the server; the browser gets only the cookie.
 */
final class LoginRoutes {
    /** What the login page shows. */
    record LoginView(String next, String error, boolean requireKeys) {
    }

    private final Pages pages;

    LoginRoutes(Pages pages) {
        this.pages = pages;
    }

    /** {@code GET /login}. */
    void page(HttpServerRequest request) {
        show(request, pages.pageSession(request), 200, null, request.getParam("next"));
    }

    /** {@code POST /login}. */
    void login(HttpServerRequest request) {
        pages.form(request, (session, form) -> {
            String secret = form.getOrDefault("key", "").strip();
            String next = form.get("next");
            if (secret.isEmpty()) {
                show(request, session, 400, "Enter the admin key or an inference key.", next);
                return;
            }
            Future.fromCompletionStage(pages.accounts().reader(secret), pages.vertx().getOrCreateContext())
                    .onComplete(result -> {
                        if (result.failed()) {
                            if (Failures.unwrap(result.cause()) instanceof AccessDenied denied) {
                                show(request, session, denied.status(), denied.getMessage(), next);
                            } else {
                                pages.fail(request, result.cause());
                            }
                            return;
                        }
                        open(request, session, secret, result.result(), next);
                    });
        });
    }

    private void open(HttpServerRequest request, Sessions.Session session, String secret, Caller caller, String next) {
        if (!caller.admin() && caller.key() == null) {
            // an open gateway admits unknown keys as anonymous; a login needs a real key
            show(request, session, 401, "Invalid API key", next);
            return;
        }
        SessionStore sessions = pages.ui().sessions();
        sessions.close(session.id());
        var opened = caller.admin()
                ? sessions.open(Sessions.Role.ADMIN, secret, "admin")
                : sessions.open(Sessions.Role.INFERENCE, secret, caller.key().name());
        // the redirect goes out once every node knows the session (the next page may be another node's)
        pages.await(request, opened, newSession -> {
            pages.setCookie(request, newSession);
            Responses.redirect(request, safeNext(next));
        });
    }

    /** {@code POST /logout}. */
    void logout(HttpServerRequest request) {
        pages.form(request, (session, form) -> {
            pages.ui().sessions().close(session.id());
            pages.clearCookie(request);
            Responses.redirect(request, pages.accounts().requireKeys() ? "/login" : "/");
        });
    }

    private void show(HttpServerRequest request, Sessions.Session session, int status, String error, String next) {
        var view = new LoginView(safeNext(next), error, pages.accounts().requireKeys());
        pages.page(request, status, "login.jte", pages.frame(session, "Log in", "login", false), Map.of("view", view));
    }

    /**
     * Only a path on this server, else {@code /}. Browsers drop tabs and line breaks from a URL and read
     * {@code \\} as {@code /}, so {@code /%09/evil} (decoded to a tab) or {@code /\\evil} would become
     * {@code //evil}, another origin; CR/LF would also break the Location header. So: a {@code /} not
     * followed by {@code /} or {@code \\}, and visible ASCII only (percent-encode anything else).
     */
    static String safeNext(String next) {
        if (next == null || next.length() > 2048 || !next.startsWith("/")) {
            return "/";
        }
        if (next.length() > 1 && (next.charAt(1) == '/' || next.charAt(1) == '\\')) {
            return "/";
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\') {
                return "/";
            }
        }
        return next;
    }
}
