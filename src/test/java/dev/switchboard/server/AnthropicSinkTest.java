package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.ClientSink;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.StreamEncoder;
import dev.switchboard.protocol.sse.SseFormat;
import dev.switchboard.protocol.sse.SseParser;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's OpenAI stream re-encoded as Anthropic events through the sink's encoder: the event
 * sequence the Messages streaming docs define.
 */
class AnthropicSinkTest {

    /** Collects what reaches the client. */
    private static final class Recorder implements ClientSink {
        final ByteSink body = new ByteSink(256);
        int status;
        boolean ended;

        @Override
        public void respond(int status, Map<String, String> headers, byte[] json) {
            this.status = status;
            body.append(json);
            ended = true;
        }

        @Override
        public void startStream(Map<String, String> headers) {
            status = 200;
        }

        @Override
        public boolean headSent() {
            return status != 0;
        }

        @Override
        public void write(byte[] bytes) {
            body.append(bytes);
        }

        @Override
        public void end(byte[] last) {
            body.append(last);
            ended = true;
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public void onDrain(Runnable action) {
        }

        @Override
        public void onClose(Runnable action) {
        }

        @Override
        public boolean closed() {
            return ended;
        }

        String text() {
            return new String(body.toByteArray(), StandardCharsets.UTF_8);
        }
    }

    /** Drives the sink as the gateway does: the stream's chunks, waiting comments and end go through its encoder. */
    private static String relay(byte[] openAiStream) {
        Recorder client = new Recorder();
        AnthropicSink sink = new AnthropicSink(client);
        sink.startStream(Map.of());
        ByteSink out = new ByteSink(256);
        StreamEncoder encoder = sink.encoder();
        SseParser parser = new SseParser(new SseParser.Listener() {
            @Override
            public void onEvent(String event, byte[] data) {
                if (!SseFormat.isDone(data)) {
                    encoder.chunk(data, out);
                }
            }

            @Override
            public void onComment(byte[] line, int from, int to) {
                encoder.waiting(out);
            }
        }, 1 << 20);
        parser.feed(openAiStream);
        parser.end();
        encoder.done(out);
        sink.end(out.toByteArray());
        return client.text();
    }

    private static byte[] withKeepaliveAndDone(String fixture) {
        String text = ": SWITCHBOARD PROCESSING\n\n" + Fixtures.text(fixture).strip() + "\n\n";
        if (!text.contains("[DONE]")) {
            text += "data: [DONE]\n\n";
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai/chat_stream_text.sse", "openai/chat_stream.sse",
            "recorded/third-party/openai_chat_tool_call_stream.gpt-4o.sse"})
    void aStreamBecomesTheMessagesEventSequence(String fixture) {
        List<String> names = events(relay(withKeepaliveAndDone(fixture))).stream().map(e -> e[0]).toList();
        assertThat(names.getFirst()).isEqualTo("ping");
        assertThat(names.get(1)).isEqualTo("message_start");
        assertThat(names.getLast()).isEqualTo("message_stop");
        assertThat(names.get(names.size() - 2)).isEqualTo("message_delta");
        assertThat(names.stream().filter(n -> n.equals("content_block_start")).count())
                .isEqualTo(names.stream().filter(n -> n.equals("content_block_stop")).count());
    }

    @Test
    void aToolCallStreamsAsToolUseWithInputJsonDeltas() {
        String out = relay(withKeepaliveAndDone("recorded/third-party/openai_chat_tool_call_stream.gpt-4o.sse"));
        List<String[]> events = events(out);
        JsonNode start = events.stream().filter(e -> e[0].equals("content_block_start")).map(e -> Json.parse(e[1]))
                .findFirst().orElseThrow();
        assertThat(start.path("content_block").path("type").asText()).isEqualTo("tool_use");
        assertThat(start.path("content_block").path("id").asText()).isEqualTo("call_2Uzw0AEZQeOex2CP2TKjcLKc");
        StringBuilder arguments = new StringBuilder();
        events.stream().filter(e -> e[0].equals("content_block_delta")).map(e -> Json.parse(e[1]).path("delta"))
                .forEach(d -> {
                    assertThat(d.path("type").asText()).isEqualTo("input_json_delta");
                    arguments.append(d.path("partial_json").asText());
                });
        assertThat(Json.parse(arguments.toString())).isEqualTo(Json.parse("{\"location\":\"San Francisco, CA\"}"));
        JsonNode delta = events.stream().filter(e -> e[0].equals("message_delta")).map(e -> Json.parse(e[1]))
                .findFirst().orElseThrow();
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void anErrorChunkBecomesAnErrorEventWithoutMessageStop() {
        byte[] stream = ("data: {\"id\":\"gen-1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                + "data: {\"id\":\"gen-1\",\"error\":{\"code\":502,\"message\":\"upstream broke\"},"
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"error\"}]}\n\n"
                + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
        List<String[]> events = events(relay(stream));
        String[] last = events.getLast();
        assertThat(last[0]).isEqualTo("error");
        JsonNode error = Json.parse(last[1]);
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo("api_error");
        assertThat(error.path("error").path("message").asText()).isEqualTo("upstream broke");
        assertThat(events.stream().map(e -> e[0])).doesNotContain("message_stop");
    }

    @Test
    void errorsBeforeTheStreamUseAnthropicsShapeAndOverloadedFor503() {
        Recorder client = new Recorder();
        new AnthropicSink(client).respond(503, Map.of(),
                "{\"error\":{\"code\":503,\"message\":\"nothing fits\",\"type\":\"no_endpoint_available\"}}".getBytes());
        assertThat(client.status).isEqualTo(529);
        assertThat(Json.parse(client.text())).isEqualTo(Json.parse(
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"nothing fits\"}}"));
    }

    @Test
    void aCompletionBecomesAMessage() {
        Recorder client = new Recorder();
        new AnthropicSink(client).respond(200, Map.of(), Fixtures.bytes("openai/chat_tool_call.json"));
        JsonNode message = Json.parse(client.text());
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(message.path("content")).hasSize(1);
        assertThat(message.path("content").get(0).path("input")).isEqualTo(Json.parse("{\"location\":\"San Francisco, CA\"}"));
        assertThat(message.path("usage").path("input_tokens").asLong()).isEqualTo(82);
        assertThat(message.path("usage").path("output_tokens").asLong()).isEqualTo(17);
    }

    /** [name, data] of every event. */
    private static List<String[]> events(String sse) {
        List<String[]> events = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            String name = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (name != null) {
                events.add(new String[] {name, data});
            }
        }
        return events;
    }
}
