package dev.switchboard.server;

import dev.switchboard.gateway.GatewayError;
import io.vertx.core.http.HttpMethod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the route of a path. Templates without {@code {…}} segments are found by one map look-up (the
 * inference routes are such); the others are matched segment by segment, in the table's order.
 */
final class RouteTable {
    /** A matched route and its template's {@code {…}} values. */
    record Match(Route route, List<String> params) {
    }

    private final List<Route> routes;
    private final Map<String, List<Route>> fixed = new HashMap<>();
    private final List<Route> templated = new ArrayList<>();

    RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
        for (Route route : routes) {
            if (route.template().indexOf('{') < 0) {
                fixed.computeIfAbsent(route.template(), t -> new ArrayList<>(1)).add(route);
            } else {
                templated.add(route);
            }
        }
    }

    List<Route> routes() {
        return routes;
    }

    /**
     * The route for {@code method} on {@code path} (already without {@code /api}).
     *
     * @throws GatewayError 404 when no template matches the path, 405 when some do but not for this method
     */
    Match find(HttpMethod method, String path) {
        List<Route> candidates = fixed.get(path);
        List<String> params = List.of();
        if (candidates == null) {
            candidates = new ArrayList<>(2);
            for (Route route : templated) {
                List<String> values = match(route.template(), path);
                if (values != null) {
                    candidates.add(route);
                    params = values;
                }
            }
        }
        if (candidates.isEmpty()) {
            throw GatewayError.notFound("No route for " + method + " " + path);
        }
        for (Route route : candidates) {
            if (route.method().equals(method)) {
                return new Match(route, route.template().indexOf('{') < 0 ? List.of() : match(route.template(), path));
            }
        }
        Set<String> allowed = new LinkedHashSet<>();
        candidates.forEach(r -> allowed.add(r.method().name()));
        throw GatewayError.methodNotAllowed(method.name(), candidates.getFirst().template() + " (allowed: "
                + String.join(", ", allowed) + ")");
    }

    /** The template a path would be served by (any method), or null. */
    String template(String path) {
        if (fixed.containsKey(path)) {
            return path;
        }
        for (Route route : templated) {
            if (match(route.template(), path) != null) {
                return route.template();
            }
        }
        return null;
    }

    /** The {@code {…}} values when {@code path} fits {@code template}, else null. */
    static List<String> match(String template, String path) {
        String[] want = template.split("/", -1);
        String[] got = path.split("/", -1);
        if (want.length != got.length) {
            return null;
        }
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith("{")) {
                if (got[i].isEmpty()) {
                    return null; // an empty segment fills no parameter
                }
                values.add(got[i]);
            } else if (!want[i].equals(got[i])) {
                return null;
            }
        }
        return values;
    }
}
