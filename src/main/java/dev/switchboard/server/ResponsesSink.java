package dev.switchboard.server;

import dev.switchboard.gateway.ForwardingSink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.ClientSink;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.StreamEncoder;
import dev.switchboard.protocol.responses.ResponseEvents;
import dev.switchboard.protocol.responses.ResponseMeta;
import dev.switchboard.protocol.responses.ResponseRenderer;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The client side of a Responses API request: the gateway answers in the canonical (Chat
 * Completions) form and this sink renders it as a Response object; a stream's chunks the gateway hands
 * to {@link #encoder()}, which writes the Responses API's typed events. Errors keep OpenAI's shape,
 * which the Responses API shares. The finished Response goes to
 * {@code onResponse} (to be stored).
 */
final class ResponsesSink extends ForwardingSink {
    private final ResponseMeta meta;
    private final Consumer<ObjectNode> onResponse;
    private final ResponseEvents stream;
    private final StreamEncoder encoder;

    ResponsesSink(ClientSink client, ResponseMeta meta, Consumer<ObjectNode> onResponse) {
        super(client);
        this.meta = meta;
        this.onResponse = onResponse;
        this.stream = new ResponseEvents(meta);
        this.encoder = new StreamEncoder() {
            @Override
            public void chunk(byte[] json, ByteSink out) {
                stream.chunk(json, out);
            }

            @Override
            public void waiting(ByteSink out) {
                stream.comment(out);
            }

            @Override
            public void done(ByteSink out) {
                stream.done(out);
            }
        };
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
    public StreamEncoder encoder() {
        return encoder;
    }

    /** The encoder has written the terminal event ({@code response.completed}, {@code .incomplete} or {@code .failed}). */
    @Override
    public void end(byte[] last) {
        client.end(last);
        onResponse.accept(stream.response());
    }
}
