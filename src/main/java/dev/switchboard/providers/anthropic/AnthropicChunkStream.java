package dev.switchboard.providers.anthropic;

import dev.switchboard.protocol.sse.SseParser;
import dev.switchboard.providers.OutputToolAnswer;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.SseChunkStream;
import io.vertx.core.http.HttpClientResponse;

/**
 * Reads an Anthropic SSE body and passes its events, as OpenAI chunks, to the gateway: bytes go
 * through {@link SseParser} into {@link StreamTranslator}; the chunks of one network read end
 * with {@code onBatchEnd}, and {@code message_stop} ends the stream without waiting for the
 * upstream to close. An {@code error} event or an unreadable event breaks the stream.
 */
final class AnthropicChunkStream extends SseChunkStream {
    /** Largest single SSE event accepted from an upstream. */
    static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private final StreamTranslator translator;

    AnthropicChunkStream(UpstreamCall call, HttpClientResponse response, long createdSeconds, boolean keepOriginal,
                         boolean answersThroughTool) {
        super(call, response, MAX_EVENT_BYTES);
        this.translator = new StreamTranslator(answersThroughTool ? OutputToolAnswer.chunks(this::chunk) : this::chunk,
                createdSeconds, keepOriginal);
    }

    @Override
    protected void event(String event, byte[] data) {
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
    protected boolean stopped() {
        return translator.stopped();
    }

    @Override
    protected void upstreamClosed() {
        translator.upstreamClosed();
    }
}
