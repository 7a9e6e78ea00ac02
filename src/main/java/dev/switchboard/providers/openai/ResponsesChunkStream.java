package dev.switchboard.providers.openai;

import dev.switchboard.protocol.sse.SseException;
import dev.switchboard.protocol.sse.SseFormat;
import dev.switchboard.protocol.sse.SseParser;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamChunkStream;
import io.vertx.core.http.HttpClientResponse;

/**
 * Reads a Responses API SSE body ({@code event:} + {@code data:} lines, no {@code [DONE]}) and
 * passes its events, as chunks, to the gateway: bytes go through {@link SseParser} into
 * {@link ResponsesStreamTranslator}; the chunks of one network read end with {@code onBatchEnd};
 * {@code response.completed} / {@code response.incomplete} end the stream without waiting for the
 * upstream to close. An {@code error} or {@code response.failed} event, or an unreadable event,
 * breaks the stream ({@link UpstreamFailure.StreamBroken}: the gateway falls back while nothing was
 * sent to the client, and ends the client's stream with an error chunk after).
 */
final class ResponsesChunkStream extends UpstreamChunkStream implements SseParser.Listener {
    private final SseParser parser = new SseParser(this, OpenAiAdapter.MAX_EVENT_BYTES);
    private final ResponsesStreamTranslator translator;

    ResponsesChunkStream(UpstreamCall call, HttpClientResponse response, long createdSeconds) {
        super(call, response);
        this.translator = new ResponsesStreamTranslator(this::chunk, createdSeconds);
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
        if (finished() || translator.stopped() || SseFormat.isDone(data)) {
            return; // [DONE] is not part of the Responses API; a compatible server that adds it says nothing new
        }
        try {
            translator.onEvent(event, data);
        } catch (FailedResponse e) {
            abort(e.toStreamFailure(call.endpoint().id()));
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
        // without response.completed the answer is incomplete: the gateway finds no finish reason and says so
        end(translator.stopped());
    }
}
