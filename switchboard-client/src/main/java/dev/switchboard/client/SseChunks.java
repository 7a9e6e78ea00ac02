package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;

/**
 * Reads a Chat Completions stream from its lines (the SSE framing of the WHATWG spec, §9.2.6):
 * {@code data:} lines up to a blank line make one event; comments ({@code : SWITCHBOARD PROCESSING})
 * and other fields are skipped; {@code [DONE]} ends the stream. An error chunk is thrown as its
 * {@link SwitchboardException}; a stream that stops before {@code [DONE]} as a broken connection.
 */
final class SseChunks extends Spliterators.AbstractSpliterator<ChatChunk> {
    private static final String DONE = "[DONE]";

    private final Iterator<String> lines;
    private boolean done;

    SseChunks(Iterator<String> lines) {
        super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
        this.lines = lines;
    }

    @Override
    public boolean tryAdvance(Consumer<? super ChatChunk> action) {
        if (done) {
            return false;
        }
        String data = nextEventData();
        if (data == null) {
            done = true;
            throw new ConnectionFailedException(new ErrorDetails(0, "connection_error",
                    "the stream ended before [DONE]", null, Json.MAPPER.createObjectNode(), null, null, true), null);
        }
        if (data.equals(DONE)) {
            done = true;
            return false;
        }
        JsonNode chunk = Json.parseOrMissing(data);
        if (!chunk.isObject()) {
            done = true;
            throw new ConnectionFailedException(new ErrorDetails(0, "connection_error",
                    "not a JSON chunk in the stream: " + data, null, Json.MAPPER.createObjectNode(), null, null, true), null);
        }
        if (chunk.hasNonNull("error")) {
            done = true;
            throw Errors.fromChunk(chunk);
        }
        action.accept(ChatChunk.from(chunk));
        return true;
    }

    /** The data of the next event that has any, or null when the lines ran out first. */
    private String nextEventData() {
        StringBuilder data = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (data != null) {
                    return data.toString();
                }
                continue;
            }
            if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
            // comments (":...") and the event, id and retry fields carry nothing for chat chunks
        }
        // a last event not followed by a blank line still counts, as the body ended cleanly
        return data == null ? null : data.toString();
    }
}
