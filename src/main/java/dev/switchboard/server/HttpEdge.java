package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.accounting.Accounts;
import dev.switchboard.accounting.Caller;
import dev.switchboard.catalog.Model;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.conversations.StoredResponses;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.presets.PresetMerge;
import dev.switchboard.presets.Presets;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.anthropic.MessagesApiErrors;
import dev.switchboard.server.Route.Access;
import dev.switchboard.server.Route.ErrorDialect;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.providers.http.VertxBuffers;
import dev.switchboard.server.ui.UiRoutes;
import dev.switchboard.server.ui.WebUi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The HTTP edge of one event loop: authenticates callers, maps paths to the gateway, the catalog
 * and the account routes, reads bodies within the size limit, and turns every error into the
 * documented JSON shape. Both {@code /v1/...} and {@code /api/v1/...} are served.
 */
final class HttpEdge {
    private static final Logger log = LoggerFactory.getLogger(HttpEdge.class);
    private static final byte[] NO_BODY = new byte[0];

    private final Gateway gateway;
    private final ProviderAdapters adapters;
    private final Vertx vertx;
    private final long maxBodyBytes;
    private final BooleanSupplier ready;
    private final Accounts accounts;
    private final AccountRoutes accountRoutes;
    private final InferenceRoutes inferenceRoutes;
    private final Observability observability;
    private final UiRoutes uiRoutes;
    private final ResponsesRoutes responsesRoutes;
    private final CatalogRoutes catalogRoutes;
    private final PresetRoutes presetRoutes;
    private final InboundPresets inboundPresets;
    private final RouteTable routes;
    private final ClientConnections connections;
    private final CrossOrigin crossOrigin;

    HttpEdge(Gateway gateway, ProviderAdapters adapters, Vertx vertx, SwitchboardConfig.Server settings,
             ClientConnections connections, BooleanSupplier ready, Observability observability, WebUi ui,
             StoredResponses responses, Presets presets) {
        long maxBodyBytes = settings.maxBodyBytes();
        this.connections = connections;
        this.crossOrigin = new CrossOrigin(settings.cors());
        this.observability = observability;
        this.gateway = gateway;
        this.accounts = gateway.accounts();
        this.accountRoutes = new AccountRoutes(this, accounts);
        this.inferenceRoutes = new InferenceRoutes(gateway, adapters, vertx);
        this.uiRoutes = new UiRoutes(ui, gateway, vertx, maxBodyBytes);
        this.adapters = adapters;
        this.vertx = vertx;
        this.maxBodyBytes = maxBodyBytes;
        this.ready = ready;
        this.responsesRoutes = new ResponsesRoutes(this, inferenceRoutes, responses, gateway.catalog());
        this.catalogRoutes = new CatalogRoutes(gateway::catalog);
        this.presetRoutes = new PresetRoutes(this, presets);
        this.inboundPresets = new InboundPresets(this, presets);
        this.routes = new RouteTable(routes());
    }

    void handle(HttpServerRequest request) {
        ClientConnections.Connection connection = connections.of(request.connection());
        Exchange exchange = new Exchange(request, observability.metrics(), observability.accessLog(), routes,
                connection);
        try {
            if (connection != null && connection.refused()) {
                refuseOverLimit(request);
                return;
            }
            requireOneHost(request);
            if (!UiRoutes.isUiPath(request.path()) && !crossOrigin.admit(request)) {
                return; // a preflight, answered
            }
            route(request, exchange);
        } catch (GatewayError e) {
            sendError(request, e);
        } catch (RuntimeException e) {
            log.error("unexpected error on {} {}", request.method(), request.path(), e);
            sendError(request, GatewayError.internal("internal error; the server log has details"));
        }
    }

    /** Over {@code server.max_connections}: a 503 that says so, and the connection closes. */
    private void refuseOverLimit(HttpServerRequest request) {
        closeAfterAnswer(request);
        sendError(request, new GatewayError(503, "service_unavailable", "too many open connections (server."
                + "max_connections is " + connections.maxConnections() + "); retry shortly", null, null,
                java.util.Map.of("Retry-After", "1")));
    }

