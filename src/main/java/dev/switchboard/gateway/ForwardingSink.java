package dev.switchboard.gateway;


import java.util.Map;

/**
 * A client sink that hands everything to another: the base of the sinks that change an answer on its
 * way out (re-encoded for another API, healed, annotated).
 */
public abstract class ForwardingSink implements ClientSink {
    protected final ClientSink client;

    protected ForwardingSink(ClientSink client) {
        this.client = client;
    }

    @Override
    public void respond(int status, Map<String, String> headers, byte[] json) {
        client.respond(status, headers, json);
    }

    @Override
    public void startStream(Map<String, String> headers) {
        client.startStream(headers);
    }

    @Override
    public boolean headSent() {
        return client.headSent();
    }

    @Override
    public void write(byte[] bytes) {
        client.write(bytes);
    }

    @Override
    public void end(byte[] last) {
        client.end(last);
    }

    @Override
    public boolean writeQueueFull() {
        return client.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable action) {
        client.onDrain(action);
    }

    @Override
    public void onClose(Runnable action) {
        client.onClose(action);
    }

    @Override
    public boolean closed() {
        return client.closed();
    }

    @Override
    public void finished(RequestSummary summary) {
        client.finished(summary);
    }
}
