package dev.switchboard.providers.bedrock;

import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.OutputToolAnswer;
import dev.switchboard.providers.StructuredOutput;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamChunkStream;
import io.vertx.core.http.HttpClientResponse;

/**
 * A ConverseStream response as a {@link ChunkStream}: each network read goes through the
 * {@link ConverseStream} translator and its chunks are passed on as one batch. The end of the
 * HTTP response ends the answer; it is complete when messageStop came. Lives on the response's
 * event loop.
 */
final class BedrockChunkStream extends UpstreamChunkStream {
    private final ConverseStream translator;

    BedrockChunkStream(UpstreamCall call, HttpClientResponse response, long created) {
        super(call, response);
        // a response_format is answered through the output tool (OutputTool), turned back into content here
        this.translator = new ConverseStream(call.endpoint().upstreamModel(), created,
                StructuredOutput.requested(call.request()) ? OutputToolAnswer.chunks(this::chunk)::accept : this::chunk);
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
            end(translator.stopped());
        }
    }

    /** Runs one translator step; an unreadable or failed stream fails this attempt and stops the upstream. */
    private boolean translate(Runnable step) {
        try {
            step.run();
            return true;
        } catch (BedrockFormatException e) {
            abort(e.providerError()
                    ? new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), null)
                    : new UpstreamFailure.InvalidResponse(call.endpoint().id(), e.getMessage()));
        }
        return false;
    }
}
