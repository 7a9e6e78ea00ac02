package dev.switchboard.server.ui;

import dev.switchboard.accounting.AccessDenied;
import dev.switchboard.accounting.Accounts;
import dev.switchboard.accounting.Caller;
import dev.switchboard.catalog.Model;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.server.KeyRequests;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The web UI of one event loop: the catalog ({@code /}), model pages ({@code /models/...}),
 * {@code /activity}, {@code /playground}, {@code /keys}, {@code /login}, {@code /logout} and
 * {@code /static/...}. Pages are rendered from precompiled templates; store reads run on the
 * accounts' threads and the page is written back on the event loop. The playground's chat runs
 * the same gateway path as {@code POST /v1/chat/completions}, for the session's caller.
 */
public final class UiRoutes {
    private static final Logger log = LoggerFactory.getLogger(UiRoutes.class);
    static final int MAX_FORM_BYTES = 64 * 1024;
    static final String CSRF_HEADER = "x-csrf-token";
    static final String CSRF_FIELD = "csrf";
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    /** Serves a chat completion for a caller, as {@code POST /v1/chat/completions} does. */
    @FunctionalInterface
    public interface ChatHandler {
        void serve(HttpServerRequest request, byte[] body, Caller caller);
    }

    private final WebUi ui;
    private final Gateway gateway;
    private final Accounts accounts;
    private final ChatHandler chat;
    private final Vertx vertx;
    private final long maxChatBytes;

    public UiRoutes(WebUi ui, Gateway gateway, ChatHandler chat, Vertx vertx, long maxChatBytes) {
        this.ui = ui;
        this.gateway = gateway;
        this.accounts = gateway.accounts();
        this.chat = chat;
        this.vertx = vertx;
        this.maxChatBytes = maxChatBytes;
    }

    /** True when {@code path} is one of the UI's (the API lives under {@code /v1} and {@code /api/v1}). */
    public static boolean isUiPath(String path) {
        return path.equals("/") || path.startsWith("/models/") || path.equals("/activity")
                || path.equals("/playground") || path.equals("/playground/chat") || path.equals("/keys")
                || path.startsWith("/keys/") || path.equals("/login") || path.equals("/logout")
                || path.startsWith("/static/");
    }

    /** Serves the request if its path is the UI's; false otherwise. */
    public boolean route(HttpServerRequest request) {
        String path = request.path();
        if (!isUiPath(path)) {
            return false;
        }
        try {
            dispatch(request, path, request.method());
        } catch (RuntimeException e) {
            fail(request, e);
        }
        return true;
    }

    private void dispatch(HttpServerRequest request, String path, HttpMethod method) {
        boolean get = method.equals(HttpMethod.GET);
        boolean post = method.equals(HttpMethod.POST);
        if (path.startsWith("/static/") && get) {
            serveStatic(request, path.substring("/static/".length()));
        } else if (path.equals("/") && get) {
            catalog(request);
        } else if (path.startsWith("/models/") && get) {
            model(request, path.substring("/models/".length()));
        } else if (path.equals("/activity") && get) {
            activity(request);
        } else if (path.equals("/playground") && get) {
            playground(request);
        } else if (path.equals("/playground/chat") && post) {
            playgroundChat(request);
        } else if (path.equals("/keys") && get) {
            keys(request);
        } else if (path.equals("/keys") && post) {
            form(request, (session, form) -> createKey(request, session, form));
        } else if (path.startsWith("/keys/") && post) {
            String hash = path.substring("/keys/".length());
            form(request, (session, form) -> changeKey(request, session, hash, form));
        } else if (path.equals("/login") && get) {
            loginPage(request, pageSession(request), 200, null);
        } else if (path.equals("/login") && post) {
            form(request, (session, form) -> login(request, session, form));
        } else if (path.equals("/logout") && post) {
            form(request, (session, form) -> logout(request, session));
        } else {
            errorPage(request, currentSession(request), 405, "Method not allowed",
                    method.name() + " is not allowed on " + path + ".");
        }
    }

    // ---- pages ----

    private void catalog(HttpServerRequest request) {
        Sessions.Session session = pageSession(request);
        viewer(request, session, false, caller -> {
            var view = CatalogPage.build(gateway.catalog(), gateway.stats(), CatalogPage.Query.of(request::getParam));
            request.response().putHeader("vary", "HX-Request");
            if ("model-table".equals(request.getHeader("hx-target"))) {
                html(request, 200, ui.render("catalog_table.jte", Map.of("view", view)));
                return;
            }
            page(request, 200, "catalog.jte", frame(session, "Models", "models", false), Map.of("view", view));
        });
    }

