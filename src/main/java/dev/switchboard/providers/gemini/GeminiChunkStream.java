package dev.switchboard.providers.gemini;

import dev.switchboard.protocol.sse.SseException;
import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamChunkStream;
import io.vertx.core.http.HttpClientResponse;

/**
 * A Gemini {@code alt=sse} response as a {@link ChunkStream}: each network read goes through the
 * {@link GeminiStream} translator and its chunks are passed on as one batch. Gemini sends no end
 * marker, so the end of the HTTP response is the end of the answer. Lives on the response's event loop.
 */
final class GeminiChunkStream extends UpstreamChunkStream {
    private final GeminiStream translator;

    GeminiChunkStream(UpstreamCall call, HttpClientResponse response, long created, ToolCallIds ids) {
        super(call, response);
        this.translator = new GeminiStream(call.endpoint().upstreamModel(), created, ids, this::chunk);
    }

    @Override
    protected void onBytes(byte[] bytes) {
        if (translate(() -> translator.feed(bytes))) {
            batchEnd();
        }
    }

    @Override
    protected void onUpstreamEnd() {
        if (translate(translator::end)) {
            end(true);
        }
    }

    /** Runs one translator step; an unreadable or failed stream fails this attempt and stops the upstream. */
    private boolean translate(Runnable step) {
        try {
            step.run();
            return true;
        } catch (SseException e) {
            abort(new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), e));
        } catch (GeminiFormatException e) {
            abort(e.providerError()
                    ? new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), null)
                    : new UpstreamFailure.InvalidResponse(call.endpoint().id(), e.getMessage()));
        }
        return false;
    }
}
