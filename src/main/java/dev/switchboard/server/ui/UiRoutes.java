package dev.switchboard.server.ui;

import dev.switchboard.accounting.Accounts;
import dev.switchboard.accounting.Caller;
import dev.switchboard.catalog.Model;
import dev.switchboard.gateway.ClientSink;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.store.KeyRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The web UI of one event loop: the catalog ({@code /}), model pages ({@code /models/...}),
 * {@code /activity}, {@code /playground}, {@code /keys}, {@code /login}, {@code /logout} and
 * {@code /static/...}. Pages are rendered from precompiled templates; store reads run on the
 * accounts' threads and the page is written back on the event loop.
 */
public final class UiRoutes {
    /** Serves a chat completion for a caller, as {@code POST /v1/chat/completions} does. */
    @FunctionalInterface
    public interface ChatHandler {
        void serve(HttpServerRequest request, byte[] body, Caller caller);
    }

    /** Serves a chat completion for a caller into {@code sink}, for the UI to read (a model page's example answers). */
    @FunctionalInterface
    public interface ChatIntoSink {
        void serve(HttpServerRequest request, byte[] body, Caller caller, ClientSink sink);
    }

    private final WebUi ui;
    private final Gateway gateway;
    private final Accounts accounts;
    private final Pages pages;
    private final KeyRoutes keys;
    private final LoginRoutes login;
    private final PlaygroundChat playgroundChat;
    private final ExampleRoutes examples;
    private final Vertx vertx;

    /** The playground's chat bodies may be up to {@code maxChatBytes} long. */
    public UiRoutes(WebUi ui, Gateway gateway, Vertx vertx, long maxChatBytes) {
        this.ui = ui;
        this.gateway = gateway;
        this.accounts = gateway.accounts();
        this.vertx = vertx;
        this.pages = new Pages(ui, accounts, vertx);
        this.keys = new KeyRoutes(pages);
        this.login = new LoginRoutes(pages);
        this.playgroundChat = new PlaygroundChat(pages, maxChatBytes);
        this.examples = new ExampleRoutes(pages, gateway);
    }

    /** True when {@code path} is the UI's (the API lives under {@code /v1} and {@code /api/v1}). */
    public static boolean isUiPath(String path) {
        return path.equals("/") || path.startsWith("/models/") || path.equals("/activity")
                || path.equals("/playground") || path.equals("/playground/chat") || path.equals("/keys")
                || path.startsWith("/keys/") || path.equals("/login") || path.equals("/logout")
                || path.startsWith("/static/");
    }

    /**
     * Serves the request if its path is the UI's, the playground's chat by {@code chat} and the model
     * pages' example answers by {@code chatIntoSink}; false otherwise.
     */
    public boolean route(HttpServerRequest request, ChatHandler chat, ChatIntoSink chatIntoSink) {
        String path = request.path();
        if (!isUiPath(path)) {
            return false;
        }
        Cookie cookie = path.startsWith("/static/") ? null : request.getCookie(Sessions.COOKIE);
        CompletableFuture<Void> refreshed = cookie == null ? null : ui.sessions().refresh(cookie.getValue());
        if (refreshed == null || refreshed.isDone()) {
            dispatch(request, path, chat, chatIntoSink);
            return true;
        }
        // the session comes from Redis first (cluster mode): hold the body until a route reads it
        request.pause();
        Future.fromCompletionStage(refreshed, vertx.getOrCreateContext()).onComplete(done -> {
            dispatch(request, path, chat, chatIntoSink);
            request.resume();
        });
        return true;
    }

    private void dispatch(HttpServerRequest request, String path, ChatHandler chat, ChatIntoSink chatIntoSink) {
        try {
            dispatch(request, path, request.method(), chat, chatIntoSink);
        } catch (RuntimeException e) {
            pages.fail(request, e);
        }
    }

    private void dispatch(HttpServerRequest request, String path, HttpMethod method, ChatHandler chat,
                          ChatIntoSink chatIntoSink) {
        boolean get = method.equals(HttpMethod.GET);
        boolean post = method.equals(HttpMethod.POST);
        if (path.startsWith("/static/") && get) {
            asset(request, path.substring("/static/".length()));
        } else if (path.equals("/") && get) {
            catalog(request);
        } else if (path.startsWith("/models/") && path.endsWith(ExampleRoutes.PATH_SUFFIX) && post) {
            examples.generate(request, path.substring("/models/".length(), path.length() - ExampleRoutes.PATH_SUFFIX.length()),
                    chatIntoSink);
        } else if (path.startsWith("/models/") && get) {
            model(request, path.substring("/models/".length()));
        } else if (path.equals("/activity") && get) {
            activity(request);
        } else if (path.equals("/playground") && get) {
            playground(request);
        } else if (path.equals("/playground/chat") && post) {
            playgroundChat.serve(request, chat);
        } else if (path.equals("/keys") && get) {
            keys.list(request);
        } else if (path.equals("/keys") && post) {
            keys.create(request);
        } else if (path.startsWith("/keys/") && post) {
            keys.change(request, path.substring("/keys/".length()));
        } else if (path.equals("/login") && get) {
            login.page(request);
        } else if (path.equals("/login") && post) {
            login.login(request);
        } else if (path.equals("/logout") && post) {
            login.logout(request);
        } else {
            pages.errorPage(request, pages.currentSession(request), 405, "Method not allowed",
                    method.name() + " is not allowed on " + path + ".");
        }
    }

