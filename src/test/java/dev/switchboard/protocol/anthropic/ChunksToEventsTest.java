package dev.switchboard.protocol.anthropic;

import dev.switchboard.protocol.ByteSink;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ChunksToEventsTest {

    private static byte[] chunk(String delta) {
        return ("{\"id\":\"gen-1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" + delta + "}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** 10,000 events keep the translator's state flat: fragments are passed on, never gathered. */
    @Test
    void tenThousandEventsKeepMemoryFlat() {
        ChunksToEvents events = new ChunksToEvents();
        ByteSink out = new ByteSink(256);
        long deltas = 0;
        int retained = -1;
        for (int i = 0; i < 10_000; i++) {
            out.reset();
            if (i == 5_000) {
                // a text run, then a tool call whose arguments stream in fragments
                events.chunk(chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}"), out);
                retained = events.retainedEntries();
            }
            events.chunk(i < 5_000 ? chunk("{\"content\":\"word \"}")
                    : chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"x\"}}]}"), out);
            String written = new String(out.toByteArray(), StandardCharsets.UTF_8);
            deltas += written.split("content_block_delta\n", -1).length - 1;
            assertThat(events.retainedEntries()).isLessThanOrEqualTo(1);
        }
        assertThat(retained).isEqualTo(1);
        assertThat(deltas).isEqualTo(10_000);
        out.reset();
        events.done(out);
        assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8)).endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }
}
