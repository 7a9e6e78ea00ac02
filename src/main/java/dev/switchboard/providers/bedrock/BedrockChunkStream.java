package dev.switchboard.providers.bedrock;

import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamHttp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * A ConverseStream response as a {@link ChunkStream}: each network read goes through the
 * {@link ConverseStream} translator and its chunks are passed on as one batch. The end of the
 * HTTP response ends the answer; it is complete when messageStop came. Lives on the response's
 * event loop.
 */
final class BedrockChunkStream implements ChunkStream {
    private final UpstreamCall call;
    private final HttpClientResponse response;
    private final ConverseStream translator;
    private Listener listener;
    private boolean finished;

    BedrockChunkStream(UpstreamCall call, HttpClientResponse response, long created) {
        this.call = call;
        this.response = response;
        this.translator = new ConverseStream(call.endpoint().upstreamModel(), created, this::onChunk);
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
            listener.onEnd(translator.stopped());
        }
    }

    /** Runs one translator step; an unreadable or failed stream fails this attempt and stops the upstream. */
    private boolean translate(Runnable step) {
        try {
            step.run();
            return true;
        } catch (BedrockFormatException e) {
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
