package dev.switchboard.providers.http;

import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import io.vertx.core.http.HttpClientResponse;

/**
 * What every streaming adapter shares: reading an upstream's HTTP response on its event loop,
 * back-pressure, cancellation, and ending exactly once (with an end or a failure). Subclasses
 * turn the bytes of each network read into OpenAI chunks.
 */
public abstract class UpstreamChunkStream implements ChunkStream {
    protected final UpstreamCall call;
    private final HttpClientResponse response;
    private Listener listener;
    private boolean finished;

    protected UpstreamChunkStream(UpstreamCall call, HttpClientResponse response) {
        this.call = call;
        this.response = response;
    }

    @Override
    public final void start(Listener listener) {
        this.listener = listener;
        response.handler(buffer -> {
            if (!finished) {
                onBytes(buffer.getBytes());
            }
        });
        response.exceptionHandler(t -> fail(UpstreamHttp.failure(call, t, "streaming")));
        response.endHandler(v -> {
            if (!finished) {
                onUpstreamEnd();
            }
        });
        response.resume();
    }

    /** The bytes of one network read; call {@link #batchEnd} (or {@link #end}) when they are passed on. */
    protected abstract void onBytes(byte[] bytes);

    /** The upstream closed its response; call {@link #end} or {@link #fail}. */
    protected abstract void onUpstreamEnd();

    protected final boolean finished() {
        return finished;
    }

    protected final void chunk(byte[] json) {
        if (!finished) {
            listener.onChunk(json);
        }
    }

    protected final void batchEnd() {
        if (!finished) {
            listener.onBatchEnd();
        }
    }

    protected final void end(boolean sawEnd) {
        if (!finished) {
            finished = true;
            listener.onEnd(sawEnd);
        }
    }

    protected final void fail(UpstreamFailure failure) {
        if (!finished) {
            finished = true;
            listener.onFailure(failure);
        }
    }

    /** Fails and stops reading from the upstream. */
    protected final void abort(UpstreamFailure failure) {
        fail(failure);
        call.cancel().cancel();
    }

    @Override
    public final void pause() {
        response.pause();
    }

    @Override
    public final void resume() {
        response.resume();
    }

    @Override
    public final void cancel() {
        finished = true;
        call.cancel().cancel();
    }
}
