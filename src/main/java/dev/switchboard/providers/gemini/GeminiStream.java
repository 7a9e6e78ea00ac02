package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.sse.SseParser;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a {@code streamGenerateContent?alt=sse} body and writes OpenAI
 * {@code chat.completion.chunk}s (fixtures/MAPPING.md §4, reference/gemini/NOTES.md "Streaming").
 * Every {@code data:} event is a GenerateContentResponse holding only the new parts (CRLF or LF
 * framing, no {@code [DONE]}: the end of the HTTP response ends the stream). Per candidate: a role
 * chunk first, each text part a {@code delta.content}, each functionCall one complete tool call
 * delta, thought parts dropped, finishReason a finish chunk. At the end, one usage chunk
 * ({@code choices: []}) from the last counts of usageMetadata. Pure and incremental: bytes in,
 * chunks out, across any chunk boundary; it keeps a few counters per candidate and nothing that
 * grows with the stream. One instance per stream, one thread.
 */
final class GeminiStream implements SseParser.Listener {
    /** Largest single SSE event accepted from Gemini. */
    static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;
    /** More candidates than Gemini's candidateCount allows; a stream naming more is not Gemini's. */
    private static final int MAX_CANDIDATES = 64;

    /** Receives each chunk, as JSON. */
    @FunctionalInterface
    interface Sink {
        void chunk(byte[] json);
    }

    /** What one candidate has produced so far. */
    private static final class Candidate {
        boolean started;
        int toolCalls;
        boolean finished;
    }

    private final SseParser parser = new SseParser(this, MAX_EVENT_BYTES);
    private final String upstreamModel;
    private final long created;
    private final ToolCallIds ids;
    private final Sink sink;
    private final Map<Integer, Candidate> candidates = new HashMap<>();
    private final GeminiUsage usage = new GeminiUsage();
    private String id;
    private String model;

    GeminiStream(String upstreamModel, long created, ToolCallIds ids, Sink sink) {
        this.upstreamModel = upstreamModel;
        this.created = created;
        this.ids = ids;
        this.sink = sink;
    }

    /**
     * Reads the next bytes of the body.
     *
     * @throws dev.switchboard.protocol.sse.SseException when an event is too large
     * @throws GeminiFormatException when an event cannot be translated or reports an error
     */
    void feed(byte[] bytes) {
        parser.feed(bytes);
    }

    /** The body ended: delivers a last event without its blank line, then the usage chunk. */
    void end() {
        parser.end();
        if (usage.reported()) {
            ObjectNode chunk = envelope();
            chunk.putArray("choices");
            chunk.set("usage", usage.toOpenAi());
            sink.chunk(Json.bytes(chunk));
        }
    }

    @Override
    public void onEvent(String event, byte[] data) {
        JsonNode response = parse(data);
        JsonNode error = response.get("error");
        if (error != null && !error.isNull()) {
            throw new GeminiFormatException("provider reported an error in the stream: "
                    + error.path("message").asText(error.toString()), true);
        }
        if (id == null) {
            id = GeminiOutput.responseId(response);
        }
        if (model == null) {
            model = GeminiOutput.model(response, null);
        }
        usage.update(response.get("usageMetadata"));
        JsonNode list = response.path("candidates");
        if (list.isArray() && !list.isEmpty()) {
            for (JsonNode candidate : list) {
                onCandidate(candidate);
            }
        } else if (GeminiOutput.blockReason(response) != null) {
            Candidate state = candidate(0);
            start(0, state);
            finish(0, state, "content_filter", GeminiOutput.blockReason(response));
        }
    }

    private void onCandidate(JsonNode candidate) {
        int index = GeminiOutput.index(candidate);
        Candidate state = candidate(index);
        if (state.finished) {
            return;
        }
        start(index, state);
        // consecutive text parts leave as one content delta; a function call in between splits them
        StringBuilder text = new StringBuilder();
        for (JsonNode part : candidate.path("content").path("parts")) {
            String piece = GeminiOutput.text(part);
            if (piece != null) {
                text.append(piece);
            }
            JsonNode call = GeminiOutput.functionCall(part);
            if (call != null) {
                flushText(index, text);
                toolCall(index, state, GeminiOutput.toolCall(call, ids));
            }
        }
        flushText(index, text);
        JsonNode reason = candidate.get("finishReason");
        if (reason != null && reason.isTextual()) {
            finish(index, state, GeminiOutput.finishReason(reason.asText(), state.toolCalls > 0), reason.asText());
        }
    }

    private Candidate candidate(int index) {
        Candidate state = candidates.get(index);
        if (state == null) {
            if (candidates.size() >= MAX_CANDIDATES || index < 0) {
                throw new GeminiFormatException("provider sent candidate index " + index + " (too many candidates)", false);
            }
            state = new Candidate();
            candidates.put(index, state);
        }
        return state;
    }

    private void start(int index, Candidate state) {
        if (!state.started) {
            state.started = true;
            ObjectNode delta = Json.object().put("role", "assistant").put("content", "");
            emit(index, delta, null, null);
        }
    }

    private void flushText(int index, StringBuilder text) {
        if (!text.isEmpty()) {
            emit(index, Json.object().put("content", text.toString()), null, null);
            text.setLength(0);
        }
    }

    private void toolCall(int index, Candidate state, ObjectNode call) {
        ObjectNode delta = Json.object();
        ObjectNode entry = delta.putArray("tool_calls").addObject().put("index", state.toolCalls++);
        entry.setAll(call);
        emit(index, delta, null, null);
    }

    private void finish(int index, Candidate state, String finishReason, String nativeReason) {
        if (!state.finished) {
            state.finished = true;
            emit(index, Json.object(), finishReason, nativeReason);
        }
    }

    private void emit(int index, ObjectNode delta, String finishReason, String nativeReason) {
        ObjectNode chunk = envelope();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (nativeReason != null) {
            choice.put("native_finish_reason", nativeReason);
        }
        sink.chunk(Json.bytes(chunk));
    }

    private ObjectNode envelope() {
        ObjectNode chunk = Json.object();
        if (id != null) {
            chunk.put("id", id);
        }
        return chunk.put("object", "chat.completion.chunk").put("created", created)
                .put("model", model != null ? model : upstreamModel);
    }

    private static JsonNode parse(byte[] data) {
        try {
            JsonNode node = Json.MAPPER.readTree(data);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new GeminiFormatException("provider sent an event that is not a JSON object", false);
    }
}
