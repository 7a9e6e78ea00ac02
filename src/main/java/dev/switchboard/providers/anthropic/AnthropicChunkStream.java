package dev.switchboard.providers.anthropic;

import dev.switchboard.protocol.sse.SseException;
import dev.switchboard.protocol.sse.SseParser;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamChunkStream;
import io.vertx.core.http.HttpClientResponse;

/**
 * Reads an Anthropic SSE body and passes its events, as OpenAI chunks, to the gateway: bytes go
 * through {@link SseParser} into {@link StreamTranslator}; the chunks of one network read end
 * with {@code onBatchEnd}, and {@code message_stop} ends the stream without waiting for the
 * upstream to close. An {@code error} event or an unreadable event breaks the stream.
 */
final class AnthropicChunkStream extends UpstreamChunkStream implements SseParser.Listener {
    /** Largest single SSE event accepted from an upstream. */
    static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private final SseParser parser = new SseParser(this, MAX_EVENT_BYTES);
    private final StreamTranslator translator;

    AnthropicChunkStream(UpstreamCall call, HttpClientResponse response, long createdSeconds, boolean keepOriginal) {
        super(call, response);
        this.translator = new StreamTranslator(this::chunk, createdSeconds, keepOriginal);
    }

    @Override
    protected void onBytes(byte[] bytes) {
        try {
            parser.feed(bytes);
        } catch (SseException e) {
            abort(new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), e));
            return;
        }
        if (translator.stopped()) {
            end(true);
        } else {
            batchEnd();
        }
    }

    @Override
    public void onEvent(String event, byte[] data) {
        if (finished() || translator.stopped()) {
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

    @Override
    protected void onUpstreamEnd() {
        try {
            parser.end();
        } catch (SseException e) {
            fail(new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), e));
            return;
        }
        if (!finished()) {
            translator.upstreamClosed();
            end(translator.stopped());
        }
    }
}
