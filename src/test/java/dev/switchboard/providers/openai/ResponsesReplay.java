package dev.switchboard.providers.openai;

import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.sse.SseParser;
import dev.switchboard.testing.Fixtures;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replays Responses API SSE bytes through {@link SseParser} and {@link ResponsesStreamTranslator}
 * as {@link ResponsesChunkStream} does, cut into pieces at chosen offsets, and collects what comes out.
 */
final class ResponsesReplay {
    static final long CREATED = 1_796_000_000L;

    /** What a replay produced: the chunks, whether the response completed, the failure if one came. */
    record Result(List<String> chunks, boolean stopped, FailedResponse failure, int openCalls) {
    }

    private ResponsesReplay() {
    }

    /**
     * The streams of a recorder's one-payload-a-line file ({@code *.chunks.txt}), each framed as the
     * SSE OpenAI sends ({@code event:} + {@code data:}); a file holding several streams one after the
     * other (an agent loop) is split where {@code sequence_number} restarts at 0.
     */
    static List<byte[]> streams(String fixture) {
        List<byte[]> streams = new ArrayList<>();
        StringBuilder sse = new StringBuilder();
        for (String line : Fixtures.text(fixture).lines().filter(l -> !l.isBlank()).toList()) {
            var event = Json.parse(line);
            if (event.path("sequence_number").asInt(-1) == 0 && !sse.isEmpty()) {
                streams.add(sse.toString().getBytes(StandardCharsets.UTF_8));
                sse.setLength(0);
            }
            sse.append("event: ").append(event.get("type").asText()).append("\ndata: ").append(line).append("\n\n");
        }
        streams.add(sse.toString().getBytes(StandardCharsets.UTF_8));
        return streams;
    }

    static Result replay(byte[] sse, int... cuts) {
        List<String> chunks = new ArrayList<>();
        ResponsesStreamTranslator translator = new ResponsesStreamTranslator(
                json -> chunks.add(new String(json, StandardCharsets.UTF_8)), CREATED);
        FailedResponse[] failure = new FailedResponse[1];
        SseParser parser = new SseParser((event, data) -> {
            if (failure[0] != null) {
                return;
            }
            try {
                translator.onEvent(event, data);
            } catch (FailedResponse e) {
                failure[0] = e;
            }
        }, OpenAiAdapter.MAX_EVENT_BYTES);
        int from = 0;
        for (int cut : Arrays.stream(cuts).sorted().toArray()) {
            parser.feed(sse, from, cut - from);
            from = cut;
        }
        parser.feed(sse, from, sse.length - from);
        parser.end();
        return new Result(chunks, translator.stopped(), failure[0], translator.openCalls());
    }
}