    /** {@code GET /}: the whole page, or only the table when htmx asks for it. */
    private void catalog(HttpServerRequest request) {
        Sessions.Session session = pages.pageSession(request);
        pages.viewer(request, session, false, caller -> {
            var view = CatalogPage.build(gateway.catalog(), gateway.stats(), CatalogPage.Query.of(request::getParam));
            request.response().putHeader("vary", "HX-Request, HX-Target");
            if ("model-table".equals(request.getHeader("hx-target"))) {
                pages.fragment(request, "catalog_table.jte", Map.of("view", view));
            } else {
                pages.page(request, 200, "catalog.jte", pages.frame(session, "Models", "models", false), Map.of("view", view));
            }
        });
    }

    /** {@code GET /models/{author}/{slug}} (an alias works too). */
    private void model(HttpServerRequest request, String id) {
        Sessions.Session session = pages.pageSession(request);
        Model model = gateway.catalog().find(id).filter(Model::listed).orElse(null);
        if (model == null) {
            pages.errorPage(request, session, 404, "Model not found", "There is no listed model \"" + id + "\".");
            return;
        }
        pages.viewer(request, session, false, caller -> {
            long today = today();
            // tokens per day of the model over every key: a marketplace figure that shows no key or app
            pages.await(request, accounts.activity(today - ModelPage.USAGE_DAYS + 1, today, null), rows -> {
                var view = ModelPage.build(model, gateway.stats(), rows, today, baseUrl(request));
                examples.view(request, caller, model, exampleView -> pages.page(request, 200, "model.jte",
                        pages.frame(session, model.name(), "models", true), Map.of("view", view, "examples", exampleView)));
            });
        });
    }

    /**
     * {@code GET /activity?days=N&by=model|provider|app}: the admin sees every key (or one:
     * {@code &key=HASH}), a key itself, an open gateway's visitor the requests made without a key.
     */
    private void activity(HttpServerRequest request) {
        Sessions.Session session = pages.pageSession(request);
        pages.viewer(request, session, false, caller -> {
            int days = days(request.getParam("days"));
            ActivityPage.Group group = ActivityPage.Group.of(request.getParam("by"));
            if (!caller.admin()) {
                String scope = caller.anonymous() ? "requests without a key"
                        : "key " + caller.key().name() + " (" + caller.key().label() + ")";
                showActivity(request, session, days, group, caller.keyHash(), scope, List.of());
                return;
            }
            String wanted = request.getParam("key");
            pages.await(request, accounts.listKeys(), keys -> {
                KeyRecord chosen = keys.stream().filter(k -> k.hash().equals(wanted)).findFirst().orElse(null);
                List<ActivityPage.Choice> choices = new ArrayList<>();
                choices.add(new ActivityPage.Choice("", "Every key", chosen == null));
                keys.forEach(k -> choices.add(new ActivityPage.Choice(k.hash(), k.name() + " (" + k.label() + ")",
                        k == chosen)));
                String scope = chosen == null ? "every key" : "key " + chosen.name() + " (" + chosen.label() + ")";
                showActivity(request, session, days, group, chosen == null ? null : chosen.hash(), scope, choices);
            });
        });
    }

    private void showActivity(HttpServerRequest request, Sessions.Session session, int days, ActivityPage.Group group,
                              String keyHash, String scope, List<ActivityPage.Choice> keys) {
        long today = today();
        pages.await(request, accounts.activity(today - days + 1, today, keyHash), rows -> {
            var view = ActivityPage.build(rows, days, today, group, scope, keys);
            pages.page(request, 200, "activity.jte", pages.frame(session, "Activity", "activity", true),
                    Map.of("view", view));
        });
    }

    private static int days(String param) {
        try {
            return param == null ? 30 : Math.clamp(Integer.parseInt(param.strip()), 1, 366);
        } catch (NumberFormatException e) {
            return 30;
        }
    }

    /** {@code GET /playground?model=ID&prompt=TEXT}. */
    private void playground(HttpServerRequest request) {
        Sessions.Session session = pages.pageSession(request);
        pages.viewer(request, session, false, caller -> {
            String wanted = request.getParam("model");
            List<Model> models = gateway.catalog().listedModels().stream()
                    .sorted(Comparator.comparing((Model m) -> !m.id().value().equals("switchboard/echo"))).toList();
            String selected = wanted != null && models.stream().anyMatch(m -> m.id().value().equals(wanted)) ? wanted
                    : models.isEmpty() ? "" : models.getFirst().id().value();
            String prompt = request.getParam("prompt");
            if (!caller.admin()) {
                showPlayground(request, session, PlaygroundPage.build(models, selected, prompt, false, List.of(), 0));
                return;
            }
            // the admin key cannot call models: its session bills an inference key picked on the page
            pages.await(request, accounts.listKeys(), keys -> showPlayground(request, session,
                    PlaygroundPage.build(models, selected, prompt, true, keys, accounts.clock().millis())));
        });
    }

    private void showPlayground(HttpServerRequest request, Sessions.Session session, PlaygroundPage.View view) {
        pages.page(request, 200, "playground.jte", pages.frame(session, "Playground", "playground", false),
                Map.of("view", view));
    }

    private void asset(HttpServerRequest request, String name) {
        ui.assets().find(name).ifPresentOrElse(asset -> Responses.asset(request, asset),
                () -> pages.errorPage(request, pages.currentSession(request), 404, "Not found", "There is no file " + name + "."));
    }

    private long today() {
        return Math.floorDiv(accounts.clock().millis(), 86_400_000L);
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