    /** RFC 9112 §3.2: an HTTP/1.1 request without a Host header, or with more than one, gets a 400. */
    private static void requireOneHost(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_1_1) {
            return;
        }
        int hosts = request.headers().getAll("host").size();
        if (hosts != 1) {
            closeAfterAnswer(request);
            throw GatewayError.badRequest(null, hosts == 0 ? "an HTTP/1.1 request needs a Host header"
                    : "an HTTP/1.1 request must have exactly one Host header (got " + hosts + ")");
        }
    }

    /** HTTP/1: the connection closes once the answer is written (HTTP/2 forbids the header). */
    static void closeAfterAnswer(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_2) {
            request.response().putHeader("connection", "close");
        }
    }

    /**
     * Every API route, once: method, path, who may call it and the shape of its errors. The web UI's
     * pages are {@link UiRoutes}'.
     */
    private List<Route> routes() {
        return List.of(
                Route.post("/v1/chat/completions", Access.INFERENCE,
                        inboundPresets.around(PresetMerge.Api.CHAT, inferenceRoutes::chatCompletion)),
                Route.post("/v1/completions", Access.INFERENCE, inferenceRoutes::completions),
                Route.post("/v1/messages", Access.INFERENCE, inboundPresets.around(PresetMerge.Api.MESSAGES,
                        inferenceRoutes::messages)).answering(ErrorDialect.ANTHROPIC),
                Route.post("/v1/messages/count_tokens", Access.INFERENCE, inboundPresets.around(PresetMerge.Api.MESSAGES,
                        inferenceRoutes::countTokens)).answering(ErrorDialect.ANTHROPIC),
                Route.post("/v1/responses", Access.INFERENCE,
                        inboundPresets.around(PresetMerge.Api.RESPONSES, responsesRoutes::create)),
                Route.get("/v1/responses/{id}", Access.INFERENCE, responsesRoutes::get),
                Route.delete("/v1/responses/{id}", Access.INFERENCE, responsesRoutes::delete),
                Route.get("/v1/responses/{id}/input_items", Access.INFERENCE, responsesRoutes::inputItems),
                Route.post("/v1/embeddings", Access.INFERENCE, inferenceRoutes::embeddings),
                Route.get("/v1/models", Access.OPEN, catalogRoutes::list),
                Route.get("/v1/models/count", Access.OPEN, catalogRoutes::count),
                Route.get("/v1/models/user", Access.INFERENCE, catalogRoutes::forCaller),
                Route.get("/v1/providers", Access.OPEN, catalogRoutes::providers),
                Route.get("/v1/models/{author}/{slug}", Access.OPEN, call -> sendJson(call.request().response(), 200,
                        CatalogJson.model(listedModel(call)))),
                Route.get("/v1/models/{author}/{slug}/endpoints", Access.OPEN, call -> sendJson(call.request().response(),
                        200, CatalogJson.endpoints(listedModel(call), gateway.stats()))),
                // OpenRouter's singular form wraps the model in "data"
                Route.get("/v1/model/{author}/{slug}", Access.OPEN, call -> sendJson(call.request().response(), 200,
                        Json.object().set("data", CatalogJson.model(listedModel(call))))),
                Route.get("/v1/key", Access.READER, accountRoutes::currentKey),
                Route.get("/v1/credits", Access.INFERENCE, accountRoutes::credits),
                Route.get("/v1/generation", Access.READER, accountRoutes::generation),
                Route.get("/v1/activity", Access.READER, accountRoutes::activity),
                Route.get("/v1/keys", Access.ADMIN, accountRoutes::listKeys),
                Route.post("/v1/keys", Access.ADMIN, accountRoutes::createKey),
                Route.get("/v1/keys/{hash}", Access.ADMIN, accountRoutes::getKey),
                Route.patch("/v1/keys/{hash}", Access.ADMIN, accountRoutes::updateKey),
                Route.delete("/v1/keys/{hash}", Access.ADMIN, accountRoutes::deleteKey),
                Route.get("/v1/presets", Access.ADMIN, presetRoutes::list),
                Route.post("/v1/presets", Access.ADMIN, presetRoutes::create),
                Route.get("/v1/presets/{name}", Access.ADMIN, presetRoutes::get),
                Route.put("/v1/presets/{name}", Access.ADMIN, presetRoutes::update),
                Route.delete("/v1/presets/{name}", Access.ADMIN, presetRoutes::delete),
                Route.get("/v1/presets/{name}/versions", Access.ADMIN, presetRoutes::versions),
                Route.get("/v1/presets/{name}/versions/{version}", Access.ADMIN, presetRoutes::version),
                Route.post("/v1/presets/{name}/chat/completions", Access.ADMIN, presetRoutes.capture(PresetMerge.Api.CHAT)),
                Route.post("/v1/presets/{name}/messages", Access.ADMIN, presetRoutes.capture(PresetMerge.Api.MESSAGES)),
                Route.post("/v1/presets/{name}/responses", Access.ADMIN, presetRoutes.capture(PresetMerge.Api.RESPONSES)),
                Route.get("/healthz", Access.OPEN, call -> sendJson(call.request().response(), 200,
                        Json.object().put("status", "ok"))),
                Route.get("/readyz", Access.OPEN, this::readiness),
                Route.get("/metrics", Access.OPEN, this::metrics));
    }

    private void route(HttpServerRequest request, Exchange exchange) {
        if (UiRoutes.isUiPath(request.path())) {
            uiRoutes.route(request, (r, body, caller) -> inferenceRoutes.chatCompletion(
                    new Route.Call(r, exchange, caller, List.of(), body)), (r, body, caller, sink) ->
                    inferenceRoutes.chatCompletion(new Route.Call(r, exchange, caller, List.of(), body), sink));
            return;
        }
        RouteTable.Match match = routes.find(request.method(), apiPath(request.path()));
        Route route = match.route();
        exchange.route(route.template());
        switch (route.access()) {
            case OPEN -> serve(route, request, exchange, null, match.params());
            case INFERENCE -> when(request, accounts.inference(secret(request)),
                    caller -> serve(route, request, exchange, caller, match.params()));
            case READER -> when(request, accounts.reader(secret(request)),
                    caller -> serve(route, request, exchange, caller, match.params()));
            case ADMIN -> when(request, accounts.admin(secret(request)),
                    v -> serve(route, request, exchange, null, match.params()));
        }
    }

    /** Runs the route's handler, once its body (if it takes one) is read. */
    private void serve(Route route, HttpServerRequest request, Exchange exchange, Caller caller, List<String> params) {
        if (route.readsBody()) {
            readBody(request, body -> route.handler().handle(new Route.Call(request, exchange, caller, params, body)));
        } else {
            route.handler().handle(new Route.Call(request, exchange, caller, params, NO_BODY));
        }
    }

    private void readiness(Route.Call call) {
        boolean isReady = ready.getAsBoolean();
        sendJson(call.request().response(), isReady ? 200 : 503,
                Json.object().put("status", isReady ? "ready" : "starting or stopping"));
    }

    private void metrics(Route.Call call) {
        if (!observability.metricsEnabled()) {
            throw GatewayError.notFound("No route for GET " + call.request().path()
                    + " (metrics are off: observability.metrics.enabled)");
        }
        scrapeMetrics(call.request().response());
    }

    /** The Prometheus text of every meter; built on a worker thread, as it walks every series. */
    private void scrapeMetrics(HttpServerResponse response) {
        vertx.executeBlocking(observability::scrape, false).onComplete(result -> {
            if (result.failed()) {
                log.error("cannot render /metrics", result.cause());
                sendError(response, GatewayError.internal("cannot render metrics; the server log has details"));
                return;
            }
            if (!response.ended() && !response.closed()) {
                response.putHeader("content-type", Observability.PROMETHEUS_TEXT).end(result.result());
            }
        });
    }

    /** The listed model named by a route's {@code {author}/{slug}}; 404 otherwise. */
    private Model listedModel(Route.Call call) {
        String id = call.param(0) + "/" + call.param(1);
        return gateway.catalog().find(id).filter(Model::listed)
                .orElseThrow(() -> GatewayError.notFound("Model \"" + id + "\" does not exist"));
    }

    /** The caller's secret: {@code Authorization: Bearer KEY}, or {@code x-api-key: KEY} as Anthropic clients send it. */
    static String secret(HttpServerRequest request) {
        String authorization = request.getHeader("authorization");
        if (authorization != null && !authorization.isBlank()) {
            String value = authorization.strip();
            return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).strip() : value;
        }
        return request.getHeader("x-api-key");
    }

    /**
     * Continues with the result of {@code work} on this event loop, turning a failure into its JSON
     * error. A result already there (a cached key) continues at once; otherwise the request is
     * paused, so its body waits until the continuation reads it.
     */
    <T> void when(HttpServerRequest request, CompletableFuture<T> work, Consumer<T> then) {
        if (work.isDone()) {
            T value;
            try {
                value = work.join();
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                sendError(request, Failures.toGatewayError(e));
                return;
            }
            then.accept(value);
            return;
        }
        boolean paused = !request.isEnded();
        if (paused) {
            request.pause(); // (a request whose body was already read has nothing left to hold back)
        }
        Future.fromCompletionStage(work, vertx.getOrCreateContext()).onComplete(result -> {
            try {
                if (result.failed()) {
                    sendError(request, Failures.toGatewayError(result.cause()));
                } else {
                    then.accept(result.result());
                }
            } catch (GatewayError e) {
                sendError(request, e);
            } catch (RuntimeException e) {
                log.error("unexpected error on {} {}", request.method(), request.path(), e);
                sendError(request, GatewayError.internal("internal error; the server log has details"));
            } finally {
                if (paused && !request.isEnded()) {
                    request.resume();
                }
            }
        });
    }

    /** Collects the body, answering 413 as soon as it is known to exceed the limit. */
    void readBody(HttpServerRequest request, Consumer<byte[]> then) {
        RequestBodies.read(request, maxBodyBytes, r -> sendError(r, GatewayError.payloadTooLarge(maxBodyBytes)), then, e -> {
            if (!(e instanceof GatewayError)) {
                log.error("unexpected error on {} {}", request.method(), request.path(), e);
            }
            sendError(request, e instanceof GatewayError error ? error
                    : GatewayError.internal("internal error; the server log has details"));
        });
    }

    /** {@code /api/v1/x} is the same as {@code /v1/x} (OpenRouter's base URL is {@code /api/v1}). */
    static String apiPath(String path) {
        if (path.indexOf('%') >= 0) {
            // SDKs percent-encode the slash of a model id: /v1/models/openai%2Fgpt-4.1
            try {
                path = java.net.URLDecoder.decode(path.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw GatewayError.badRequest(null, "malformed percent-encoding in the path");
            }
        }
        if (path.startsWith("/api/v1/") || path.equals("/api/v1")) {
            path = path.substring(4);
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    /** The error in the shape the route's clients expect: Anthropic's on the Messages API, ours elsewhere. */
    io.vertx.core.Future<Void> sendError(HttpServerRequest request, GatewayError error) {
        if (dialect(request) != ErrorDialect.ANTHROPIC) {
            return sendError(request.response(), error);
        }
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return io.vertx.core.Future.succeededFuture();
        }
        if (response.headWritten()) {
            return response.end();
        }
        error.headers().forEach(response::putHeader);
        return send(response, MessagesApiErrors.status(error.status()),
                MessagesApiErrors.fromOpenAi(error.status(), error.bodyBytes()));
    }

    /** The error dialect of the route a request asked for; OpenAI's when there is none. */
    private ErrorDialect dialect(HttpServerRequest request) {
        try {
            return routes.find(request.method(), apiPath(request.path())).route().dialect();
        } catch (GatewayError e) {
            return ErrorDialect.OPENAI;
        }
    }

    static io.vertx.core.Future<Void> sendError(HttpServerResponse response, GatewayError error) {
        if (response.ended() || response.closed()) {
            return io.vertx.core.Future.succeededFuture();
        }
        if (response.headWritten()) {
            return response.end();
        }
        error.headers().forEach(response::putHeader);
        return send(response, error.status(), error.bodyBytes());
    }

    static void sendJson(HttpServerResponse response, int status, JsonNode body) {
        send(response, status, Json.bytes(body));
    }

    private static io.vertx.core.Future<Void> send(HttpServerResponse response, int status, byte[] json) {
        response.setStatusCode(status);
        response.putHeader("content-type", "application/json");
        return response.end(VertxBuffers.wrap(json));
    }
}
