package dev.switchboard.server;

import dev.switchboard.gateway.GatewayError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Reads a request's body up to a limit, for the API and the web UI alike. A body known to be too
 * large (from Content-Length, or once it grows past the limit) is not read further: {@code tooLarge}
 * answers, and an HTTP/1 connection is closed after the answer (HTTP/2 ends just the stream).
 */
public final class RequestBodies {
    private static final Logger log = LoggerFactory.getLogger(RequestBodies.class);

    private RequestBodies() {
    }

    /**
     * Calls {@code then} with the whole body; an exception it throws, or a malformed
     * Content-Length, goes to {@code failed}.
     */
    public static void read(HttpServerRequest request, long limit, Consumer<HttpServerRequest> tooLarge,
                            Consumer<byte[]> then, Consumer<RuntimeException> failed) {
        String declared = request.getHeader("content-length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                failed.accept(GatewayError.badRequest(null, "invalid Content-Length header"));
                return;
            }
            if (length > limit) {
                reject(request, tooLarge);
                return;
            }
        }
        Buffer body = Buffer.buffer(length < 0 ? 1024 : (int) length);
        boolean[] rejected = {false};
        request.handler(chunk -> {
            if (rejected[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                rejected[0] = true;
                reject(request, tooLarge);
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
                failed.accept(e);
            }
        });
    }

    private static void reject(HttpServerRequest request, Consumer<HttpServerRequest> tooLarge) {
        if (request.response().ended()) {
            return;
        }
        // HTTP/1: close rather than read the rest; HTTP/2 ends just this stream (and forbids the header)
        if (request.version() != HttpVersion.HTTP_2) {
            request.response().putHeader("connection", "close").bodyEndHandler(v -> request.connection().close());
        }
        tooLarge.accept(request);
    }
}
