package dev.switchboard.server;

import dev.switchboard.gateway.ForwardingSink;

import dev.switchboard.gateway.ClientSink;
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
final class AnthropicSink extends ForwardingSink {
    private final ChunksToEvents stream = new ChunksToEvents();

    AnthropicSink(ClientSink client) {
        super(client);
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
}
