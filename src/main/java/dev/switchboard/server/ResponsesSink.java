package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.ClientSink;
import dev.switchboard.gateway.RequestSummary;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.responses.ResponseEvents;
import dev.switchboard.protocol.responses.ResponseMeta;
import dev.switchboard.protocol.responses.ResponseRenderer;
import dev.switchboard.protocol.sse.SseFormat;
import dev.switchboard.protocol.sse.SseParser;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The client side of a Responses API request: the gateway answers in the canonical (Chat
 * Completions) form and this sink renders it as a Response object, or as the Responses event stream;
 * errors keep OpenAI's shape, which the Responses API shares. The finished Response goes to
 * {@code onResponse} (to be stored).
 */
final class ResponsesSink implements ClientSink {
    /** One event of our own output is at most a chunk the gateway already accepted. */
    private static final int MAX_EVENT_BYTES = 64 * 1024 * 1024;

    private final ClientSink client;
    private final ResponseMeta meta;
    private final Consumer<ObjectNode> onResponse;
    private final ResponseEvents stream;
    private final ByteSink out = new ByteSink(1024);
    private final SseParser parser;

    ResponsesSink(ClientSink client, ResponseMeta meta, Consumer<ObjectNode> onResponse) {
        this.client = client;
        this.meta = meta;
        this.onResponse = onResponse;
        this.stream = new ResponseEvents(meta);
        this.parser = new SseParser(new SseParser.Listener() {
            @Override
            public void onEvent(String event, byte[] data) {
                if (!SseFormat.isDone(data)) {
                    stream.chunk(data, out);
                }
            }

            @Override
            public void onComment(byte[] line, int from, int to) {
                stream.comment(out);
            }
        }, MAX_EVENT_BYTES);
    }

    @Override
    public void respond(int status, Map<String, String> headers, byte[] json) {
        if (status != 200) {
            client.respond(status, headers, json);
            return;
        }
        byte[] response = ResponseRenderer.fromCompletion(json, meta);
        client.respond(200, headers, response);
        onResponse.accept((ObjectNode) Json.parse(response));
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
        parser.feed(bytes);
        flush();
    }

    @Override
    public void end(byte[] last) {
        parser.feed(last);
        parser.end();
        stream.done(out); // a stream always ends with response.completed, .incomplete or .failed
        client.end(out.toByteArray());
        out.reset();
        onResponse.accept(stream.response());
    }

    private void flush() {
        if (!out.isEmpty()) {
            client.write(out.toByteArray());
            out.reset();
        }
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
