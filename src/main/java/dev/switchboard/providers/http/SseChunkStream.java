package dev.switchboard.providers.http;

import dev.switchboard.protocol.sse.SseException;
import dev.switchboard.protocol.sse.SseParser;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import io.vertx.core.http.HttpClientResponse;

/**
 * An upstream stream of server-sent events that a translator turns into canonical chunks: the bytes
 * of each network read are parsed into events, handed to {@link #event}, and the chunks they produced
 * leave as one batch; the stream ends when the translator saw the upstream's last event, or the
 * upstream closed the connection.
 */
public abstract class SseChunkStream extends UpstreamChunkStream implements SseParser.Listener {
    private final SseParser parser;

    protected SseChunkStream(UpstreamCall call, HttpClientResponse response, int maxEventBytes) {
        super(call, response);
        this.parser = new SseParser(this, maxEventBytes);
    }

    /** One event of the upstream's; a failure it reports is handed to {@link #abort}. */
    protected abstract void event(String event, byte[] data);

    /** True once the upstream's final event arrived: the answer is complete. */
    protected abstract boolean stopped();

    /** The upstream closed the connection before the stream ended by itself. */
    protected void upstreamClosed() {
    }

    @Override
    protected final void onBytes(byte[] bytes) {
        try {
            parser.feed(bytes);
        } catch (SseException e) {
            abort(new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), e));
            return;
        }
        if (stopped()) {
            end(true);
        } else {
            batchEnd();
        }
    }

    @Override
    public final void onEvent(String event, byte[] data) {
        if (!finished() && !stopped()) {
            event(event, data);
        }
    }

    @Override
    protected final void onUpstreamEnd() {
        try {
            parser.end();
        } catch (SseException e) {
            fail(new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), e));
            return;
        }
        if (!finished()) {
            upstreamClosed();
            // without its final event the answer is incomplete: the gateway finds no finish reason and says so
            end(stopped());
        }
    }
}
