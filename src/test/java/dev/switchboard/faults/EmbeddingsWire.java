package dev.switchboard.faults;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;

import java.util.List;
import java.util.function.UnaryOperator;

/** OpenAI embeddings ({@code POST /v1/embeddings}): answers only, no streams. */
final class EmbeddingsWire implements Wire {
    static final EmbeddingsWire INSTANCE = new EmbeddingsWire();

    private EmbeddingsWire() {
    }

    @Override
    public String name() {
        return "embeddings";
    }

    @Override
    public String provider(String id, FakeUpstream upstream, String extra) {
        return SseWire.OPENAI.provider(id, upstream, extra);
    }

    @Override
    public String upstreamModel(FakeUpstream.Received request) {
        return SseWire.modelInBody(request);
    }

    @Override
    public boolean streams() {
        return false;
    }

    @Override
    public byte[] answer(UnaryOperator<String> edit) {
        return Wire.withInvalidUtf8(edit.apply(Fixtures.text("openai/embeddings.json")));
    }

    /** A vector of about {@code size} characters of JSON numbers. */
    @Override
    public byte[] bigAnswer(int size) {
        ObjectNode answer = (ObjectNode) Json.parse(Fixtures.bytes("openai/embeddings.json"));
        ArrayNode vector = ((ObjectNode) answer.at("/data/0")).putArray("embedding");
        for (int i = 0; i < size / 14; i++) {
            vector.add(-0.0093272921 + i * 1e-9);
        }
        return Json.bytes(answer);
    }

    @Override
    public int errorStatus() {
        return SseWire.OPENAI.errorStatus();
    }

    @Override
    public byte[] errorBody() {
        return SseWire.OPENAI.errorBody();
    }

    @Override
    public List<byte[]> frames(UnaryOperator<String> edit) {
        throw new UnsupportedOperationException("embeddings do not stream");
    }

    @Override
    public int framesToFirstToken() {
        throw new UnsupportedOperationException("embeddings do not stream");
    }

    @Override
    public byte[] contentFrame(String text) {
        throw new UnsupportedOperationException("embeddings do not stream");
    }

    @Override
    public byte[] malformedFrame() {
        throw new UnsupportedOperationException("embeddings do not stream");
    }

    @Override
    public byte[] errorFrame() {
        throw new UnsupportedOperationException("embeddings do not stream");
    }

    @Override
    public String streamContentType() {
        throw new UnsupportedOperationException("embeddings do not stream");
    }

    @Override
    public String laterText() {
        throw new UnsupportedOperationException("embeddings do not stream");
    }

    /** Invalid bytes inside the model's name, the one text of the answer. */
    @Override
    public String answerText() {
        return "\"text-embedding";
    }
}
