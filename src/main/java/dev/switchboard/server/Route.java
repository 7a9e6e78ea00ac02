package dev.switchboard.server;

import dev.switchboard.accounting.Caller;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One line of the API's route table: the method and path template ({@code /v1/models/{author}/{slug}};
 * {@code /api/v1/...} is the same route), who may call it, the shape its errors take, whether its body
 * is read first, and what serves it.
 */
record Route(HttpMethod method, String template, Access access, ErrorDialect dialect, boolean readsBody,
             Handler handler) {

    /** Who may call a route. */
    enum Access {
        /** Anyone (health, catalog, metrics). */
        OPEN,
        /** An inference key (or anyone when {@code auth.require_keys} is false); the admin key is refused. */
        INFERENCE,
        /** An inference key or the admin key (reads about keys and usage). */
        READER,
        /** The admin key only. */
        ADMIN
    }

    /** The error body a route's clients understand. */
    enum ErrorDialect {
        /** {@code {"error": {code, message, type, metadata}}}, OpenAI's shape (also the Responses API's). */
        OPENAI,
        /** Anthropic's {@code {"type": "error", "error": {type, message}}} with Anthropic's statuses. */
        ANTHROPIC
    }

    /** Serves one call of a route; runs on the request's event loop and may throw a {@code GatewayError}. */
    @FunctionalInterface
    interface Handler {
        void handle(Call call);
    }

    /**
     * One call of a route: the request, its exchange, the authenticated caller (null on open and admin
     * routes), the values of the template's {@code {…}} segments in order, and the body (empty unless
     * the route reads it).
     */
    record Call(HttpServerRequest request, Exchange exchange, Caller caller, List<String> params, byte[] body) {
        String param(int index) {
            return params.get(index);
        }
    }

    Route {
        requireNonNull(method, "method");
        requireNonNull(template, "template");
        requireNonNull(access, "access");
        requireNonNull(dialect, "dialect");
        requireNonNull(handler, "handler");
    }

    static Route get(String template, Access access, Handler handler) {
        return new Route(HttpMethod.GET, template, access, ErrorDialect.OPENAI, false, handler);
    }

    static Route post(String template, Access access, Handler handler) {
        return new Route(HttpMethod.POST, template, access, ErrorDialect.OPENAI, true, handler);
    }

    static Route delete(String template, Access access, Handler handler) {
        return new Route(HttpMethod.DELETE, template, access, ErrorDialect.OPENAI, false, handler);
    }

    static Route put(String template, Access access, Handler handler) {
        return new Route(HttpMethod.PUT, template, access, ErrorDialect.OPENAI, true, handler);
    }

    static Route patch(String template, Access access, Handler handler) {
        return new Route(HttpMethod.PATCH, template, access, ErrorDialect.OPENAI, true, handler);
    }

    /** The same route answering errors in {@code dialect}. */
    Route answering(ErrorDialect dialect) {
        return new Route(method, template, access, dialect, readsBody, handler);
    }
}
