package dev.switchboard.providers.gemini;

import dev.switchboard.protocol.sse.SseException;
import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamHttp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * A Gemini {@code alt=sse} response as a {@link ChunkStream}: each network read goes through the
 * {@link GeminiStream} translator and its chunks are passed on as one batch. Gemini sends no end
 * marker, so the end of the HTTP response is the end of the answer. Lives on the response's event loop.
 */
final class GeminiChunkStream implements ChunkStream {
    private final UpstreamCall call;
    private final HttpClientResponse response;
    private final GeminiStream translator;
    private Listener listener;
    private boolean finished;

    GeminiChunkStream(UpstreamCall call, HttpClientResponse response, long created, ToolCallIds ids) {
        this.call = call;
        this.response = response;
        this.translator = new GeminiStream(call.endpoint().upstreamModel(), created, ids, this::onChunk);
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        response.handler(this::onBytes);
        response.exceptionHandler(t -> fail(UpstreamHttp.failure(call.endpoint().id(), t, "streaming")));
        response.endHandler(v -> onUpstreamEnd());
        response.resume();
    }

    private void onBytes(Buffer buffer) {
        if (finished) {
            return;
        }
        if (translate(() -> translator.feed(buffer.getBytes())) && !finished) {
            listener.onBatchEnd();
        }
    }

    private void onChunk(byte[] json) {
        if (!finished) {
            listener.onChunk(json);
        }
    }

    private void onUpstreamEnd() {
        if (finished) {
            return;
        }
        if (translate(translator::end) && !finished) {
            finished = true;
            listener.onEnd(true);
        }
    }

    /** Runs one translator step; an unreadable or failed stream fails this attempt and stops the upstream. */
    private boolean translate(Runnable step) {
        try {
            step.run();
            return true;
        } catch (SseException e) {
            fail(new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), e));
        } catch (GeminiFormatException e) {
            fail(e.providerError()
                    ? new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), null)
                    : new UpstreamFailure.InvalidResponse(call.endpoint().id(), e.getMessage()));
        }
        call.cancel().cancel();
        return false;
    }

    private void fail(UpstreamFailure failure) {
        if (!finished) {
            finished = true;
            listener.onFailure(failure);
        }
    }

    @Override
    public void pause() {
        response.pause();
    }

    @Override
    public void resume() {
        response.resume();
    }

    @Override
    public void cancel() {
        finished = true;
        call.cancel().cancel();
    }
}