    private void model(HttpServerRequest request, String id) {
        Sessions.Session session = pageSession(request);
        Model model = gateway.catalog().find(id).filter(Model::listed).orElse(null);
        if (model == null) {
            errorPage(request, session, 404, "Model not found", "There is no listed model \"" + id + "\".");
            return;
        }
        viewer(request, session, false, caller -> {
            long today = today();
            // tokens per day of the model over every key: a marketplace figure, no key or app is shown
            await(request, accounts.activity(today - ModelPage.USAGE_DAYS + 1, today, null), rows -> {
                var view = ModelPage.build(model, gateway.stats(), rows, today, baseUrl(request));
                page(request, 200, "model.jte", frame(session, model.name(), "models", true), Map.of("view", view));
            });
        });
    }

    private void activity(HttpServerRequest request) {
        Sessions.Session session = pageSession(request);
        viewer(request, session, false, caller -> {
            int days = days(request.getParam("days"));
            ActivityPage.Group group = ActivityPage.Group.of(request.getParam("by"));
            long today = today();
            String keyHash = caller.admin() ? null : caller.keyHash();
            String scope = caller.admin() ? "every key" : caller.anonymous() ? "requests without a key"
                    : "key " + caller.key().name() + " (" + caller.key().label() + ")";
            await(request, accounts.activity(today - days + 1, today, keyHash), rows -> {
                var view = ActivityPage.build(rows, days, today, group, scope);
                page(request, 200, "activity.jte", frame(session, "Activity", "activity", true), Map.of("view", view));
            });
        });
    }

    private static int days(String param) {
        try {
            int days = param == null ? 30 : Integer.parseInt(param.strip());
            return Math.clamp(days, 1, 366);
        } catch (NumberFormatException e) {
            return 30;
        }
    }

    private void playground(HttpServerRequest request) {
        Sessions.Session session = pageSession(request);
        viewer(request, session, false, caller -> {
            String wanted = request.getParam("model");
            List<Model> models = gateway.catalog().listedModels().stream()
                    .sorted(Comparator.comparing((Model m) -> !m.id().value().equals("switchboard/echo"))).toList();
            String selected = wanted != null && models.stream().anyMatch(m -> m.id().value().equals(wanted)) ? wanted
                    : models.isEmpty() ? "" : models.getFirst().id().value();
            var view = PlaygroundPage.build(models, selected, request.getParam("prompt"), caller.admin());
            page(request, 200, "playground.jte", frame(session, "Playground", "playground", false), Map.of("view", view));
        });
    }

