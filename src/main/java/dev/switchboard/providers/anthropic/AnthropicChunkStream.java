package dev.switchboard.providers.anthropic;

import dev.switchboard.protocol.sse.SseException;
import dev.switchboard.protocol.sse.SseParser;
import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamHttp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * Reads an Anthropic SSE body and passes its events, as OpenAI chunks, to the gateway: bytes go
 * through {@link SseParser} into {@link StreamTranslator}; the chunks of one network read end
 * with {@code onBatchEnd}, and {@code message_stop} ends the stream without waiting for the
 * upstream to close. An {@code error} event or an unreadable event breaks the stream.
 */
final class AnthropicChunkStream implements ChunkStream, SseParser.Listener {
    /** Largest single SSE event accepted from an upstream. */
    static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private final UpstreamCall call;
    private final HttpClientResponse response;
    private final SseParser parser = new SseParser(this, MAX_EVENT_BYTES);
    private final StreamTranslator translator;
    private Listener listener;
    private boolean finished;

    AnthropicChunkStream(UpstreamCall call, HttpClientResponse response, long createdSeconds, boolean keepOriginal) {
        this.call = call;
        this.response = response;
        this.translator = new StreamTranslator(this::chunk, createdSeconds, keepOriginal);
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
        try {
            parser.feed(buffer.getBytes());
        } catch (SseException e) {
            abort(new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), e));
            return;
        }
        if (finished) {
            return;
        }
        if (translator.stopped()) {
            finished = true;
            listener.onEnd(true);
        } else {
            listener.onBatchEnd();
        }
    }

    @Override
    public void onEvent(String event, byte[] data) {
        if (finished || translator.stopped()) {
            return;
        }
        try {
            translator.onEvent(event, data);
        } catch (StreamTranslator.ErrorEvent e) {
            abort(new UpstreamFailure.StreamBroken(call.endpoint().id(), "provider sent an error event: " + e.getMessage(),
                    null));
        } catch (UnusableResponse e) {
            abort(new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), null));
        }
    }

    private void chunk(byte[] json) {
        if (!finished) {
            listener.onChunk(json);
        }
    }

    private void onUpstreamEnd() {
        if (finished) {
            return;
        }
        try {
            parser.end();
        } catch (SseException e) {
            fail(new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), e));
            return;
        }
        if (!finished) {
            translator.upstreamClosed();
            finished = true;
            listener.onEnd(translator.stopped());
        }
    }

    /** Fails and stops reading from the upstream. */
    private void abort(UpstreamFailure failure) {
        fail(failure);
        call.cancel().cancel();
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
