package dev.switchboard.providers.openai;

import dev.switchboard.protocol.sse.SseFormat;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.SseChunkStream;
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
final class ResponsesChunkStream extends SseChunkStream {
    private final ResponsesStreamTranslator translator;

    ResponsesChunkStream(UpstreamCall call, HttpClientResponse response, long createdSeconds) {
        super(call, response, OpenAiAdapter.MAX_EVENT_BYTES);
        this.translator = new ResponsesStreamTranslator(this::chunk, createdSeconds);
    }

    @Override
    protected void event(String event, byte[] data) {
        if (SseFormat.isDone(data)) {
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
    protected boolean stopped() {
        return translator.stopped();
    }
}
