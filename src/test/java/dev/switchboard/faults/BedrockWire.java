package dev.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.bedrock.EventFrames;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import software.amazon.eventstream.Message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Bedrock Converse and ConverseStream: JSON answers, and AWS event-stream frames re-encoded from
 * the recorded stream's decoded events (so an edited payload gets fresh checksums).
 */
final class BedrockWire implements Wire {
    static final BedrockWire INSTANCE = new BedrockWire();

    private BedrockWire() {
    }

    @Override
    public String name() {
        return "bedrock";
    }

    @Override
    public String provider(String id, FakeUpstream upstream, String extra) {
        return "  - id: " + id + "\n" + ("protocol: bedrock\nbase_url: http://127.0.0.1:" + upstream.port()
                + "\naws: { region: us-east-1, access_key_id: AKIDEXAMPLE, secret_access_key: wJalrXUtnFEMI/K7MDENG }\n"
                + extra).indent(4);
    }

    /** {@code /model/<model>/converse} or {@code /model/<model>/converse-stream}. */
    @Override
    public String upstreamModel(FakeUpstream.Received request) {
        String path = request.path();
        int start = "/model/".length();
        return path.substring(start, path.indexOf('/', start));
    }

    @Override
    public boolean streams() {
        return true;
    }

    @Override
    public byte[] answer(UnaryOperator<String> edit) {
        return Wire.withInvalidUtf8(edit.apply(Fixtures.text("bedrock/converse.json")));
    }

    @Override
    public byte[] bigAnswer(int size) {
        ObjectNode answer = (ObjectNode) Json.parse(Fixtures.bytes("bedrock/converse.json"));
        ((ObjectNode) answer.at("/output/message/content/0")).put("text", Wire.bigText(size));
        return Json.bytes(answer);
    }

    @Override
    public int errorStatus() {
        return 500;
    }

    @Override
    public byte[] errorBody() {
        return "{\"message\":\"The server encountered an internal error while processing the request.\"}"
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public List<byte[]> frames(UnaryOperator<String> edit) {
        return Fixtures.text("bedrock/converse_stream.decoded.jsonl").lines().filter(l -> !l.isBlank()).map(line -> {
            JsonNode decoded = Json.parse(line);
            String type = decoded.at("/headers/:event-type").asText();
            return frame(type, Wire.withInvalidUtf8(edit.apply(Json.string(decoded.get("payload")))));
        }).toList();
    }

    @Override
    public int framesToFirstToken() {
        return 2; // messageStart, then the contentBlockDelta "OK"
    }

    @Override
    public byte[] contentFrame(String text) {
        return frame("contentBlockDelta", Json.bytes(Json.object().put("contentBlockIndex", 0)
                .set("delta", Json.object().put("text", text))));
    }

    @Override
    public byte[] malformedFrame() {
        return frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"cut here".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] errorFrame() {
        return Fixtures.bytes("bedrock/converse_stream_exception.eventstream.bin");
    }

    @Override
    public String streamContentType() {
        return "application/vnd.amazon.eventstream";
    }

    @Override
    public String laterText() {
        return "\".\"";
    }

    @Override
    public String answerText() {
        return "\"Let me";
    }

    private static byte[] frame(String type, byte[] payload) {
        Message message = EventFrames.event(type, payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.encode(out);
        return out.toByteArray();
    }
}
