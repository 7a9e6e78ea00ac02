package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.ByteSink;

import java.nio.charset.StandardCharsets;

/**
 * Writes the {@code chat.completion.chunk} documents of one Responses API stream: one choice
 * (index 0) with one kind of delta each, the closing usage chunk with {@code choices: []}, and
 * the chunk that carries one upstream event whole under {@value #ORIGINAL_EVENT}. The envelope
 * ({@code id}, {@code object}, {@code created}, {@code model}) is encoded once per response and the
 * buffer reused. One per stream; not thread-safe.
 */
final class ResponsesChunks {
    /** The member of a chunk that carries an upstream Responses API event for a Responses API client. */
    static final String ORIGINAL_EVENT = "x_responses_event";
    private static final byte[] CHOICE_START = "{\"index\":0,\"delta\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHOICE_END = ",\"finish_reason\":null}]}".getBytes(StandardCharsets.US_ASCII);

    private final long created;
    private final ByteSink chunk = new ByteSink(256);
    private byte[] head;

    ResponsesChunks(long createdSeconds) {
        this.created = createdSeconds;
    }

    /** The response's identity, from {@code response.created}; the first one given is kept. */
    void identify(String id, String model) {
        if (head == null) {
            head = new ByteSink(96).ascii("{\"id\":").jsonString(id)
                    .ascii(",\"object\":\"chat.completion.chunk\",\"created\":").ascii(Long.toString(created))
                    .ascii(",\"model\":").jsonString(model)
                    .ascii(",\"choices\":[").toByteArray();
        }
    }

    /**
     * A chunk with an empty delta (never content, so the gateway holds it until content begins)
     * that carries one upstream event as it came: {@code event} is the JSON text of the SSE data.
     */
    byte[] original(byte[] event) {
        begin().ascii("{},\"finish_reason\":null}],\"").ascii(ORIGINAL_EVENT).ascii("\":").append(event)
                .append((byte) '}');
        return done();
    }

    byte[] role() {
        begin().ascii("{\"role\":\"assistant\",\"content\":\"\"}").append(CHOICE_END);
        return done();
    }

    byte[] content(String text) {
        begin().ascii("{\"content\":").jsonString(text).append((byte) '}').append(CHOICE_END);
        return done();
    }

    byte[] refusal(String text) {
        begin().ascii("{\"refusal\":").jsonString(text).append((byte) '}').append(CHOICE_END);
        return done();
    }

    /** Reasoning summary text, in OpenRouter's {@code delta.reasoning}. */
    byte[] reasoning(String text) {
        begin().ascii("{\"reasoning\":").jsonString(text).append((byte) '}').append(CHOICE_END);
        return done();
    }

    byte[] functionHeader(int index, String id, String name) {
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

    /** A call to a custom (free-form input) tool, in Chat Completions' {@code type: custom} form. */
    byte[] customHeader(int index, String id, String name) {
        begin().ascii("{\"tool_calls\":[{\"index\":").ascii(Integer.toString(index))
                .ascii(",\"id\":").jsonString(id)
                .ascii(",\"type\":\"custom\",\"custom\":{\"name\":").jsonString(name)
                .ascii(",\"input\":\"\"}}]}").append(CHOICE_END);
        return done();
    }

    byte[] customInput(int index, String fragment) {
        begin().ascii("{\"tool_calls\":[{\"index\":").ascii(Integer.toString(index))
                .ascii(",\"custom\":{\"input\":").jsonString(fragment).ascii("}}]}").append(CHOICE_END);
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

    private ByteSink begin() {
        chunk.reset();
        return chunk.append(head()).append(CHOICE_START);
    }

    private byte[] done() {
        return chunk.toByteArray();
    }

    private byte[] head() {
        // an event before response.created: answer anyway, the gateway sets its own identity
        identify("", "");
        return head;
    }
}
