package dev.switchboard.client;

import com.fasterxml.jackson.databind.node.MissingNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collector;

/** Puts a stream's chunks back together into one {@link ChatResult}: the text, the tool calls, the usage. */
public final class ChatChunks {
    private ChatChunks() {
    }

    /**
     * {@code client.stream(...).collect(ChatChunks.toResult())}: the result a non-streamed call would
     * give (its {@code raw} is a missing node; usage is zero if the stream carried none).
     */
    public static Collector<ChatChunk, ?, ChatResult> toResult() {
        return Collector.of(Accumulator::new, Accumulator::add, (a, b) -> {
            throw new UnsupportedOperationException("chunks are ordered: collect a sequential stream");
        }, Accumulator::result);
    }

    /** Mutable, one per collection: what the chunks so far said. */
    private static final class Accumulator {
        private String id;
        private String model;
        private String provider;
        private final StringBuilder content = new StringBuilder();
        private boolean anyContent;
        private final Map<Integer, String[]> calls = new TreeMap<>(); // index -> {id, name, arguments}
        private String finishReason;
        private Usage usage;

        void add(ChatChunk chunk) {
            id = id == null ? chunk.id() : id;
            model = model == null ? chunk.model() : model;
            provider = provider == null ? chunk.provider() : provider;
            if (!chunk.content().isEmpty()) {
                content.append(chunk.content());
                anyContent = true;
            }
            for (ToolCallDelta piece : chunk.toolCalls()) {
                String[] call = calls.computeIfAbsent(piece.index(), i -> new String[] {"", "", ""});
                call[0] = piece.id() == null ? call[0] : piece.id();
                call[1] = piece.name() == null ? call[1] : call[1] + piece.name();
                call[2] = piece.arguments() == null ? call[2] : call[2] + piece.arguments();
            }
            finishReason = chunk.finishReason() == null ? finishReason : chunk.finishReason();
            usage = chunk.usage().orElse(usage);
        }

        ChatResult result() {
            List<ToolCall> toolCalls = new ArrayList<>();
            calls.values().forEach(c -> toolCalls.add(new ToolCall(c[0], c[1], c[2])));
            return new ChatResult(id, model, provider, anyContent ? content.toString() : null, toolCalls, finishReason,
                    usage == null ? new Usage(0, 0, 0, 0, 0, BigDecimal.ZERO) : usage, MissingNode.getInstance());
        }
    }
}
