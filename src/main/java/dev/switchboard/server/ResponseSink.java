package dev.switchboard.server;

import dev.switchboard.gateway.ClientSink;
import dev.switchboard.gateway.RequestSummary;
import dev.switchboard.providers.http.VertxBuffers;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link ClientSink} over a Vert.x response; writes after the client left are dropped. */
final class ResponseSink implements ClientSink {
    private final HttpServerResponse response;
    private final Exchange exchange;
    private final List<Runnable> closeActions = new ArrayList<>(1);
    private boolean ended;
    private boolean clientGone;
    private boolean streaming;

    ResponseSink(HttpServerResponse response, Exchange exchange) {
        this.response = response;
        this.exchange = exchange;
        exchange.onClose(() -> {
            if (!ended) {
                clientGone = true;
                closeActions.forEach(Runnable::run);
            }
        });
    }

    @Override
    public void respond(int status, Map<String, String> headers, byte[] json) {
        if (closed()) {
            return;
        }
        ended = true;
        response.setStatusCode(status);
        headers.forEach(response::putHeader);
        response.putHeader("content-type", "application/json");
        response.end(VertxBuffers.wrap(json));
    }

    @Override
    public void startStream(Map<String, String> headers) {
        if (streaming || response.headWritten() || closed()) {
            return;
        }
        // the head goes out with the first write, in the same packet
        streaming = true;
        response.setStatusCode(200);
        headers.forEach(response::putHeader);
        response.putHeader("content-type", "text/event-stream");
        response.putHeader("cache-control", "no-cache");
        response.putHeader("x-accel-buffering", "no");
        response.setChunked(true);
    }

    @Override
    public boolean headSent() {
        return streaming || response.headWritten();
    }

    @Override
    public void write(byte[] bytes) {
        if (!closed()) {
            response.write(VertxBuffers.wrap(bytes));
        }
    }

    @Override
    public void end(byte[] last) {
        if (!closed()) {
            ended = true;
            response.end(VertxBuffers.wrap(last));
        }
    }

    @Override
    public boolean writeQueueFull() {
        return !closed() && response.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable action) {
        response.drainHandler(v -> action.run());
    }

    @Override
    public void onClose(Runnable action) {
        closeActions.add(action);
    }

    @Override
    public void finished(RequestSummary summary) {
        exchange.summary(summary);
    }

    @Override
    public boolean closed() {
        return ended || clientGone || response.closed();
    }
}
