package dev.switchboard.server;

import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.gateway.GatewayError;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Browser pages of other origins and the API. A page may send a "simple" POST (text/plain, a form)
 * to any server without asking first, and the API reads any body as JSON; with
 * {@code auth.require_keys: false} that would let any web page open in a developer's browser spend
 * on the gateway. So a request whose {@code Origin} is another origin is refused with a 403, unless
 * {@code server.cors.allowed_origins} lists it; then preflights are answered and responses carry the
 * CORS headers. SDKs and curl send no {@code Origin} and are not affected.
 */
final class CrossOrigin {
    private static final String ALLOWED_METHODS = "GET, POST, PATCH, DELETE, OPTIONS";
    private static final String DEFAULT_ALLOWED_HEADERS = "authorization, content-type, x-api-key, anthropic-version, "
            + "anthropic-beta, http-referer, x-title, x-openrouter-title";
    private static final String EXPOSED_HEADERS = "x-generation-id, retry-after, x-switchboard-overhead-us";
    private static final String PREFLIGHT_MAX_AGE_S = "600";

    private final SwitchboardConfig.Cors cors;

    CrossOrigin(SwitchboardConfig.Cors cors) {
        this.cors = requireNonNull(cors, "cors");
    }

    /**
     * Whether the request may go on to its route. A refused cross-origin request or a preflight
     * is answered here (a preflight always: 204 when allowed, 403 otherwise).
     *
     * @throws GatewayError 403 for another origin that is not allowed
     */
    boolean admit(HttpServerRequest request) {
        String origin = request.getHeader("origin");
        if (origin == null || sameOrigin(origin, request)) {
            return true;
        }
        String normalized = origin.strip().toLowerCase(Locale.ROOT);
        if (!cors.allows(normalized)) {
            throw new GatewayError(403, "permission_error", "cross-origin request from " + printable(origin)
                    + " refused: browser pages of other origins may call this gateway only when server.cors."
                    + "allowed_origins lists them", null, null, null);
        }
        HttpServerResponse response = request.response();
        response.putHeader("access-control-allow-origin", origin)
                .putHeader("vary", "Origin");
        if (isPreflight(request)) {
            String asked = request.getHeader("access-control-request-headers");
            response.putHeader("access-control-allow-methods", ALLOWED_METHODS)
                    .putHeader("access-control-allow-headers", asked == null || asked.isBlank()
                            ? DEFAULT_ALLOWED_HEADERS : asked)
                    .putHeader("access-control-max-age", PREFLIGHT_MAX_AGE_S)
                    .setStatusCode(204)
                    .end();
            return false;
        }
        response.putHeader("access-control-expose-headers", EXPOSED_HEADERS);
        return true;
    }

    private static boolean isPreflight(HttpServerRequest request) {
        return request.method() == HttpMethod.OPTIONS && request.getHeader("access-control-request-method") != null;
    }

    /**
     * The Origin names the host the request was sent to (its Host or :authority, or X-Forwarded-Host behind a proxy:
     * a page cannot set that header on a request without a preflight). {@code Origin: null} (a sandboxed
     * frame, a file) is never the same origin.
     */
    static boolean sameOrigin(String origin, HttpServerRequest request) {
        int scheme = origin.indexOf("://");
        if (scheme < 0) {
            return false;
        }
        String authority = origin.substring(scheme + 3);
        HostAndPort asked = request.authority(); // Host, or HTTP/2's :authority
        String host = asked == null ? null : asked.port() >= 0 ? asked.host() + ":" + asked.port() : asked.host();
        return matches(authority, host) || matches(authority, request.getHeader("x-forwarded-host"));
    }

    private static boolean matches(String originAuthority, String host) {
        return host != null && !host.isBlank() && originAuthority.equalsIgnoreCase(host.strip());
    }

    /** The origin as it may appear in a message: visible ASCII, at most 200 characters. */
    private static String printable(String origin) {
        String cut = origin.length() > 200 ? origin.substring(0, 200) + "…" : origin;
        return "\"" + cut.replaceAll("[^\\x21-\\x7e]", "?") + "\"";
    }
}
