package dev.switchboard.protocol;

/**
 * How a client's API writes the gateway's canonical stream: each canonical chunk (the JSON of a
 * {@code chat.completion.chunk}, already carrying Switchboard's id, model and provider) becomes that
 * API's events. Chat Completions clients need none: their chunks go out as SSE bytes on the gateway's
 * fast path. One instance per stream; not thread-safe.
 */
public interface StreamEncoder {

    /** One canonical chunk; an error chunk ({@code {"error": …}}) ends the stream as the API reports errors. */
    void chunk(byte[] json, ByteSink out);

    /** The gateway is still waiting for the first token: whatever keeps this API's connection alive. */
    void waiting(ByteSink out);

    /** The canonical stream ended: the API's closing events, if not written yet. */
    void done(ByteSink out);
}
