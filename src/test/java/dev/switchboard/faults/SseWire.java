package dev.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** The wires that stream server-sent events: OpenAI Chat Completions, Anthropic Messages and Gemini. */
record SseWire(String name, String protocolYaml, Function<FakeUpstream.Received, String> modelOf, String answerFixture,
               BiConsumer<ObjectNode, String> setText, String streamFixture, int framesToFirstToken,
               Function<String, String> contentEvent, String errorEvent, int errorStatus, String errorJson,
               String laterText, String answerText) implements Wire {

    static final SseWire OPENAI = new SseWire("openai", "protocol: openai\nbase_url: http://127.0.0.1:%d/v1\napi_key: sk-%s",
            SseWire::modelInBody, "openai/chat_nonstream.json",
            (answer, text) -> ((ObjectNode) answer.at("/choices/0/message")).put("content", text),
            "openai/chat_stream_text.sse", 2,
            text -> "data: " + Json.object().put("id", "chatcmpl-more").put("object", "chat.completion.chunk")
                    .put("created", 1).put("model", "gpt-4.1-nano").set("choices", Json.MAPPER.createArrayNode().add(Json.object()
                            .put("index", 0).set("delta", Json.object().put("content", text)))) + "\n\n",
            // OpenAI reports a failure after the stream began as an error object in a data line
            "data: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\"}}\n\n",
            500, "{\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\"}}",
            "\" How\"", "\"Hello!");

    static final SseWire ANTHROPIC = new SseWire("anthropic",
            "protocol: anthropic\nbase_url: http://127.0.0.1:%d\napi_key: sk-ant-%s",
            SseWire::modelInBody, "anthropic/messages_nonstream.json",
            (answer, text) -> ((ObjectNode) answer.at("/content/0")).put("text", text),
            "anthropic/messages_stream.sse", 4,
            text -> "event: content_block_delta\ndata: " + Json.object().put("type", "content_block_delta").put("index", 0)
                    .set("delta", Json.object().put("type", "text_delta").put("text", text)) + "\n\n",
            Fixtures.text("anthropic/error_overloaded_stream.sse").strip() + "\n\n",
            529, Fixtures.text("anthropic/error_overloaded_stream.sse").lines()
                    .filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring(6),
            "\" let\"", "\"Hello!");

    static final SseWire GEMINI = new SseWire("gemini", "protocol: gemini\nbase_url: http://127.0.0.1:%d\napi_key: AIza-%s",
            SseWire::modelInGeminiPath, "gemini/generate.json",
            (answer, text) -> ((ObjectNode) answer.at("/candidates/0/content/parts/0")).put("text", text),
            "gemini/stream.sse", 1,
            text -> "data: " + Json.object().set("candidates", Json.MAPPER.createArrayNode().add(Json.object().put("index", 0)
                    .set("content", Json.object().put("role", "model")
                            .set("parts", Json.MAPPER.createArrayNode().add(Json.object().put("text", text)))))) + "\n\n",
            // a Gemini stream that fails after it began sends the error object as its last event
            "data: {\"error\":{\"code\":500,\"message\":\"An internal error has occurred.\",\"status\":\"INTERNAL\"}}\n\n",
            500, "{\"error\":{\"code\":500,\"message\":\"An internal error has occurred.\",\"status\":\"INTERNAL\"}}",
            "st**r**awbe", "\"There are");

    @Override
    public String provider(String id, FakeUpstream upstream, String extra) {
        return "  - id: " + id + "\n" + (protocolYaml.formatted(upstream.port(), id) + "\n" + extra).indent(4);
    }

    @Override
    public String upstreamModel(FakeUpstream.Received request) {
        return modelOf.apply(request);
    }

    @Override
    public boolean streams() {
        return true;
    }

    @Override
    public byte[] answer(UnaryOperator<String> edit) {
        return Wire.withInvalidUtf8(edit.apply(Fixtures.text(answerFixture)));
    }

    @Override
    public byte[] bigAnswer(int size) {
        ObjectNode answer = (ObjectNode) Json.parse(Fixtures.bytes(answerFixture));
        setText.accept(answer, Wire.bigText(size));
        return Json.bytes(answer);
    }

    @Override
    public byte[] errorBody() {
        return errorJson.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public List<byte[]> frames(UnaryOperator<String> edit) {
        return FakeUpstream.events(Fixtures.text(streamFixture)).stream()
                .map(event -> Wire.withInvalidUtf8(edit.apply(event))).toList();
    }

    @Override
    public byte[] contentFrame(String text) {
        return contentEvent.apply(text).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] malformedFrame() {
        return "data: {\"choices\":[{\"delta\":{\"content\":\"cut here\n\n".getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] errorFrame() {
        return errorEvent.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String streamContentType() {
        return "text/event-stream";
    }

    static String modelInBody(FakeUpstream.Received request) {
        JsonNode body = request.json();
        return body.path("model").asText();
    }

    /** {@code /v1beta/models/<model>:generateContent} or {@code :streamGenerateContent}. */
    static String modelInGeminiPath(FakeUpstream.Received request) {
        String path = request.path();
        int start = path.indexOf("/models/") + "/models/".length();
        return path.substring(start, path.indexOf(':', start));
    }
}
