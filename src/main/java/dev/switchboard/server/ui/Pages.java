package dev.switchboard.server.ui;

import dev.switchboard.accounting.AccessDenied;
import dev.switchboard.accounting.Accounts;
import dev.switchboard.accounting.Caller;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.server.Failures;
import dev.switchboard.server.RequestBodies;
import dev.switchboard.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What every UI route needs on one event loop: the browser's session and who it speaks for, the
 * CSRF check of forms, store work continued back on the event loop, and pages rendered into the
 * layout (errors included).
 */
final class Pages {
    private static final Logger log = LoggerFactory.getLogger(Pages.class);
    static final int MAX_FORM_BYTES = 64 * 1024;
    static final String CSRF_HEADER = "x-csrf-token";
    static final String CSRF_FIELD = "csrf";

    /** What an error page shows. */
    record ErrorView(int status, String title, String message) {
    }

    private final WebUi ui;
    private final Accounts accounts;
    private final Vertx vertx;

    Pages(WebUi ui, Accounts accounts, Vertx vertx) {
        this.ui = ui;
        this.accounts = accounts;
        this.vertx = vertx;
    }

    WebUi ui() {
        return ui;
    }

    Accounts accounts() {
        return accounts;
    }

    // ---- sessions ----

    /** The session the request's cookie names, or null. */
    Sessions.Session currentSession(HttpServerRequest request) {
        Cookie cookie = request.getCookie(Sessions.COOKIE);
        return cookie == null ? null : ui.sessions().find(cookie.getValue()).orElse(null);
    }

    /** The session of a page view; a first visit gets a visitor's session (logged in as nobody) and its cookie. */
    Sessions.Session pageSession(HttpServerRequest request) {
        Sessions.Session session = currentSession(request);
        if (session == null) {
            session = ui.sessions().visitor();
            setCookie(request, session);
        }
        return session;
    }

