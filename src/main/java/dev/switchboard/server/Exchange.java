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
    /** The web UI's pages without parameters; the API's routes come from the route table. */
    private static final Set<String> UI_PAGES = Set.of("/", "/activity", "/playground", "/playground/chat", "/keys",
            "/login", "/logout");
    private static final Set<HttpMethod> KNOWN_METHODS = Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.HEAD, HttpMethod.OPTIONS);

    /** The status of a request whose client left before any answer: nginx's "client closed request". */
    static final int CLIENT_CLOSED = 499;

    private final long startNanos = System.nanoTime();
    private final HttpServerRequest request;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final RouteTable routes;
    private List<Runnable> closeActions;
    private RequestSummary summary;
    /** The template of the API route the edge matched; null until then (and for the web UI's pages). */
    private String route;
    private boolean done;
    /** The connection's deadline state; null when the edge does not track it. */
    private final ClientConnections.Connection connection;
    private boolean ended;

    Exchange(HttpServerRequest request, GatewayMetrics metrics, AccessLog accessLog, RouteTable routes) {
        this(request, metrics, accessLog, routes, null);
    }

    Exchange(HttpServerRequest request, GatewayMetrics metrics, AccessLog accessLog, RouteTable routes,
             ClientConnections.Connection connection) {
        this.request = request;
        this.connection = connection;
        this.routes = routes;
        this.metrics = metrics;
        this.accessLog = accessLog;
        HttpServerResponse response = request.response();
        response.closeHandler(v -> closed());
        if (connection != null) {
            connection.requestStarted();
        }
        response.endHandler(v -> ended(response));
    }

    private void ended(HttpServerResponse response) {
        if (!ended && connection != null) {
            ended = true;
            connection.requestEnded();
        }
        if (metrics.enabled() || accessLog.enabled()) {
            finish(response.getStatusCode());
        }
    }

    /** Runs {@code action} when the connection closes (the caller checks whether the response had ended). */
    void onClose(Runnable action) {
        if (closeActions == null) {
            closeActions = new ArrayList<>(1);
        }
        closeActions.add(action);
    }

    /** The API route the request matched, so its end need not look it up again. */
    void route(String template) {
        this.route = template;
    }

    /** What the gateway made of the request, for the access log. */
    void summary(RequestSummary summary) {
        this.summary = summary;
    }

    private void closed() {
        if (!ended && connection != null) {
            ended = true;
            connection.requestEnded();
        }
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
        String route = this.route != null ? this.route : routeTemplate(routes, request.path());
        metrics.httpRequest(new GatewayMetrics.HttpSeries(method, route, status), nanos);
        accessLog.write(method, route, status, TimeUnit.NANOSECONDS.toMillis(nanos), summary);
    }

    /**
     * The route a path matched, as a template ({@code /v1/models/{author}/{slug}}); {@code /api/v1}
     * is {@code /v1}. Anything else is "unmatched", so a scan of random paths adds no series.
     */
    static String routeTemplate(RouteTable routes, String rawPath) {
        if (UI_PAGES.contains(rawPath)) {
            return rawPath;
        }
        String[] parts = rawPath.split("/", -1);
        if (parts.length == 3 && rawPath.startsWith("/keys/")) {
            return "/keys/{hash}";
        }
        if (parts.length == 4 && rawPath.startsWith("/models/")) {
            return "/models/{author}/{slug}";
        }
        if (rawPath.startsWith("/static/")) {
            return "/static/{file}";
        }
        String template;
        try {
            template = routes.template(HttpEdge.apiPath(rawPath));
        } catch (GatewayError e) {
            return "unmatched";
        }
        return template != null ? template : "unmatched";
    }
}
