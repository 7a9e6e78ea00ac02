package dev.switchboard.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.ByteSink;

import java.nio.charset.StandardCharsets;

/**
 * Writes the canonical {@code chat.completion.chunk} documents of one translated stream: one choice
 * (index 0) with one kind of delta each, the closing usage chunk with {@code choices: []}, and the
 * chunk that carries an upstream's own event whole (for a client that speaks the upstream's API). The
 * envelope ({@code id}, {@code object}, {@code created}, {@code model}) is encoded once per stream and
 * the buffer reused, so a chunk costs its own bytes only. One per stream; not thread-safe.
 */
public final class ChunkWriter {
    private static final byte[] CHOICE_START = "{\"index\":0,\"delta\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHOICE_END = ",\"finish_reason\":null}]}".getBytes(StandardCharsets.US_ASCII);

    private final long created;
    private final ByteSink chunk = new ByteSink(256);
    /** {@code {"id":…,"object":"chat.completion.chunk","created":…,"model":…,"choices":[}. */
    private byte[] head;

    public ChunkWriter(long createdSeconds) {
        this.created = createdSeconds;
    }

    /** The stream's identity, from the upstream's first event; the first one given is kept. */
    public void identify(String id, String model) {
        if (head == null) {
            head = new ByteSink(96).ascii("{\"id\":").jsonString(id)
                    .ascii(",\"object\":\"chat.completion.chunk\",\"created\":").ascii(Long.toString(created))
                    .ascii(",\"model\":").jsonString(model)
                    .ascii(",\"choices\":[").toByteArray();
        }
    }

    /**
     * A chunk with an empty delta (never content, so the gateway holds it until content begins) that
     * carries one upstream event as it came, under {@code member}.
     */
    public byte[] original(String member, JsonNode event) {
        begin().ascii("{},\"finish_reason\":null}],\"").ascii(member).ascii("\":").json(event).append((byte) '}');
        return done();
    }

    /** As above, with the event's JSON text as the upstream sent it. */
    public byte[] original(String member, byte[] event) {
        begin().ascii("{},\"finish_reason\":null}],\"").ascii(member).ascii("\":").append(event).append((byte) '}');
        return done();
    }

    public byte[] role() {
        return delta("{\"role\":\"assistant\",\"content\":\"\"}");
    }

    public byte[] content(String text) {
        begin().ascii("{\"content\":").jsonString(text).append((byte) '}').append(CHOICE_END);
        return done();
    }

    public byte[] refusal(String text) {
        begin().ascii("{\"refusal\":").jsonString(text).append((byte) '}').append(CHOICE_END);
        return done();
    }

    /** Reasoning text in OpenRouter's {@code delta.reasoning}. */
    public byte[] reasoning(String text) {
        begin().ascii("{\"reasoning\":").jsonString(text).append((byte) '}').append(CHOICE_END);
        return done();
    }

    /**
     * Reasoning as OpenRouter streams a provider's own format: {@code reasoning} (when {@code text} is
     * not null) plus one {@code reasoning_details} entry of {@code type} whose {@code field} holds
     * {@code value}.
     */
    public byte[] reasoningDetail(String text, String type, String field, String value, int index, String format) {
        ByteSink out = begin().append((byte) '{');
        if (text != null) {
            out.ascii("\"reasoning\":").jsonString(text).append((byte) ',');
        }
        out.ascii("\"reasoning_details\":[{\"type\":").jsonString(type).ascii(",\"").ascii(field).ascii("\":")
                .jsonString(value).ascii(",\"index\":").ascii(Integer.toString(index))
                .ascii(",\"format\":").jsonString(format).ascii("}]}").append(CHOICE_END);
        return done();
    }

    /** The start of a function call: its id and name, arguments to follow. */
    public byte[] toolHeader(int index, String id, String name) {
        begin().ascii("{\"tool_calls\":[{\"index\":").ascii(Integer.toString(index))
                .ascii(",\"id\":").jsonString(id)
                .ascii(",\"type\":\"function\",\"function\":{\"name\":").jsonString(name)
                .ascii(",\"arguments\":\"\"}}]}").append(CHOICE_END);
        return done();
    }

    public byte[] arguments(int index, String fragment) {
        begin().ascii("{\"tool_calls\":[{\"index\":").ascii(Integer.toString(index))
                .ascii(",\"function\":{\"arguments\":").jsonString(fragment).ascii("}}]}").append(CHOICE_END);
        return done();
    }

    /** A call to a custom (free-form input) tool, in Chat Completions' {@code type: custom} form. */
    public byte[] customHeader(int index, String id, String name) {
        begin().ascii("{\"tool_calls\":[{\"index\":").ascii(Integer.toString(index))
                .ascii(",\"id\":").jsonString(id)
                .ascii(",\"type\":\"custom\",\"custom\":{\"name\":").jsonString(name)
                .ascii(",\"input\":\"\"}}]}").append(CHOICE_END);
        return done();
    }

    public byte[] customInput(int index, String fragment) {
        begin().ascii("{\"tool_calls\":[{\"index\":").ascii(Integer.toString(index))
                .ascii(",\"custom\":{\"input\":").jsonString(fragment).ascii("}}]}").append(CHOICE_END);
        return done();
    }

    public byte[] finish(String finishReason) {
        begin().ascii("{},\"finish_reason\":").jsonString(finishReason).ascii("}]}");
        return done();
    }

    public byte[] usage(JsonNode usage) {
        chunk.reset();
        chunk.append(head()).ascii("],\"usage\":").json(usage).append((byte) '}');
        return done();
    }

    private byte[] delta(String deltaJson) {
        begin().ascii(deltaJson).append(CHOICE_END);
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
        // an event before the upstream's first: answer anyway, the gateway sets its own identity
        identify("", "");
        return head;
    }
}
