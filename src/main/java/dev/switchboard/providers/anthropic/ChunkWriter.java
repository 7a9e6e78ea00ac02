package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.ByteSink;

import java.nio.charset.StandardCharsets;

/**
 * Writes the OpenAI {@code chat.completion.chunk} documents of one message: one choice (index 0)
 * with one kind of delta each, or the closing usage chunk with {@code choices: []}. The envelope
 * ({@code id}, {@code object}, {@code created}, {@code model}) is encoded once per message and the
 * buffer reused, so a chunk costs its own bytes only. One per stream.
 */
final class ChunkWriter {
    /** OpenRouter's name for Anthropic's thinking format in {@code reasoning_details}. */
    static final String REASONING_FORMAT = "anthropic-claude-v1";
    /** The member of a chunk that carries an upstream event for a Messages API client. */
    static final String ORIGINAL_EVENT = "x_anthropic_event";
    private static final byte[] CHOICE_START = "{\"index\":0,\"delta\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHOICE_END = ",\"finish_reason\":null}]}".getBytes(StandardCharsets.US_ASCII);

    private final long created;
    private final ByteSink chunk = new ByteSink(256);
    /** {@code {"id":…,"object":"chat.completion.chunk","created":…,"model":…,"choices":[}. */
    private byte[] head;

    ChunkWriter(long createdSeconds) {
        this.created = createdSeconds;
    }

    /** The message's identity, from {@code message_start}; the first one given is kept. */
    void identify(String id, String model) {
        if (head == null) {
            head = head(id, model);
        }
    }

    byte[] role() {
        begin().ascii("{\"role\":\"assistant\",\"content\":\"\"}").append(CHOICE_END);
        return done();
    }

    byte[] content(String text) {
        begin().ascii("{\"content\":").jsonString(text).append((byte) '}').append(CHOICE_END);
        return done();
    }

    /** Thinking text, as OpenRouter streams it: {@code reasoning} plus a {@code reasoning.text} detail. */
    byte[] reasoning(int index, String text) {
        begin().ascii("{\"reasoning\":").jsonString(text)
                .ascii(",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":").jsonString(text)
                .ascii(",\"index\":").ascii(Integer.toString(index))
                .ascii(",\"format\":\"").ascii(REASONING_FORMAT).ascii("\"}]}").append(CHOICE_END);
        return done();
    }

    /** The signature that closes a thinking block: needed to send the block back in a later turn. */
    byte[] reasoningSignature(int index, String signature) {
        begin().ascii("{\"reasoning_details\":[{\"type\":\"reasoning.text\",\"signature\":").jsonString(signature)
                .ascii(",\"index\":").ascii(Integer.toString(index))
                .ascii(",\"format\":\"").ascii(REASONING_FORMAT).ascii("\"}]}").append(CHOICE_END);
        return done();
    }

    /** A redacted thinking block: opaque data to send back as it came. */
    byte[] reasoningEncrypted(int index, String data) {
        begin().ascii("{\"reasoning_details\":[{\"type\":\"reasoning.encrypted\",\"data\":").jsonString(data)
                .ascii(",\"index\":").ascii(Integer.toString(index))
                .ascii(",\"format\":\"").ascii(REASONING_FORMAT).ascii("\"}]}").append(CHOICE_END);
        return done();
    }

    /** A chunk with an empty delta that carries one upstream event whole, under {@value #ORIGINAL_EVENT}. */
    byte[] original(JsonNode event) {
        begin().ascii("{},\"finish_reason\":null}],\"").ascii(ORIGINAL_EVENT).ascii("\":").json(event)
                .append((byte) '}');
        return done();
    }

    byte[] toolHeader(int index, String id, String name) {
        begin().ascii("{\"tool_calls\":[{\"index\":").ascii(Integer.toString(index))
                .ascii(",\"id\":").jsonString(id)
                .ascii(",\"type\":\"function\",\"function\":{\"name\":").jsonString(name)
                .ascii(",\"arguments\":\"\"}}]}").append(CHOICE_END);
        return done();
    }

    byte[] arguments(int index, String fragment) {
        begin().ascii("{\"tool_calls\":[{\"index\":").ascii(Integer.toString(index))
                .ascii(",\"function\":{\"arguments\":").jsonString(fragment).ascii("}}]}").append(CHOICE_END);
        return done();
    }

    byte[] finish(String finishReason) {
        begin().ascii("{},\"finish_reason\":").jsonString(finishReason).ascii("}]}");
        return done();
    }

    byte[] usage(JsonNode usage) {
        chunk.reset();
        chunk.append(head()).ascii("],\"usage\":").json(usage).append((byte) '}');
        return done();
    }

    /** Starts a one-choice chunk, up to its delta. */
    private ByteSink begin() {
        chunk.reset();
        return chunk.append(head()).append(CHOICE_START);
    }

    private byte[] done() {
        return chunk.toByteArray();
    }

    private byte[] head() {
        // content before message_start: answer anyway, the gateway sets its own identity
        identify("", "");
        return head;
    }

    private byte[] head(String id, String model) {
        return new ByteSink(96).ascii("{\"id\":").jsonString(id)
                .ascii(",\"object\":\"chat.completion.chunk\",\"created\":").ascii(Long.toString(created))
                .ascii(",\"model\":").jsonString(model)
                .ascii(",\"choices\":[").toByteArray();
    }
}
