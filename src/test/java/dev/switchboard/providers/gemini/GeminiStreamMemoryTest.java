package dev.switchboard.providers.gemini;

import dev.switchboard.protocol.Json;
import dev.switchboard.testing.RetainedSize;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** A long stream through the translator keeps nothing that grows with it. */
class GeminiStreamMemoryTest {

    /** Counts what arrives and keeps none of it. */
    private static final class CountingSink implements GeminiStream.Sink {
        long chunks;
        long contentChars;
        byte[] last;

        @Override
        public void chunk(byte[] json) {
            chunks++;
            contentChars += Json.parse(json).at("/choices/0/delta/content").asText("").length();
            last = json;
        }
    }

    private static byte[] event(int i) {
        return ("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"tok" + (i % 10) + " \"}],\"role\": \"model\"},"
                + "\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 12,\"candidatesTokenCount\": " + (i + 1)
                + ",\"totalTokenCount\": " + (i + 13) + "},\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"r-1\"}\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds events {@code from} to {@code to}, in network reads that cut events at changing places. */
    private static void feed(GeminiStream stream, int from, int to) {
        byte[] pending = new byte[0];
        for (int i = from; i < to; i++) {
            byte[] e = event(i);
            byte[] joined = Arrays.copyOf(pending, pending.length + e.length);
            System.arraycopy(e, 0, joined, pending.length, e.length);
            int cut = joined.length - (i % 97);
            stream.feed(Arrays.copyOf(joined, cut));
            pending = Arrays.copyOfRange(joined, cut, joined.length);
        }
        stream.feed(pending);
    }

    @Test
    void tenThousandEventsKeepTheTranslatorsMemoryFlat() {
        CountingSink sink = new CountingSink();
        GeminiStream stream = new GeminiStream("gemini-2.5-flash", 1L, GeminiResponseTest.counting(), sink);

        feed(stream, 0, 1_000);
        long afterOneThousand = RetainedSize.of(stream);
        feed(stream, 1_000, 10_000);
        long afterTenThousand = RetainedSize.of(stream);
        stream.end();

        assertThat(afterTenThousand).as("retained size after 10,000 events").isEqualTo(afterOneThousand);
        assertThat(sink.chunks).isEqualTo(1 + 10_000 + 1); // role, one per event, usage
        assertThat(sink.contentChars).isEqualTo(10_000 * "tokN ".length());
        assertThat(Json.parse(sink.last).at("/usage/completion_tokens").asLong()).isEqualTo(10_000);
    }

    @Test
    void theSizeMeasureSeesABufferThatGrows() {
        StringBuilder growing = new StringBuilder();
        long before = RetainedSize.of(new Object[] {growing});
        growing.append("x".repeat(100));

        assertThat(RetainedSize.of(new Object[] {growing})).isGreaterThan(before);
    }
}
