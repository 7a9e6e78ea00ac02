package dev.switchboard.server;

import dev.switchboard.gateway.ClientSink;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.anthropic.MessagesApiErrors;
import dev.switchboard.protocol.anthropic.ChatToMessage;
import dev.switchboard.protocol.anthropic.ChunksToEvents;
import dev.switchboard.protocol.sse.SseFormat;
import dev.switchboard.protocol.sse.SseParser;

import java.util.Map;

/**
 * The client side of a Messages request: the gateway answers in the canonical (OpenAI) form and
 * this sink re-encodes it for an Anthropic client — the completion as a message, errors in
 * Anthropic's shape, and the stream's chunks as Anthropic events.
 */
final class AnthropicSink implements ClientSink {
    /** One event of our own output is at most a chunk the gateway already accepted. */
    private static final int MAX_EVENT_BYTES = 64 * 1024 * 1024;

    private final ClientSink client;
    private final ChunksToEvents stream = new ChunksToEvents();
    private final ByteSink out = new ByteSink(1024);
    private final SseParser parser = new SseParser(new SseParser.Listener() {
        @Override
        public void onEvent(String event, byte[] data) {
            if (SseFormat.isDone(data)) {
                stream.done(out);
            } else {
                stream.chunk(data, out);
            }
        }

        @Override
        public void onComment(byte[] line, int from, int to) {
            stream.keepalive(out);
        }
    }, MAX_EVENT_BYTES);

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
        if (!out.isEmpty()) {
            client.write(out.toByteArray());
            out.reset();
        }
    }

    @Override
    public void end(byte[] last) {
        parser.feed(last);
        parser.end();
        stream.done(out); // a stream always ends with message_stop (or an error event)
        client.end(out.toByteArray());
        out.reset();
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
    public void finished(dev.switchboard.gateway.RequestSummary summary) {
        client.finished(summary);
    }
}
