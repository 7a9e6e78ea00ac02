package dev.switchboard.providers.http;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * Reads a provider's body that is not streamed, within a bound: a provider (or whatever answers in
 * its place) must not make the gateway hold 100 MB per request, nor allocate for a
 * {@code Content-Length} it declares. Past the bound the connection is dropped: what was read is
 * thrown away and the rest is never read.
 */
public final class BoundedBody {
    /** Largest answer read whole (chat completions, embeddings); streams are not bounded by this. */
    public static final long MAX_ANSWER_BYTES = 64L * 1024 * 1024;
    /** Largest part of an error answer read: enough for any API error, not for a runaway HTML page. */
    public static final int MAX_ERROR_BYTES = 64 * 1024;
    /** Most bytes reserved ahead for a declared length; the buffer grows past it as bytes arrive. */
    private static final int MAX_PREALLOCATION = 64 * 1024;

    private BoundedBody() {
    }

    /** The whole answer; an {@link UpstreamFailure.InvalidResponse} when it is larger than {@link #MAX_ANSWER_BYTES}. */
    public static Future<Buffer> answer(UpstreamCall call, HttpClientResponse response) {
        return answer(call, response, MAX_ANSWER_BYTES);
    }

    /**
     * The whole body, or an {@link UpstreamFailure.InvalidResponse} as soon as it declares or sends
     * more than {@code maxBytes} (a declared length is refused before any byte is read).
     */
    public static Future<Buffer> answer(UpstreamCall call, HttpClientResponse response, long maxBytes) {
        EndpointId endpoint = call.endpoint().id();
        if (declaredLength(response) > maxBytes) {
            response.request().reset();
            return Future.failedFuture(tooLarge(endpoint, maxBytes, "declared an answer"));
        }
        return read(response, maxBytes, false)
                .recover(t -> Future.failedFuture(t instanceof BodyTooLarge
                        ? tooLarge(endpoint, maxBytes, "sent an answer")
                        : UpstreamHttp.failure(call, t, "reading the response")));
    }

    /**
     * At most {@code maxBytes} of an error body (the rest is dropped with the connection); an empty
     * body when reading fails, as the status alone says what failed.
     */
    static Future<Buffer> errorPrefix(HttpClientResponse response, int maxBytes) {
        return read(response, maxBytes, true).recover(t -> Future.succeededFuture(Buffer.buffer()));
    }

    /** Reads until the end, or until {@code maxBytes}: then the connection is dropped and it fails, or keeps the prefix. */
    private static Future<Buffer> read(HttpClientResponse response, long maxBytes, boolean keepPrefix) {
        long declared = declaredLength(response);
        Buffer body = Buffer.buffer((int) Math.min(MAX_PREALLOCATION, Math.max(declared, 1_024)));
        Promise<Buffer> done = Promise.promise();
        response.handler(chunk -> {
            if (done.future().isComplete()) {
                return;
            }
            long room = maxBytes - body.length();
            if (chunk.length() <= room) {
                body.appendBuffer(chunk);
                return;
            }
            if (keepPrefix) {
                body.appendBuffer(chunk, 0, (int) room);
                done.tryComplete(body);
            } else {
                done.tryFail(new BodyTooLarge());
            }
            response.request().reset();
        });
        response.exceptionHandler(done::tryFail);
        response.endHandler(v -> done.tryComplete(body));
        return done.future();
    }

    /** The {@code Content-Length} the response declares; -1 when none (or not a number). */
    private static long declaredLength(HttpClientResponse response) {
        String value = response.getHeader("content-length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static UpstreamFailure tooLarge(EndpointId endpoint, long maxBytes, String what) {
        return new UpstreamFailure.InvalidResponse(endpoint, "provider " + endpoint.provider() + " " + what
                + " larger than " + maxBytes / 1024 + " KiB, the limit for an answer that is not streamed");
    }

    /** Stops reading; never leaves this class. */
    private static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge() {
            super(null, null, false, false);
        }
    }
}
