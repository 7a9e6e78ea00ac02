package dev.switchboard.providers.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.UpstreamCall;
import io.vertx.core.Vertx;

import java.time.Clock;

/** Streams an {@link DemoAdapter.Echo} as OpenAI chunks, one token per chunk, paced on the event loop. */
final class EchoStream implements ChunkStream {
    private final Vertx vertx;
    private final UpstreamCall call;
    private final DemoAdapter.Echo echo;
    private final String id;
    private final long created;
    private final long delayMs;
    private Listener listener;
    private int next = -1; // -1: role chunk; 0..n-1: tokens; n: finish; n+1: usage
    private boolean paused;
    private boolean stopped;
    private long timer = -1;

    EchoStream(Vertx vertx, UpstreamCall call, DemoAdapter.Echo echo, Clock clock, double tokensPerSecond) {
        this.vertx = vertx;
        this.call = call;
        this.echo = echo;
        this.id = "chatcmpl-echo-" + Long.toHexString(clock.millis());
        this.created = clock.millis() / 1000;
        this.delayMs = tokensPerSecond <= 0 ? 0 : Math.max(1, Math.round(1000 / tokensPerSecond));
        call.cancel().onCancel(this::stop);
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        emitNext();
    }

    private void emitNext() {
        while (!stopped && !paused) {
            int n = echo.pieces().size();
            if (next > n + 1) {
                stopped = true;
                listener.onEnd(true);
                return;
            }
            int index = next++;
            if (index == -1) {
                listener.onChunk(chunk(delta().put("role", "assistant").put("content", ""), null));
            } else if (index < n) {
                String piece = echo.pieces().get(index);
                if (piece.isEmpty()) {
                    continue; // part of a character continued in the next token
                }
                listener.onChunk(chunk(delta().put("content", piece), null));
                if (delayMs > 0) {
                    listener.onBatchEnd();
                    timer = vertx.setTimer(delayMs, t -> {
                        timer = -1;
                        emitNext();
                    });
                    return;
                }
            } else if (index == n) {
                listener.onChunk(chunk(delta(), echo.finishReason()));
            } else {
                ObjectNode usage = Json.object();
                usage.put("id", id).put("object", "chat.completion.chunk").put("created", created)
                        .put("model", call.endpoint().upstreamModel());
                usage.putArray("choices");
                usage.set("usage", DemoAdapter.usage(echo));
                listener.onChunk(Json.bytes(usage));
            }
        }
    }

    private static ObjectNode delta() {
        return Json.object();
    }

    private byte[] chunk(ObjectNode delta, String finishReason) {
        ObjectNode choice = Json.object().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        ObjectNode chunk = Json.object().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                .put("model", call.endpoint().upstreamModel());
        chunk.putArray("choices").add(choice);
        chunk.putNull("usage");
        return Json.bytes(chunk);
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        if (paused) {
            paused = false;
            if (timer < 0) {
                emitNext();
            }
        }
    }

    @Override
    public void cancel() {
        call.cancel().cancel();
    }

    private void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
