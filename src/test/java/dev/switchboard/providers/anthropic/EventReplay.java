package dev.switchboard.providers.anthropic;

import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.sse.SseParser;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replays Anthropic SSE bytes through {@link SseParser} and {@link StreamTranslator} as the
 * adapter does, cut into pieces at chosen offsets, and collects what comes out.
 */
final class EventReplay {
    static final long CREATED = 1_763_800_000L;

    /** What a replay produced: the chunks, whether message_stop came, and the error event if one did. */
    record Result(List<String> chunks, boolean stopped, String error, int openBlocks) {
    }

    private EventReplay() {
    }

    /** Frames the recorder's one-payload-a-line files ({@code *.chunks.txt}) as the SSE Anthropic sends. */
    static byte[] framed(String chunksPerLine) {
        StringBuilder sse = new StringBuilder();
        chunksPerLine.lines().filter(l -> !l.isBlank()).forEach(line -> sse.append("event: ")
                .append(Json.parse(line).get("type").asText()).append("\ndata: ").append(line).append("\n\n"));
        return sse.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Result replay(byte[] sse, int... cuts) {
        List<String> chunks = new ArrayList<>();
        StreamTranslator translator = new StreamTranslator(json -> chunks.add(new String(json, StandardCharsets.UTF_8)),
                CREATED);
        String[] error = new String[1];
        SseParser parser = new SseParser((event, data) -> {
            if (error[0] != null) {
                return;
            }
            try {
                translator.onEvent(event, data);
            } catch (StreamTranslator.ErrorEvent e) {
                error[0] = e.getMessage();
            }
        }, AnthropicChunkStream.MAX_EVENT_BYTES);
        int from = 0;
        for (int cut : Arrays.stream(cuts).sorted().toArray()) {
            parser.feed(sse, from, cut - from);
            from = cut;
        }
        parser.feed(sse, from, sse.length - from);
        parser.end();
        if (error[0] == null) {
            translator.upstreamClosed();
        }
        return new Result(chunks, translator.stopped(), error[0], translator.openBlocks());
    }
}
