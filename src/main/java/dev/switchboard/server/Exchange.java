package dev.switchboard.server;

import dev.switchboard.gateway.GatewayError;
import dev.switchboard.gateway.RequestSummary;
import dev.switchboard.stats.GatewayMetrics;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP request from arrival to its end: when the response ends or the client leaves, it is
 * timed into {@code http.server.request.duration} and written to the access log, exactly once.
 * It owns the response's close handler; {@link ResponseSink} registers its own actions here.
 * Event-loop confined.
 */
final class Exchange {
    private static final Set<String> FIXED_ROUTES = Set.of("/v1/chat/completions", "/v1/embeddings", "/v1/messages",
            "/v1/messages/count_tokens", "/v1/models", "/v1/key", "/v1/credits", "/v1/generation", "/v1/activity",
            "/v1/keys", "/healthz", "/readyz", "/metrics",
            // the web UI's pages
            "/", "/activity", "/playground", "/playground/chat", "/keys", "/login", "/logout");
    private static final Set<HttpMethod> KNOWN_METHODS = Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.HEAD, HttpMethod.OPTIONS);

    /** The status of a request whose client left before any answer: nginx's "client closed request". */
    static final int CLIENT_CLOSED = 499;

    private final long startNanos = System.nanoTime();
    private final HttpServerRequest request;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private List<Runnable> closeActions;
    private RequestSummary summary;
    private boolean done;

    Exchange(HttpServerRequest request, GatewayMetrics metrics, AccessLog accessLog) {
        this.request = request;
        this.metrics = metrics;
        this.accessLog = accessLog;
        HttpServerResponse response = request.response();
        response.closeHandler(v -> closed());
        if (metrics.enabled() || accessLog.enabled()) {
            response.endHandler(v -> finish(response.getStatusCode()));
        }
    }

    /** Runs {@code action} when the connection closes (the caller checks whether the response had ended). */
    void onClose(Runnable action) {
        if (closeActions == null) {
            closeActions = new ArrayList<>(1);
        }
        closeActions.add(action);
    }

    /** What the gateway made of the request, for the access log. */
    void summary(RequestSummary summary) {
        this.summary = summary;
    }

    private void closed() {
        if (closeActions != null) {
            closeActions.forEach(Runnable::run);
        }
        if (!done && (metrics.enabled() || accessLog.enabled())) {
            HttpServerResponse response = request.response();
            finish(response.headWritten() ? response.getStatusCode() : summary != null ? summary.status()
                    : CLIENT_CLOSED);
        }
    }

    private void finish(int status) {
        if (done) {
            return;
        }
        done = true;
        long nanos = System.nanoTime() - startNanos;
        String method = KNOWN_METHODS.contains(request.method()) ? request.method().name() : "_OTHER";
        String route = routeTemplate(request.path());
        metrics.httpRequest(new GatewayMetrics.HttpSeries(method, route, status), nanos);
        accessLog.write(method, route, status, TimeUnit.NANOSECONDS.toMillis(nanos), summary);
    }

    /**
     * The route a path matched, as a template ({@code /v1/models/{author}/{slug}}); {@code /api/v1}
     * is {@code /v1}. Anything else is "unmatched", so a scan of random paths adds no series.
     */
    static String routeTemplate(String rawPath) {
        String path;
        try {
            path = HttpEdge.apiPath(rawPath);
        } catch (GatewayError e) {
            return "unmatched";
        }
        if (FIXED_ROUTES.contains(path)) {
            return path;
        }
        String[] parts = path.split("/", -1);
        if (parts.length == 3 && path.startsWith("/keys/")) {
            return "/keys/{hash}";
        }
        if (parts.length == 4 && path.startsWith("/models/")) {
            return "/models/{author}/{slug}";
        }
        if (path.startsWith("/static/")) {
            return "/static/{file}";
        }
        if (parts.length == 4 && path.startsWith("/v1/keys/")) {
            return "/v1/keys/{hash}";
        }
        if (parts.length == 5 && path.startsWith("/v1/models/")) {
            return "/v1/models/{author}/{slug}";
        }
        if (parts.length == 6 && path.startsWith("/v1/models/") && parts[5].equals("endpoints")) {
            return "/v1/models/{author}/{slug}/endpoints";
        }
        if (parts.length == 5 && path.startsWith("/v1/model/")) {
            return "/v1/model/{author}/{slug}";
        }
        return "unmatched";
    }
}