    /**
     * The playground's chat: the session's caller (the browser holds no key), a CSRF header, a JSON
     * body. Answers like {@code POST /v1/chat/completions}, metered and billed the same way.
     */
    private void playgroundChat(HttpServerRequest request) {
        Sessions.Session session = currentSession(request);
        if (session == null || !session.csrfMatches(request.getHeader(CSRF_HEADER))) {
            jsonError(request, new GatewayError(403, "permission_error",
                    "missing or wrong CSRF token: reload the playground page", null, null, null));
            return;
        }
        String contentType = request.getHeader("content-type");
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            jsonError(request, GatewayError.unsupportedMediaType(contentType));
            return;
        }
        CompletableFuture<Caller> caller;
        if (session.loggedIn()) {
            caller = accounts.inference(session.secret());
        } else if (accounts.requireKeys()) {
            jsonError(request, new GatewayError(401, "authentication_error", "log in to use the playground", null,
                    null, null));
            return;
        } else {
            caller = CompletableFuture.completedFuture(Caller.ANONYMOUS);
        }
        readBody(request, maxChatBytes, true, body -> {
            Future.fromCompletionStage(caller, vertx.getOrCreateContext()).onComplete(result -> {
                try {
                    if (result.failed()) {
                        jsonError(request, gatewayError(result.cause()));
                        return;
                    }
                    chat.serve(request, body, result.result());
                } catch (GatewayError e) {
                    jsonError(request, e);
                } catch (RuntimeException e) {
                    log.error("unexpected error on the playground", e);
                    jsonError(request, GatewayError.internal("internal error; the server log has details"));
                }
            });
        });
    }

    private void keys(HttpServerRequest request) {
        Sessions.Session session = pageSession(request);
        viewer(request, session, true, caller -> showKeys(request, session, 200, null, null));
    }

    private void showKeys(HttpServerRequest request, Sessions.Session session, int status, KeysPage.Created created,
                          String error) {
        await(request, accounts.listKeys(), keys -> {
            List<KeysPage.KeyRow> rows = keys.stream()
                    .sorted(Comparator.comparing(KeyRecord::disabled).thenComparing(KeyRecord::createdAt, Comparator.reverseOrder()))
                    .map(k -> KeysPage.row(k, accounts.balance(k))).toList();
            var view = new KeysPage.View(rows, created, error);
            page(request, status, "keys.jte", frame(session, "Keys", "keys", false), Map.of("view", view));
        });
    }

    private void createKey(HttpServerRequest request, Sessions.Session session, Map<String, String> form) {
        viewer(request, session, true, caller -> {
            Accounts.NewKey spec;
            try {
                spec = KeyRequests.create(Forms.createKeyJson(form), accounts.clock().millis());
            } catch (GatewayError e) {
                showKeys(request, session, e.status(), null, e.getMessage());
                return;
            }
            await(request, accounts.createKey(spec), created -> showKeys(request, session, 200,
                    new KeysPage.Created(created.key().name(), created.secret()), null));
        });
    }

    /** {@code action=disable|enable|update} on one key; htmx gets the key's new row, a plain form a redirect. */
    private void changeKey(HttpServerRequest request, Sessions.Session session, String hash, Map<String, String> form) {
        viewer(request, session, true, caller -> {
            if (!HASH.matcher(hash).matches()) {
                errorPage(request, session, 404, "No such key", "There is no key with that hash.");
                return;
            }
            String action = form.getOrDefault("action", "");
            byte[] json = switch (action) {
                case "disable" -> Forms.disabledJson(true);
                case "enable" -> Forms.disabledJson(false);
                case "update" -> Forms.updateKeyJson(form);
                default -> null;
            };
            if (json == null) {
                errorPage(request, session, 400, "Unknown action", "action must be disable, enable or update.");
                return;
            }
            java.util.function.UnaryOperator<KeyRecord> change;
            try {
                change = KeyRequests.update(json, accounts.clock().millis());
            } catch (GatewayError e) {
                showKeys(request, session, e.status(), null, e.getMessage());
                return;
            }
            await(request, accounts.updateKey(hash, change), updated -> {
                if (updated.isEmpty()) {
                    errorPage(request, session, 404, "No such key", "There is no key with that hash.");
                } else if (request.getHeader("hx-request") != null) {
                    KeysPage.KeyRow row = KeysPage.row(updated.get(), accounts.balance(updated.get()));
                    html(request, 200, ui.render("key_row.jte", Map.of("row", row, "csrf", session.csrfToken())));
                } else {
                    redirect(request, "/keys");
                }
            });
        });
    }

    private void loginPage(HttpServerRequest request, Sessions.Session session, int status, String error) {
        String next = safeNext(request.getParam("next"));
        var view = new LoginView(next, error, accounts.requireKeys());
        page(request, status, "login.jte", frame(session, "Log in", "login", false), Map.of("view", view));
    }

    /** What the login page shows. */
    record LoginView(String next, String error, boolean requireKeys) {
    }

    private void login(HttpServerRequest request, Sessions.Session session, Map<String, String> form) {
        String secret = form.getOrDefault("key", "").strip();
        String next = safeNext(form.get("next"));
        if (secret.isEmpty()) {
            loginPage(request, session, 400, "Enter the admin key or an inference key.");
            return;
        }
        Future.fromCompletionStage(accounts.reader(secret), vertx.getOrCreateContext()).onComplete(result -> {
            if (result.failed()) {
                Throwable cause = unwrap(result.cause());
                if (cause instanceof AccessDenied denied) {
                    loginPage(request, session, denied.status(), denied.getMessage());
                } else {
                    fail(request, cause);
                }
                return;
            }
            Caller caller = result.result();
            if (!caller.admin() && caller.key() == null) {
                // an open gateway admits unknown keys as anonymous; a login needs a real key
                loginPage(request, session, 401, "Invalid API key");
                return;
            }
            ui.sessions().close(session.id());
            Sessions.Session opened = caller.admin()
                    ? ui.sessions().open(Sessions.Role.ADMIN, secret, "admin")
                    : ui.sessions().open(Sessions.Role.INFERENCE, secret, caller.key().name());
            setCookie(request, opened);
            redirect(request, next);
        });
    }

    private void logout(HttpServerRequest request, Sessions.Session session) {
        ui.sessions().close(session.id());
        request.response().addCookie(Cookie.cookie(Sessions.COOKIE, "").setPath("/").setMaxAge(0).setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT));
        redirect(request, accounts.requireKeys() ? "/login" : "/");
    }

    /** Only a path on this server: {@code //host} or a scheme would make the login an open redirect. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
            return "/";
        }
        return next;
    }

    // ---- who is looking ----

    private Sessions.Session currentSession(HttpServerRequest request) {
        Cookie cookie = request.getCookie(Sessions.COOKIE);
        return cookie == null ? null : ui.sessions().find(cookie.getValue()).orElse(null);
    }

    /** The session of a page view; a first visit gets a visitor's session (logged in as nobody) and its cookie. */
    private Sessions.Session pageSession(HttpServerRequest request) {
        Sessions.Session session = currentSession(request);
        if (session == null) {
            session = ui.sessions().visitor();
            setCookie(request, session);
        }
        return session;
    }

    private void setCookie(HttpServerRequest request, Sessions.Session session) {
        request.response().addCookie(Cookie.cookie(Sessions.COOKIE, session.id())
                .setPath("/")
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT)
                .setSecure(request.isSSL()));
    }

    /**
     * Continues with the caller a page is shown for, checking the session's key again (it may have
     * been disabled since the login). Without a login: the anonymous caller of an open gateway, or
     * the login page. {@code admin}: the page needs the admin key, whatever {@code require_keys} says.
     */
    private void viewer(HttpServerRequest request, Sessions.Session session, boolean admin, Consumer<Caller> then) {
        if (!session.loggedIn()) {
            if (admin || accounts.requireKeys()) {
                redirect(request, "/login?next=" + java.net.URLEncoder.encode(pathAndQuery(request),
                        java.nio.charset.StandardCharsets.UTF_8));
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
                    Throwable cause = unwrap(result.cause());
                    if (cause instanceof AccessDenied denied && denied.status() == 401) {
                        ui.sessions().close(session.id());
                        redirect(request, "/login?next=" + java.net.URLEncoder.encode(pathAndQuery(request),
                                java.nio.charset.StandardCharsets.UTF_8));
                        return;
                    }
                    fail(request, cause);
                    return;
                }
                Caller caller = result.result();
                if (!caller.admin() && caller.key() == null) {
                    // the session's key is gone (deleted); an open gateway would take it as anonymous
                    ui.sessions().close(session.id());
                    redirect(request, "/login");
                    return;
                }
                then.accept(caller);
            } catch (RuntimeException e) {
                fail(request, e);
            }
        });
    }

    /** A state-changing form: the body (bounded), then the session and its CSRF token (field or htmx header). */
    private void form(HttpServerRequest request, java.util.function.BiConsumer<Sessions.Session, Map<String, String>> then) {
        readBody(request, MAX_FORM_BYTES, false, body -> {
            Map<String, String> form = Forms.parse(body);
            Sessions.Session session = currentSession(request);
            String token = request.getHeader(CSRF_HEADER) != null ? request.getHeader(CSRF_HEADER) : form.get(CSRF_FIELD);
            if (session == null || !session.csrfMatches(token)) {
                errorPage(request, session, 403, "Forbidden",
                        "The form's CSRF token is missing or wrong (or your session expired). Reload the page and try again.");
                return;
            }
            then.accept(session, form);
        });
    }

    // ---- writing answers ----

    private Frame frame(Sessions.Session session, String title, String nav, boolean charts) {
        return new Frame(title, nav, session, accounts.requireKeys(), charts, ui.assets());
    }

    private void page(HttpServerRequest request, int status, String template, Frame frame, Map<String, Object> params) {
        Map<String, Object> all = new HashMap<>(params);
        all.put("frame", frame);
        html(request, status, ui.render(template, all));
    }

    private void errorPage(HttpServerRequest request, Sessions.Session session, int status, String title, String message) {
        var view = new ErrorView(status, title, message);
        page(request, status, "error.jte", frame(session, title, "", false), Map.of("view", view));
    }

    /** What an error page shows. */
    record ErrorView(int status, String title, String message) {
    }

    private static void html(HttpServerRequest request, int status, String body) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        securityHeaders(response);
        response.setStatusCode(status)
                .putHeader("content-type", "text/html; charset=utf-8")
                .putHeader("cache-control", "no-store")
                .end(body);
    }

    private static void securityHeaders(HttpServerResponse response) {
        response.putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("x-frame-options", "DENY")
                .putHeader("referrer-policy", "same-origin");
    }

    private static void redirect(HttpServerRequest request, String location) {
        HttpServerResponse response = request.response();
        if (request.getHeader("hx-request") != null) {
            // htmx follows HX-Location itself; a 303 would be swapped into the page
            response.setStatusCode(200).putHeader("hx-location", location).end();
            return;
        }
        response.setStatusCode(303).putHeader("location", location).putHeader("cache-control", "no-store").end();
    }

    private static void jsonError(HttpServerRequest request, GatewayError error) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            response.end();
            return;
        }
        error.headers().forEach(response::putHeader);
        response.setStatusCode(error.status()).putHeader("content-type", "application/json")
                .end(Buffer.buffer(error.bodyBytes()));
    }

    private void serveStatic(HttpServerRequest request, String name) {
        var asset = ui.assets().find(name).orElse(null);
        HttpServerResponse response = request.response();
        if (asset == null) {
            errorPage(request, currentSession(request), 404, "Not found", "There is no file " + name + ".");
            return;
        }
        String etag = "\"" + asset.hash() + "\"";
        boolean versioned = asset.hash().equals(request.getParam("v"));
        response.putHeader("etag", etag)
                .putHeader("cache-control", versioned ? "public, max-age=31536000, immutable" : "public, max-age=300")
                .putHeader("x-content-type-options", "nosniff");
        if (etag.equals(request.getHeader("if-none-match"))) {
            response.setStatusCode(304).end();
            return;
        }
        response.putHeader("content-type", asset.contentType()).end(Buffer.buffer(asset.bytes()));
    }

    // ---- plumbing ----

    /** Continues with the result on this event loop; a failure becomes an error page. */
    private <T> void await(HttpServerRequest request, CompletableFuture<T> work, Consumer<T> then) {
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

    private void fail(HttpServerRequest request, Throwable failure) {
        Throwable cause = unwrap(failure);
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

    private static GatewayError gatewayError(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof AccessDenied denied) {
            return new GatewayError(denied.status(), denied.status() == 401 ? "authentication_error" : "permission_error",
                    denied.getMessage(), null, null, null);
        }
        if (cause instanceof GatewayError error) {
            return error;
        }
        if (cause instanceof StoreException) {
            return new GatewayError(503, "service_unavailable", "the store is unavailable; retry shortly", null, null,
                    Map.of("Retry-After", "1"));
        }
        log.error("unexpected failure on the playground", cause);
        return GatewayError.internal("internal error; the server log has details");
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Collects a body up to {@code limit} bytes; past it, answers 413 and closes the connection. */
    private void readBody(HttpServerRequest request, long limit, boolean json, Consumer<byte[]> then) {
        Buffer body = Buffer.buffer();
        boolean[] rejected = {false};
        request.handler(chunk -> {
            if (rejected[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                rejected[0] = true;
                request.response().putHeader("connection", "close");
                if (json) {
                    jsonError(request, GatewayError.payloadTooLarge(limit));
                } else {
                    errorPage(request, currentSession(request), 413, "Too large", "The form is larger than " + limit + " bytes.");
                }
                request.connection().close();
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(t -> log.debug("client request failed: {}", t.toString()));
        request.endHandler(v -> {
            if (rejected[0]) {
                return;
            }
            try {
                then.accept(body.getBytes());
            } catch (RuntimeException e) {
                if (json) {
                    jsonError(request, e instanceof GatewayError g ? g : GatewayError.internal("internal error"));
                } else {
                    fail(request, e);
                }
            }
        });
    }

    private long today() {
        return Math.floorDiv(accounts.clock().millis(), 86_400_000L);
    }

    private static String pathAndQuery(HttpServerRequest request) {
        String query = request.query();
        return query == null || query.isEmpty() ? request.path() : request.path() + "?" + query;
    }

    /** This server's API as the browser reached it (Host, or HTTP/2's :authority), for the code samples. */
    private static String baseUrl(HttpServerRequest request) {
        var authority = request.authority();
        String host = authority == null ? null
                : authority.port() > 0 ? authority.host() + ":" + authority.port() : authority.host();
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.\\-:\\[\\]]+")) {
            host = "localhost:8080";
        }
        return (request.isSSL() ? "https" : "http") + "://" + host + "/v1";
    }
}
