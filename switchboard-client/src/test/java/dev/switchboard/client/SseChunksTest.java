package dev.switchboard.client;

import dev.switchboard.client.FakeHttpServer.Reply;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SSE framing of a Chat Completions stream, from literal wire lines and from bytes split anywhere. */
class SseChunksTest {
    static final String STREAM = """
            : SWITCHBOARD PROCESSING

            : SWITCHBOARD PROCESSING

            data: {"id":"gen-1","model":"test/model","provider":"Alpha","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}

            data: {"id":"gen-1","model":"test/model","provider":"Alpha","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}

            data: {"id":"gen-1","model":"test/model","provider":"Alpha","choices":[],"usage":{"prompt_tokens":16,"completion_tokens":10,"total_tokens":26,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2},"cost":0.000112}}

            data: [DONE]

            """;

    static List<ChatChunk> read(String wire) {
        return StreamSupport.stream(new SseChunks(wire.lines().iterator()), false).toList();
    }

    @Test
    void skipsCommentsAndReadsTextFinishAndUsage() {
        List<ChatChunk> chunks = read(STREAM);

        assertThat(chunks).extracting(ChatChunk::content).containsExactly("Hel", "lo", "");
        assertThat(chunks).extracting(ChatChunk::finishReason).containsExactly(null, "stop", null);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.id()).isEqualTo("gen-1");
            assertThat(c.provider()).isEqualTo("Alpha");
        });
        Usage usage = chunks.getLast().usage().orElseThrow();
        assertThat(usage).isEqualTo(new Usage(16, 10, 26, 4, 2, new BigDecimal("0.000112")));
        assertThat(chunks.getFirst().usage()).isEmpty();
    }

    @Test
    void joinsDataLinesOfOneEventAndTakesDataWithoutASpace() {
        String wire = "data:{\"id\":\"gen-2\",\ndata: \"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n"
                + "event: ignored\nid: 7\nretry: 100\n\ndata: [DONE]\n\n";

        assertThat(read(wire)).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo("gen-2");
            assertThat(c.content()).isEqualTo("x");
        });
    }

    @Test
    void readsToolCallPieces() {
        String wire = """
                data: {"id":"gen-3","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"weather","arguments":""}}]}}]}

                data: {"id":"gen-3","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\":\\"Paris\\"}"}}]},"finish_reason":"tool_calls"}]}

                data: [DONE]
                """;

        List<ChatChunk> chunks = read(wire);

        assertThat(chunks.get(0).toolCalls()).containsExactly(new ToolCallDelta(0, "call_1", "weather", ""));
        assertThat(chunks.get(1).toolCalls()).containsExactly(new ToolCallDelta(0, null, null, "{\"city\":\"Paris\"}"));
        assertThat(chunks.get(1).finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void collectsTheChunksIntoTheResultANonStreamedCallWouldGive() {
        String wire = """
                data: {"id":"gen-3","model":"m","provider":"P","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"weather","arguments":""}}]}}]}

                data: {"id":"gen-3","model":"m","provider":"P","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\":"}},{"index":1,"id":"call_2","type":"function","function":{"name":"time","arguments":"{}"}}]}}]}

                data: {"id":"gen-3","model":"m","provider":"P","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\\"Paris\\"}"}}]},"finish_reason":"tool_calls"}]}

                data: {"id":"gen-3","model":"m","provider":"P","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"cost":0.00002}}

                data: [DONE]
                """;

        ChatResult tools = StreamSupport.stream(new SseChunks(wire.lines().iterator()), false).collect(ChatChunks.toResult());
        ChatResult text = StreamSupport.stream(new SseChunks(STREAM.lines().iterator()), false).collect(ChatChunks.toResult());

        assertThat(tools.id()).isEqualTo("gen-3");
        assertThat(tools.content()).isNull();
        assertThat(tools.toolCalls()).containsExactly(new ToolCall("call_1", "weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_2", "time", "{}"));
        assertThat(tools.finishReason()).isEqualTo("tool_calls");
        assertThat(tools.usage()).isEqualTo(new Usage(5, 7, 12, 0, 0, new BigDecimal("0.00002")));
        assertThat(text.content()).isEqualTo("Hello");
        assertThat(text.provider()).isEqualTo("Alpha");
        assertThat(text.usage().cost()).isEqualTo(new BigDecimal("0.000112"));
    }

    @Test
    void anErrorChunkIsThrownAfterTheChunksBeforeIt() {
        String wire = """
                data: {"id":"gen-4","choices":[{"index":0,"delta":{"content":"part"}}]}

                data: {"id":"gen-4","error":{"code":504,"message":"no data from the provider for 100 ms"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4,"cost":0.00001}}

                data: [DONE]
                """;
        Stream<ChatChunk> stream = StreamSupport.stream(new SseChunks(wire.lines().iterator()), false);
        StringBuilder text = new StringBuilder();

        assertThatThrownBy(() -> stream.forEach(c -> text.append(c.content())))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.status()).isEqualTo(504);
                    assertThat(e.duringStream()).isTrue();
                    assertThat(e.generationId()).hasValue("gen-4");
                });
        assertThat(text).hasToString("part");
    }

    @Test
    void aStreamCutBeforeDoneIsABrokenConnection() {
        String wire = "data: {\"id\":\"gen-5\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n";

        assertThatThrownBy(() -> read(wire)).isInstanceOfSatisfying(ConnectionFailedException.class, e -> {
            assertThat(e.duringStream()).isTrue();
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).contains("[DONE]");
        });
    }

    @Test
    void readsTheSameChunksWhenTheBytesArriveSplitAtEveryPoint() throws IOException {
        List<ChatChunk> whole = read(STREAM);
        try (FakeHttpServer server = new FakeHttpServer();
             SwitchboardClient client = SwitchboardClient.builder().baseUrl(server.baseUrl()).maxRetries(0).build()) {
            for (int split : new int[] {1, 2, 7, 23, 24, 25, 60, 200}) {
                server.enqueue(Reply.sse(parts(STREAM, split)));
                try (Stream<ChatChunk> chunks = client.stream("m", List.of(Message.user("hi")))) {
                    assertThat(chunks.map(ChatChunk::raw).toList()).as("parts of %d bytes", split)
                            .isEqualTo(whole.stream().map(ChatChunk::raw).toList());
                }
            }
        }
    }

    private static String[] parts(String text, int size) {
        int count = (text.length() + size - 1) / size;
        String[] parts = new String[count];
        for (int i = 0; i < count; i++) {
            parts[i] = text.substring(i * size, Math.min(text.length(), (i + 1) * size));
        }
        return parts;
    }
}