    void setCookie(HttpServerRequest request, Sessions.Session session) {
        request.response().addCookie(Cookie.cookie(Sessions.COOKIE, session.id())
                .setPath("/")
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT)
                .setSecure(request.isSSL()));
    }

    void clearCookie(HttpServerRequest request) {
        request.response().addCookie(Cookie.cookie(Sessions.COOKIE, "").setPath("/").setMaxAge(0).setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT));
    }

    /**
     * Continues with the caller a page is shown for, checking the session's key again (it may have
     * been disabled since the login). Without a login: the anonymous caller of an open gateway, or
     * the login page. {@code admin}: the page needs the admin key, whatever {@code require_keys} says.
     */
    void viewer(HttpServerRequest request, Sessions.Session session, boolean admin, Consumer<Caller> then) {
        if (!session.loggedIn()) {
            if (admin || accounts.requireKeys()) {
                toLogin(request);
            } else {
                then.accept(Caller.ANONYMOUS);
            }
            return;
        }
        CompletableFuture<Caller> check = admin
                ? accounts.admin(session.secret()).thenApply(v -> Caller.ADMIN)
                : accounts.reader(session.secret());
        Future.fromCompletionStage(check, vertx.getOrCreateContext()).onComplete(result -> {
            try {
                if (result.failed()) {
                    if (Failures.unwrap(result.cause()) instanceof AccessDenied denied && denied.status() == 401) {
                        ui.sessions().close(session.id());
                        toLogin(request);
                    } else {
                        fail(request, result.cause());
                    }
                    return;
                }
                Caller caller = result.result();
                if (!caller.admin() && caller.key() == null) {
                    // the session's key is gone (deleted); an open gateway would take it as anonymous
                    ui.sessions().close(session.id());
                    toLogin(request);
                    return;
                }
                then.accept(caller);
            } catch (RuntimeException e) {
                fail(request, e);
            }
        });
    }

    private static void toLogin(HttpServerRequest request) {
        String query = request.query();
        String here = query == null || query.isEmpty() ? request.path() : request.path() + "?" + query;
        Responses.redirect(request, "/login?next=" + URLEncoder.encode(here, StandardCharsets.UTF_8));
    }

    /** A state-changing form: the body (bounded), then the session and its CSRF token (hidden field or htmx's header). */
    void form(HttpServerRequest request, BiConsumer<Sessions.Session, Map<String, String>> then) {
        readBody(request, MAX_FORM_BYTES, false, body -> {
            Map<String, String> form = Forms.parse(body);
            Sessions.Session session = currentSession(request);
            String header = request.getHeader(CSRF_HEADER);
            if (session == null || !session.csrfMatches(header != null ? header : form.get(CSRF_FIELD))) {
                errorPage(request, session, 403, "Forbidden",
                        "The form's CSRF token is missing or wrong (or your session expired). Reload the page and try again.");
                return;
            }
            then.accept(session, form);
        });
    }

    // ---- pages ----

    Frame frame(Sessions.Session session, String title, String nav, boolean charts) {
        return new Frame(title, nav, session, accounts.requireKeys(), charts, ui.assets());
    }

    void page(HttpServerRequest request, int status, String template, Frame frame, Map<String, Object> params) {
        Map<String, Object> all = new HashMap<>(params);
        all.put("frame", frame);
        Responses.html(request, status, ui.render(template, all));
    }

    void fragment(HttpServerRequest request, String template, Map<String, Object> params) {
        Responses.html(request, 200, ui.render(template, params));
    }

    void errorPage(HttpServerRequest request, Sessions.Session session, int status, String title, String message) {
        page(request, status, "error.jte", frame(session, title, "", false),
                Map.of("view", new ErrorView(status, title, message)));
    }

    // ---- async work and failures ----

    /** Continues with the result on this event loop; a failure becomes an error page. */
    <T> void await(HttpServerRequest request, CompletableFuture<T> work, Consumer<T> then) {
        Future.fromCompletionStage(work, vertx.getOrCreateContext()).onComplete(result -> {
            try {
                if (result.failed()) {
                    fail(request, result.cause());
                } else {
                    then.accept(result.result());
                }
            } catch (RuntimeException e) {
                fail(request, e);
            }
        });
    }

    /** The error page a failure deserves: 401/403 from the accounts, a gateway error's status, 503 for the store. */
    void fail(HttpServerRequest request, Throwable failure) {
        Throwable cause = Failures.unwrap(failure);
        Sessions.Session session = currentSession(request);
        if (cause instanceof AccessDenied denied) {
            errorPage(request, session, denied.status(), denied.status() == 401 ? "Not logged in" : "Forbidden",
                    denied.getMessage());
        } else if (cause instanceof GatewayError error) {
            errorPage(request, session, error.status(), "Error", error.getMessage());
        } else if (cause instanceof StoreException) {
            log.warn("store unavailable: {}", cause.getMessage());
            request.response().putHeader("retry-after", "1");
            errorPage(request, session, 503, "Unavailable", "The store is unavailable; retry shortly.");
        } else {
            log.error("unexpected error on {} {}", request.method(), request.path(), cause);
            errorPage(request, session, 500, "Internal error", "Something went wrong; the server log has details.");
        }
    }

    /**
     * Collects a body up to {@code limit} bytes; past it, answers 413 (JSON or a page) and closes the
     * connection rather than read the rest.
     */
    void readBody(HttpServerRequest request, long limit, boolean json, Consumer<byte[]> then) {
        RequestBodies.read(request, limit, r -> {
            if (json) {
                Responses.jsonError(r, GatewayError.payloadTooLarge(limit));
            } else {
                errorPage(r, currentSession(r), 413, "Too large", "The form is larger than " + limit + " bytes.");
            }
        }, then, e -> {
            if (json) {
                Responses.jsonError(request, Failures.toGatewayError(e));
            } else {
                fail(request, e);
            }
        });
    }

    Vertx vertx() {
        return vertx;
    }
}
