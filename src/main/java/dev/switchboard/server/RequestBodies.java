package dev.switchboard.server;

import dev.switchboard.gateway.GatewayError;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.buffer.BufferInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Reads a request's body up to a limit, for the API and the web UI alike. A body known to be too large
 * (from Content-Length, or once it grows past the limit) is read on and thrown away, up to a bound,
 * before {@code tooLarge} answers: most clients (Node's, the OpenAI SDKs) write the whole body before
 * they read, and a connection closed under a body they are still writing is a reset to them, not a 413.
 * A body beyond the bound is answered at once. An HTTP/1 connection closes after the answer (HTTP/2
 * ends just the stream).
 */
public final class RequestBodies {
    private static final Logger log = LoggerFactory.getLogger(RequestBodies.class);
    /** Past the limit, at least this much more is read and discarded before a 413 (or the limit, if larger). */
    static final long MIN_DISCARD_BYTES = 16L * 1024 * 1024;

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
            if (length < 0) {
                failed.accept(GatewayError.badRequest(null, "invalid Content-Length header"));
                return;
            }
        }
        long discardBound = limit + Math.max(limit, MIN_DISCARD_BYTES);
        if (length > discardBound) {
            reject(request, tooLarge);
            return;
        }
        request.exceptionHandler(t -> log.debug("client request failed: {}", t.toString()));
        if (length > limit) {
            discard(request, discardBound, tooLarge);
            return;
        }
        Buffer body = Buffer.buffer(length < 0 ? 1024 : (int) length);
        long[] seen = {0};
        request.handler(chunk -> {
            seen[0] += chunk.length();
            if (seen[0] > discardBound) {
                request.handler(null);
                request.endHandler(null);
                reject(request, tooLarge);
            } else if (seen[0] > limit) {
                // the handlers holding the body are replaced, so what was read so far is garbage now
                discard(request, discardBound - seen[0], tooLarge);
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(v -> {
            try {
                then.accept(bytes(body));
            } catch (RuntimeException e) {
                failed.accept(e);
            }
        });
    }

    /**
     * The body's bytes; when it was read into an array of exactly its size (a declared length),
     * that array itself: a second copy of a 32 MiB body held the event loop for over 100 ms.
     */
    private static byte[] bytes(Buffer body) {
        ByteBuf buf = ((BufferInternal) body).unwrap();
        if (buf.hasArray() && buf.arrayOffset() == 0 && buf.readerIndex() == 0
                && buf.array().length == buf.readableBytes()) {
            return buf.array();
        }
        return body.getBytes();
    }

    /** Reads the rest of the body without keeping it; answers at its end, or at once past {@code bound}. */
    private static void discard(HttpServerRequest request, long bound, Consumer<HttpServerRequest> tooLarge) {
        long[] discarded = {0};
        request.handler(chunk -> {
            discarded[0] += chunk.length();
            if (discarded[0] > bound) {
                request.handler(null);
                request.endHandler(null);
                reject(request, tooLarge);
            }
        });
        request.endHandler(v -> reject(request, tooLarge));
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
