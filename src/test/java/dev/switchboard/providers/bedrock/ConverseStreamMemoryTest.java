package dev.switchboard.providers.bedrock;

import dev.switchboard.protocol.Json;
import dev.switchboard.testing.RetainedSize;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** A long ConverseStream through the translator keeps nothing that grows with it. */
class ConverseStreamMemoryTest {

    /** Frames of {@code count} text deltas, {@code from} on. */
    private static byte[] deltas(int from, int count) {
        StringBuilder lines = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            lines.append("{\"contentBlockDelta\":{\"contentBlockIndex\":0,\"delta\":{\"text\":\"tok").append(i % 10)
                    .append(" \"},\"p\":\"abcdefgh\"}}\n");
        }
        return EventFrames.fromJsonLines(lines.toString());
    }

    /** Feeds bytes in network reads that cut frames at changing places. */
    private static void feed(ConverseStream stream, byte[] bytes) {
        int at = 0;
        int read = 0;
        while (at < bytes.length) {
            int size = Math.min(bytes.length - at, 1000 + (read++ * 37) % 900);
            stream.feed(Arrays.copyOfRange(bytes, at, at + size));
            at += size;
        }
    }

    @Test
    void tenThousandEventsKeepTheTranslatorsMemoryFlat() {
        long[] chunks = {0};
        long[] chars = {0};
        ConverseStream stream = new ConverseStream("model", 1L, json -> {
            chunks[0]++;
            chars[0] += Json.parse(json).at("/choices/0/delta/content").asText("").length();
        });
        feed(stream, EventFrames.fromJsonLines("{\"messageStart\":{\"role\":\"assistant\"}}\n"));
        feed(stream, deltas(0, 1_000));
        long afterOneThousand = RetainedSize.of(stream);
        feed(stream, deltas(1_000, 9_000));
        long afterTenThousand = RetainedSize.of(stream);
        feed(stream, EventFrames.fromJsonLines("""
                {"contentBlockStop":{"contentBlockIndex":0}}
                {"messageStop":{"stopReason":"end_turn"}}
                {"metadata":{"usage":{"inputTokens":5,"outputTokens":10000,"totalTokens":10005},"metrics":{"latencyMs":9}}}
                """));
        stream.end();

        assertThat(afterTenThousand).as("retained size after 10,000 events").isEqualTo(afterOneThousand);
        assertThat(chars[0]).isEqualTo(10_000L * "tokN ".length());
        assertThat(chunks[0]).isGreaterThanOrEqualTo(10_000);
        assertThat(stream.stopped()).isTrue();
    }
}
