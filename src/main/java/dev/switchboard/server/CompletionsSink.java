package dev.switchboard.server;

import dev.switchboard.gateway.ForwardingSink;

import dev.switchboard.gateway.ClientSink;
import dev.switchboard.protocol.StreamEncoder;
import dev.switchboard.protocol.openai.TextCompletions;

import java.util.Map;

/**
 * The client side of a legacy Completions request: the gateway answers a chat completion and this
 * sink gives it back as a {@code text_completion} ({@link TextCompletions}); errors keep the OpenAI shape.
 */
final class CompletionsSink extends ForwardingSink {
    private final TextCompletions stream = new TextCompletions();

    CompletionsSink(ClientSink client) {
        super(client);
    }

    @Override
    public void respond(int status, Map<String, String> headers, byte[] json) {
        client.respond(status, headers, status == 200 ? TextCompletions.fromCompletion(json) : json);
    }

    @Override
    public StreamEncoder encoder() {
        return stream;
    }
}
