package dev.switchboard.protocol.openai;

import dev.switchboard.protocol.sse.SseFormat;
import dev.switchboard.protocol.sse.SseParser;
import dev.switchboard.testing.Fixtures;

import java.util.ArrayList;
import java.util.List;

/** Test helper: the chat output payloads of the fixtures. */
final class OutputFixtures {
    static final List<String> COMPLETIONS = List.of("openai/chat_nonstream.json", "openai/chat_tool_call.json",
            "azure/chat_nonstream.json", "azure/chat_output_filtered.json");
    static final List<String> STREAMS = List.of("openai/chat_stream.sse", "openai/chat_stream_text.sse",
            "azure/chat_stream.sse", "recorded/third-party/openai_chat_tool_call_stream.gpt-4o.sse");

    private OutputFixtures() {
    }

    /** The data payloads of a stream fixture, without the {@code [DONE]} sentinel. */
    static List<byte[]> chunks(String fixture) {
        List<byte[]> chunks = new ArrayList<>();
        SseParser parser = new SseParser((event, data) -> {
            if (!SseFormat.isDone(data)) {
                chunks.add(data);
            }
        }, 1 << 20);
        parser.feed(Fixtures.bytes(fixture));
        parser.end();
        if (chunks.isEmpty()) {
            throw new IllegalStateException("no chunks in " + fixture);
        }
        return chunks;
    }
}
