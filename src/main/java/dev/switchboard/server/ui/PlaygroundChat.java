package dev.switchboard.server.ui;

import dev.switchboard.accounting.Caller;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.server.Failures;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /playground/chat}: the playground's chat for the session's caller (the browser holds
 * no key), guarded by the session's CSRF token in a header and a JSON body (which a cross-site form
 * cannot send). Answered by the same gateway path as {@code POST /v1/chat/completions}, so it is
 * routed, metered and billed exactly like an API call; the admin's session bills the inference key
 * picked on the page ({@link PlaygroundBilling}).
 */
final class PlaygroundChat {
    private static final Logger log = LoggerFactory.getLogger(PlaygroundChat.class);

    private final Pages pages;
    private final long maxBodyBytes;

    PlaygroundChat(Pages pages, long maxBodyBytes) {
        this.pages = pages;
        this.maxBodyBytes = maxBodyBytes;
    }

    void serve(HttpServerRequest request, UiRoutes.ChatHandler chat) {
        Sessions.Session session = pages.currentSession(request);
        if (session == null || !session.csrfMatches(request.getHeader(Pages.CSRF_HEADER))) {
            Responses.jsonError(request, new GatewayError(403, "permission_error",
                    "missing or wrong CSRF token: reload the playground page", null, null, null));
            return;
        }
        String contentType = request.getHeader("content-type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            Responses.jsonError(request, GatewayError.unsupportedMediaType(contentType));
            return;
        }
        CompletableFuture<Caller> caller = PlaygroundBilling.caller(pages.accounts(), session,
                request.getParam(PlaygroundBilling.KEY_PARAM));
        pages.readBody(request, maxBodyBytes, true, body ->
                Future.fromCompletionStage(caller, pages.vertx().getOrCreateContext()).onComplete(result -> {
                    try {
                        if (result.failed()) {
                            Responses.jsonError(request, Failures.toGatewayError(result.cause()));
                        } else {
                            chat.serve(request, body, result.result());
                        }
                    } catch (GatewayError e) {
                        Responses.jsonError(request, e);
                    } catch (RuntimeException e) {
                        log.error("unexpected error on the playground", e);
                        Responses.jsonError(request, GatewayError.internal("internal error; the server log has details"));
                    }
                }));
    }
}
