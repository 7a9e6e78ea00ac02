package dev.switchboard.gateway;

import dev.switchboard.protocol.StreamEncoder;

import java.util.Map;

/**
 * The client side of one request, as the gateway needs it: a whole JSON answer, or a stream of
 * SSE bytes flushed as written. The server implements it over its HTTP response; the gateway
 * never sees HTTP types. Called on the request's event loop only.
 */
public interface ClientSink {

    /** Sends a complete JSON response. */
    void respond(int status, Map<String, String> headers, byte[] json);

    /** Sends 200 and the event-stream headers, once; later calls do nothing. */
    void startStream(Map<String, String> headers);

    /** True once the response head has been written: no status change and no JSON error from then on. */
    boolean headSent();

    /**
     * How this client's API writes a stream: null for Chat Completions (the canonical chunks go out as
     * SSE bytes, on the gateway's fast path), else the API's encoder, which the gateway hands every
     * canonical chunk, the waiting keep-alive and the end; {@link #write} then gets the encoder's bytes.
     */
    default StreamEncoder encoder() {
        return null;
    }

    /** Writes and flushes SSE bytes. */
    void write(byte[] bytes);

    /** Writes the last SSE bytes and ends the response, in one write. */
    void end(byte[] last);

    /** True when the client reads slower than we write: pause the source until {@link #onDrain}. */
    boolean writeQueueFull();

    void onDrain(Runnable action);

    /** Runs {@code action} when the client disconnects before the response ended. */
    void onClose(Runnable action);

    boolean closed();

    /**
     * What the request came to, once it ended, before its last bytes are handed over (or after the
     * client left); for the access log. Does nothing unless the sink wants it.
     */
    default void finished(RequestSummary summary) {
    }
}
