package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Bedrock ConverseStream (binary event-stream) → OpenAI chat.completion.chunk. */
class ConverseStreamTest {
    private static final String MODEL = "eu.anthropic.claude-sonnet-4-6";

    /** Feeds the body in the given pieces and returns the chunks. */
    private static List<JsonNode> translate(byte[]... pieces) {
        List<JsonNode> chunks = new ArrayList<>();
        ConverseStream stream = new ConverseStream(MODEL, 1_700_000_000, json -> chunks.add(Json.parse(json)));
        for (byte[] piece : pieces) {
            stream.feed(piece);
        }
        stream.end();
        assertThat(stream.stopped()).isTrue();
        return chunks;
    }

    private static String text(List<JsonNode> chunks) {
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.path("choices").forEach(choice -> text.append(choice.at("/delta/content").asText(""))));
        return text.toString();
    }

    private static JsonNode chunk(String choicesAndUsage) {
        return Json.parse("{\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + MODEL + "\","
                + choicesAndUsage + "}");
    }

    @Test
    void translatesTheRecordedLiveStream() {
        List<JsonNode> chunks = translate(Fixtures.bytes("bedrock/converse_stream.eventstream.bin"));

        assertThat(chunks).containsExactly(
                chunk("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]"),
                chunk("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"OK\"},\"logprobs\":null,\"finish_reason\":null}]"),
                chunk("\"choices\":[{\"index\":0,\"delta\":{\"content\":\".\"},\"logprobs\":null,\"finish_reason\":null}]"),
                chunk("\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\",\"native_finish_reason\":\"end_turn\"}]"),
                chunk("\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"cache_write_tokens\":0}}"));
    }

    @Test
    void givesTheSameChunksWhateverOffsetTheBodyIsSplitAt() {
        byte[] body = Fixtures.bytes("bedrock/converse_stream.eventstream.bin");
        List<JsonNode> whole = translate(body);

        for (int at = 0; at <= body.length; at++) {
            assertThat(translate(Arrays.copyOfRange(body, 0, at), Arrays.copyOfRange(body, at, body.length)))
                    .as("split at %d", at).isEqualTo(whole);
        }
        byte[][] bytes = new byte[body.length][];
        for (int i = 0; i < body.length; i++) {
            bytes[i] = new byte[]{body[i]};
        }
        assertThat(translate(bytes)).as("byte by byte").isEqualTo(whole);
    }

    @Test
    void theRecordedCaptureInTheVercelFixtureIsTheSameStream() {
        JsonNode capture = Json.parse(Fixtures.bytes("recorded/vercel-ai/amazon-bedrock/issue-18994-live-converse-stream.json"));
        byte[] body = Base64.getDecoder().decode(capture.at("/response/bodyBase64").asText());

        assertThat(text(translate(body))).isEqualTo(capture.at("/observed/text").asText());
    }

    @Test
    void streamsAToolCallHeaderThenItsArgumentFragments() {
        byte[] body = EventFrames.fromJsonLines(Fixtures.text("bedrock/converse_stream_tool_use.events.jsonl"));

        List<JsonNode> chunks = translate(body);

        assertThat(text(chunks)).isEqualTo("I'll check the weather for you.");
        List<JsonNode> toolDeltas = chunks.stream().filter(c -> c.at("/choices/0/delta").has("tool_calls"))
                .map(c -> c.at("/choices/0/delta/tool_calls/0")).toList();
        assertThat(toolDeltas).containsExactly(
                Json.parse("{\"index\":0,\"id\":\"tooluse_Xq3kVh0TQm2Yd1bZ9sJw4A\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}"),
                Json.parse("{\"index\":0,\"function\":{\"arguments\":\"{\\\"location\\\":\"}}"),
                Json.parse("{\"index\":0,\"function\":{\"arguments\":\" \\\"San Francisco, CA\\\"}\"}}"));
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(chunks.getLast().at("/usage/prompt_tokens").asLong()).isEqualTo(412);
        assertThat(chunks.getLast().at("/usage/completion_tokens").asLong()).isEqualTo(58);
    }

    @Test
    void ignoresUnknownEventsAndReasoningDeltas() {
        byte[] body = EventFrames.fromJsonLines("""
                {"messageStart":{"role":"assistant"}}
                {"somethingNew":{"x":1}}
                {"contentBlockDelta":{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"hmm"}}}}
                {"contentBlockDelta":{"contentBlockIndex":1,"delta":{"text":"Hi"}}}
                {"messageStop":{"stopReason":"max_tokens"}}
                """);

        List<JsonNode> chunks = translate(body);

        assertThat(text(chunks)).isEqualTo("Hi");
        assertThat(chunks).hasSize(3);
        assertThat(chunks.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void anExceptionMessageBreaksTheStreamWithBedrocksText() {
        byte[] body = Fixtures.bytes("bedrock/converse_stream_exception.eventstream.bin");
        ConverseStream stream = new ConverseStream(MODEL, 0, json -> {
        });

        BedrockFormatException e = catchThrowableOfType(BedrockFormatException.class, () -> stream.feed(body));

        assertThat(e.providerError()).isTrue();
        assertThat(e.getMessage()).isEqualTo("provider reported modelStreamErrorException in the stream: Model Stream Error");
    }

    @Test
    void aThrottlingExceptionAfterTextBreaksTheStreamAfterTheTextWasPassedOn() {
        byte[] text = EventFrames.fromJsonLines("""
                {"messageStart":{"role":"assistant"}}
                {"contentBlockDelta":{"contentBlockIndex":0,"delta":{"text":"Hel"}}}
                """);
        byte[] throttled = EventFrames.exception("throttlingException", "{\"message\":\"Too many tokens, please wait.\"}");
        List<JsonNode> chunks = new ArrayList<>();
        ConverseStream stream = new ConverseStream(MODEL, 0, json -> chunks.add(Json.parse(json)));
        stream.feed(text);

        BedrockFormatException e = catchThrowableOfType(BedrockFormatException.class, () -> stream.feed(throttled));

        assertThat(text(chunks)).isEqualTo("Hel");
        assertThat(e.providerError()).isTrue();
        assertThat(e.getMessage()).contains("throttlingException").contains("Too many tokens");
    }

    @Test
    void aBodyThatEndsInsideAFrameIsNotAnEnd() {
        byte[] body = Fixtures.bytes("bedrock/converse_stream.eventstream.bin");
        ConverseStream stream = new ConverseStream(MODEL, 0, json -> {
        });
        stream.feed(Arrays.copyOf(body, body.length - 3));

        BedrockFormatException e = catchThrowableOfType(BedrockFormatException.class, stream::end);

        assertThat(e.providerError()).isFalse();
        assertThat(stream.stopped()).isTrue();
    }

    @Test
    void aCorruptFrameIsAnInvalidResponse() {
        byte[] body = Fixtures.bytes("bedrock/converse_stream.eventstream.bin").clone();
        body[40] ^= 0x01; // inside the first frame's headers: its message CRC no longer matches
        ConverseStream stream = new ConverseStream(MODEL, 0, json -> {
        });

        BedrockFormatException e = catchThrowableOfType(BedrockFormatException.class, () -> stream.feed(body));

        assertThat(e.providerError()).isFalse();
        assertThat(e.getMessage()).startsWith("provider sent a corrupt event-stream frame");
    }

    @Test
    void keepsNothingOfDeliveredFramesWhileStreaming() {
        byte[] frame = EventFrames.fromJsonLines("{\"contentBlockDelta\":{\"contentBlockIndex\":0,\"delta\":{\"text\":\"x\"}}}");
        int[] chunks = {0};
        ConverseStream stream = new ConverseStream(MODEL, 0, json -> chunks[0]++);
        for (int i = 0; i < 20_000; i++) {
            stream.feed(frame);
        }
        stream.end(); // nothing pending: every frame was consumed as it completed
        assertThat(chunks[0]).isEqualTo(20_000);
    }
}
