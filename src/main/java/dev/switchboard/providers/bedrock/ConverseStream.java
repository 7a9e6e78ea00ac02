package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.Usage;
import dev.switchboard.protocol.Json;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;
import software.amazon.eventstream.MessageDecoder;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a ConverseStream body ({@code application/vnd.amazon.eventstream}, binary frames decoded
 * by the AWS event-stream library, CRCs checked) and writes OpenAI {@code chat.completion.chunk}s
 * (fixtures/MAPPING.md §5; reference/bedrock/NOTES.md "ConverseStream wire format"):
 * <ul>
 * <li>{@code messageStart} → a role chunk;</li>
 * <li>{@code contentBlockDelta.text} → {@code delta.content};</li>
 * <li>{@code contentBlockStart.toolUse} → a tool call header (id, name, empty arguments),
 *     {@code contentBlockDelta.toolUse.input} → its argument fragments;</li>
 * <li>{@code messageStop.stopReason} → the finish chunk;</li>
 * <li>{@code metadata.usage}, which comes after messageStop → a usage chunk ({@code choices: []}).</li>
 * </ul>
 * Exception messages ({@code :message-type: exception}, e.g. throttlingException,
 * modelStreamErrorException) end the stream as a provider error. Unknown events, the {@code "p"}
 * padding field, reasoningContent and citation deltas are ignored. Pure and incremental: bytes
 * in, chunks out, across any split; it holds at most one frame and a map from content block to
 * tool call index. One instance per stream, one thread.
 */
final class ConverseStream {
    /** Receives each chunk, as JSON. */
    @FunctionalInterface
    interface Sink {
        void chunk(byte[] json);
    }

    private final MessageDecoder decoder = new MessageDecoder(this::onMessage);
    private final String model;
    private final long created;
    private final Sink sink;
    private final Map<Integer, Integer> toolCallOfBlock = new HashMap<>();
    private long pendingBytes;
    private boolean stopped;

    ConverseStream(String model, long created, Sink sink) {
        this.model = model;
        this.created = created;
        this.sink = sink;
    }

    /**
     * Reads the next bytes of the body.
     *
     * @throws BedrockFormatException when a frame is corrupt, an event unreadable, or an exception arrives
     */
    void feed(byte[] bytes) {
        pendingBytes += bytes.length;
        try {
            decoder.feed(bytes);
        } catch (BedrockFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // the library reports bad lengths and CRC mismatches as IllegalArgument/IllegalState
            throw new BedrockFormatException("provider sent a corrupt event-stream frame: " + e.getMessage(), false);
        }
    }

    /** The body ended; throws {@link BedrockFormatException} if it ended inside a frame. */
    void end() {
        if (pendingBytes != 0) {
            throw new BedrockFormatException("provider ended the stream inside an event-stream frame", false);
        }
    }

    /** Whether messageStop arrived: the answer is complete (usage may still follow). */
    boolean stopped() {
        return stopped;
    }

    private void onMessage(Message message) {
        Map<String, HeaderValue> headers = message.getHeaders();
        pendingBytes -= frameLength(message);
        String messageType = header(headers, ":message-type");
        switch (messageType == null ? "event" : messageType) {
            case "event" -> onEvent(header(headers, ":event-type"), parse(message.getPayload()));
            case "exception" -> throw new BedrockFormatException(
                    BedrockErrors.streamException(header(headers, ":exception-type"), message.getPayload()), true);
            case "error" -> throw new BedrockFormatException("provider reported " + header(headers, ":error-code")
                    + " in the stream: " + header(headers, ":error-message"), true);
            default -> {
                // a message type this adapter does not know: nothing to translate
            }
        }
    }

    /** One decoded event: {@code type} is the {@code :event-type} header, {@code payload} its JSON. */
    void onEvent(String type, JsonNode payload) {
        if (type == null) {
            return;
        }
        switch (type) {
            case "messageStart" -> emit(Json.object().put("role", "assistant").put("content", ""), null, null);
            case "contentBlockStart" -> onBlockStart(payload);
            case "contentBlockDelta" -> onBlockDelta(payload);
            case "messageStop" -> onMessageStop(payload);
            case "metadata" -> onMetadata(payload);
            default -> {
                // contentBlockStop and events added after this adapter was written
            }
        }
    }

    private void onBlockStart(JsonNode payload) {
        JsonNode toolUse = payload.path("start").get("toolUse");
        if (toolUse == null || !toolUse.isObject()) {
            return;
        }
        int index = toolCallOfBlock.size();
        toolCallOfBlock.put(payload.path("contentBlockIndex").asInt(), index);
        ObjectNode call = ConverseOutput.toolCall(toolUse);
        ((ObjectNode) call.get("function")).put("arguments", "");
        ObjectNode delta = Json.object();
        delta.putArray("tool_calls").addObject().put("index", index).setAll(call);
        emit(delta, null, null);
    }

    private void onBlockDelta(JsonNode payload) {
        JsonNode delta = payload.path("delta");
        JsonNode text = delta.get("text");
        if (text != null && text.isTextual()) {
            if (!text.asText().isEmpty()) {
                emit(Json.object().put("content", text.asText()), null, null);
            }
            return;
        }
        JsonNode input = delta.path("toolUse").get("input");
        if (input != null && input.isTextual()) {
            Integer index = toolCallOfBlock.get(payload.path("contentBlockIndex").asInt());
            if (index == null) {
                throw new BedrockFormatException("provider sent toolUse input for a block that did not start a toolUse", false);
            }
            ObjectNode out = Json.object();
            out.putArray("tool_calls").addObject().put("index", index)
                    .putObject("function").put("arguments", input.asText());
            emit(out, null, null);
        }
    }

    private void onMessageStop(JsonNode payload) {
        if (stopped) {
            return;
        }
        stopped = true;
        String reason = payload.path("stopReason").asText("end_turn");
        emit(Json.object(), ConverseOutput.finishReason(reason), reason);
    }

    private void onMetadata(JsonNode payload) {
        Usage usage = ConverseOutput.usage(payload.get("usage"));
        if (usage != null) {
            ObjectNode chunk = envelope();
            chunk.putArray("choices");
            chunk.set("usage", ConverseOutput.toOpenAi(usage));
            sink.chunk(Json.bytes(chunk));
        }
    }

    private void emit(ObjectNode delta, String finishReason, String nativeReason) {
        ObjectNode chunk = envelope();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (nativeReason != null) {
            choice.put("native_finish_reason", nativeReason);
        }
        sink.chunk(Json.bytes(chunk));
    }

    private ObjectNode envelope() {
        return Json.object().put("object", "chat.completion.chunk").put("created", created).put("model", model);
    }

    private static String header(Map<String, HeaderValue> headers, String name) {
        HeaderValue value = headers.get(name);
        return value == null ? null : value.getString();
    }

    /** The frame's size on the wire: prelude (12) + headers + payload + message CRC (4). */
    private static long frameLength(Message message) {
        return 16L + Message.encodeHeaders(message.getHeaders().entrySet()).length + message.getPayload().length;
    }

    private static JsonNode parse(byte[] payload) {
        try {
            JsonNode node = Json.MAPPER.readTree(payload);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new BedrockFormatException("provider sent an event whose payload is not a JSON object", false);
    }
}
