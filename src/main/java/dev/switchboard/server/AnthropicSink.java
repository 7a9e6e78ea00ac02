package dev.switchboard.server;

import dev.switchboard.gateway.ClientSink;
import dev.switchboard.gateway.RequestSummary;
import dev.switchboard.protocol.StreamEncoder;
import dev.switchboard.protocol.anthropic.ChatToMessage;
import dev.switchboard.protocol.anthropic.ChunksToEvents;
import dev.switchboard.protocol.anthropic.MessagesApiErrors;

import java.util.Map;

/**
 * The client side of a Messages request: the gateway answers in the canonical (OpenAI) form and
 * this sink gives it to an Anthropic client — the completion as a message, errors in Anthropic's
 * shape; a stream's chunks the gateway hands to {@link #encoder()}, whose Anthropic events it writes.
 */
final class AnthropicSink implements ClientSink {
    private final ClientSink client;
    private final ChunksToEvents stream = new ChunksToEvents();

    AnthropicSink(ClientSink client) {
        this.client = client;
    }

    @Override
    public void respond(int status, Map<String, String> headers, byte[] json) {
        if (status == 200) {
            client.respond(200, headers, ChatToMessage.fromCompletion(json));
        } else {
            client.respond(MessagesApiErrors.status(status), headers, MessagesApiErrors.fromOpenAi(status, json));
        }
    }

    @Override
    public StreamEncoder encoder() {
        return stream;
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
