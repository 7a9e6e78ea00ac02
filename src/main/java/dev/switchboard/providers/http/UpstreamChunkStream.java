package dev.switchboard.providers.http;

import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;

import java.util.Objects;

/**
 * What every streaming adapter shares: reading an upstream's HTTP response on its event loop,
 * back-pressure, cancellation, and ending exactly once (with an end or a failure). Subclasses
 * turn the bytes of each network read into OpenAI chunks.
 *
 * <p>An upstream that sends faster than the gateway relays never holds the event loop: after each
 * {@value #SLICE_BYTES} bytes the response is paused and resumed from a new event-loop task, so the
 * other connections on the loop are served in between (Netty would otherwise hand over up to 16
 * reads of one connection in a row; issue 12, item 16). What arrives meanwhile waits in Vert.x's
 * bounded inbound queue, which stops reading from the socket when full.
 */
public abstract class UpstreamChunkStream implements ChunkStream {
    /** Bytes relayed between two yields of the event loop: a few milliseconds of work. */
    static final int SLICE_BYTES = 64 * 1024;

    protected final UpstreamCall call;
    private final HttpClientResponse response;
    private Listener listener;
    private boolean finished;
    private Context context;
    private int sliceBytes;
    /** Paused until the event loop's next task: the slice is used up. */
    private boolean yielding;
    /** Paused by the listener (a slow client); only its {@link #resume} reads on. */
    private boolean paused;

    protected UpstreamChunkStream(UpstreamCall call, HttpClientResponse response) {
        this.call = call;
        this.response = response;
    }

    @Override
    public final void start(Listener listener) {
        this.listener = listener;
        this.context = Objects.requireNonNull(Vertx.currentContext(), "a stream starts on its event loop");
        response.handler(buffer -> {
            if (!finished) {
                onBytes(buffer.getBytes());
                sliceBytes += buffer.length();
                if (sliceBytes >= SLICE_BYTES && !finished) {
                    yieldEventLoop();
                }
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

    /** Lets the loop's other work run before the next slice; the resume is a task queued behind it. */
    private void yieldEventLoop() {
        sliceBytes = 0;
        yielding = true;
        response.pause();
        context.runOnContext(v -> {
            yielding = false;
            if (!paused && !finished) {
                response.resume();
            }
        });
    }

    @Override
    public final void pause() {
        paused = true;
        response.pause();
    }

    @Override
    public final void resume() {
        paused = false;
        if (!yielding) {
            response.resume();
        }
    }

    @Override
    public final void cancel() {
        finished = true;
        call.cancel().cancel();
    }
}
