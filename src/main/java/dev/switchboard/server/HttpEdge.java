package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.accounting.Accounts;
import dev.switchboard.catalog.Model;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.anthropic.MessagesApiErrors;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.providers.http.VertxBuffers;
import dev.switchboard.server.ui.UiRoutes;
import dev.switchboard.server.ui.WebUi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
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

    HttpEdge(Gateway gateway, ProviderAdapters adapters, Vertx vertx, long maxBodyBytes, BooleanSupplier ready,
             Observability observability, WebUi ui) {
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
    }

    void handle(HttpServerRequest request) {
        Exchange exchange = new Exchange(request, observability.metrics(), observability.accessLog());
        try {
            route(request, exchange);
        } catch (GatewayError e) {
            sendError(request, e);
        } catch (RuntimeException e) {
            log.error("unexpected error on {} {}", request.method(), request.path(), e);
            sendError(request, GatewayError.internal("internal error; the server log has details"));
        }
    }

    private void route(HttpServerRequest request, Exchange exchange) {
        if (UiRoutes.isUiPath(request.path())) {
            uiRoutes.route(request, (r, body, caller) -> inferenceRoutes.serve("/v1/chat/completions", r, body, caller, exchange));
            return;
        }
        String path = apiPath(request.path());
        HttpMethod method = request.method();
        switch (path) {
            case "/v1/chat/completions", "/v1/embeddings", "/v1/messages", "/v1/messages/count_tokens" -> {
                requireMethod(method, HttpMethod.POST, path);
                when(request, accounts.inference(secret(request)),
                        caller -> readBody(request, body -> inferenceRoutes.serve(path, request, body, caller, exchange)));
            }
            case "/v1/models" -> {
                requireMethod(method, HttpMethod.GET, path);
                sendJson(request.response(), 200, CatalogJson.list(gateway.catalog().listedModels()));
            }
            case "/healthz" -> sendJson(request.response(), 200, Json.object().put("status", "ok"));
            case "/metrics" -> {
                if (!observability.metricsEnabled()) {
                    throw GatewayError.notFound("No route for " + method + " " + request.path()
                            + " (metrics are off: observability.metrics.enabled)");
                }
                requireMethod(method, HttpMethod.GET, path);
                scrapeMetrics(request.response());
            }
            case "/readyz" -> {
                boolean isReady = ready.getAsBoolean();
                sendJson(request.response(), isReady ? 200 : 503, Json.object().put("status", isReady ? "ready" : "starting or stopping"));
            }
            default -> {
                if (!accountRoutes.route(request, method, path)) {
                    routeModel(request, method, path);
                }
            }
        }
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

    /** {@code /v1/models/{author}/{slug}}, {@code .../endpoints} and OpenRouter's {@code /v1/model/{author}/{slug}}. */
    private void routeModel(HttpServerRequest request, HttpMethod method, String path) {
        String[] parts = path.split("/", -1);
        boolean modelsPath = parts.length >= 5 && parts[1].equals("v1") && parts[2].equals("models");
        boolean modelPath = parts.length == 5 && parts[1].equals("v1") && parts[2].equals("model");
        if (!modelsPath && !modelPath || parts.length > 6 || parts.length == 6 && !parts[5].equals("endpoints")) {
            throw GatewayError.notFound("No route for " + method + " " + request.path());
        }
        requireMethod(method, HttpMethod.GET, path);
        String id = parts[3] + "/" + parts[4];
        Model model = listedModel(id).orElseThrow(() -> GatewayError.notFound("Model \"" + id + "\" does not exist"));
        HttpServerResponse response = request.response();
        if (parts.length == 6) {
            sendJson(response, 200, CatalogJson.endpoints(model, gateway.stats()));
        } else if (modelPath) {
            var body = Json.object();
            body.set("data", CatalogJson.model(model));
            sendJson(response, 200, body);
        } else {
            sendJson(response, 200, CatalogJson.model(model));
        }
    }

    private Optional<Model> listedModel(String id) {
        return gateway.catalog().find(id).filter(Model::listed);
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

    static void requireMethod(HttpMethod actual, HttpMethod expected, String path) {
        if (!actual.equals(expected)) {
            throw GatewayError.methodNotAllowed(actual.name(), path);
        }
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
    static io.vertx.core.Future<Void> sendError(HttpServerRequest request, GatewayError error) {
        if (!apiPath(request.path()).startsWith("/v1/messages")) {
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
