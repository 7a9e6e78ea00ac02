package dev.switchboard.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.StreamEncoder;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the OpenAI chunks of one stream into Anthropic's event sequence: {@code message_start},
 * per content block {@code content_block_start} / {@code _delta} / {@code _stop} (text runs and
 * tool calls, with {@code input_json_delta} for arguments), then {@code message_delta} with the
 * stop reason and usage, and {@code message_stop}. Waiting comments become {@code ping}; an error
 * chunk becomes {@code event: error}. Holds only the open block's position, not the text.
 */
public final class ChunksToEvents implements StreamEncoder {
    /** Where an Anthropic upstream's own event rides in a chunk (set by the Anthropic adapter). */
    static final String ORIGINAL_EVENT = "x_anthropic_event";
    private static final byte[] PING = event("ping", Json.object().put("type", "ping"));

    private boolean started;
    private boolean finished;
    private int nextIndex;
    private int openIndex = -1;
    private boolean openIsText;
    /** The reasoning-detail index of the open thinking block, or -1 when the open block is not thinking. */
    private int openReasoning = -1;
    /** OpenAI tool-call index → Anthropic content block index, for argument deltas. */
    private final Map<Integer, Integer> toolBlocks = new HashMap<>(4);
    private String stopReason;
    private JsonNode usage;
    /** The upstream's own events are given back (an Anthropic upstream); see {@link #original}. */
    private boolean passThrough;
    private ObjectNode heldDelta;
    private JsonNode heldStop;

    /** One OpenAI chunk (the JSON of an SSE data line). */
    @Override
    public void chunk(byte[] json, ByteSink out) {
        if (finished) {
            return;
        }
        JsonNode chunk = Json.parse(json);
        if (chunk.has("error")) {
            error(chunk.get("error"), out);
            return;
        }
        if (chunk.has(ORIGINAL_EVENT)) {
            original(chunk, chunk.get(ORIGINAL_EVENT), out);
            return;
        }
        if (passThrough) {
            // the upstream's own events carry this answer; the canonical chunks only bring the cost
            if (chunk.hasNonNull("usage")) {
                usage = chunk.get("usage");
            }
            return;
        }
        start(chunk, out);
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        for (JsonNode detail : delta.path("reasoning_details")) {
            reasoning(detail, out);
        }
        JsonNode content = delta.get("content");
        if (content != null && content.isTextual() && !content.asText().isEmpty()) {
            if (openIndex < 0 || !openIsText) {
                closeBlock(out);
                openBlock(true, Json.object().put("type", "text").put("text", ""), out);
            }
            ObjectNode d = Json.object().put("type", "text_delta").put("text", content.asText());
            out.append(event("content_block_delta", blockEvent("content_block_delta", openIndex).set("delta", d)));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            int toolIndex = call.path("index").asInt(0);
            if (call.hasNonNull("id")) {
                closeBlock(out);
                ObjectNode block = Json.object().put("type", "tool_use").put("id", call.get("id").asText())
                        .put("name", call.path("function").path("name").asText(""));
                block.putObject("input");
                openBlock(false, block, out);
                toolBlocks.put(toolIndex, openIndex);
            }
            String arguments = call.path("function").path("arguments").asText("");
            Integer blockIndex = toolBlocks.get(toolIndex);
            if (!arguments.isEmpty() && blockIndex != null) {
                ObjectNode d = Json.object().put("type", "input_json_delta").put("partial_json", arguments);
                out.append(event("content_block_delta", blockEvent("content_block_delta", blockIndex).set("delta", d)));
            }
        }
        if (choice.hasNonNull("finish_reason")) {
            stopReason = ChatToMessage.stopReason(choice.get("finish_reason").asText());
        }
        if (chunk.hasNonNull("usage")) {
            usage = chunk.get("usage");
        }
    }

    /**
     * An Anthropic upstream's own event (the client spoke the Messages API too): given back as it
     * came, with Switchboard's id and model on {@code message_start}; {@code message_delta} and
     * {@code message_stop} wait for the end, when the cost is known.
     */
    private void original(JsonNode chunk, JsonNode event, ByteSink out) {
        passThrough = true;
        String type = event.path("type").asText("");
        switch (type) {
            case "message_start" -> {
                started = true;
                ObjectNode start = event.deepCopy();
                ObjectNode message = (ObjectNode) start.path("message");
                if (message != null && message.isObject()) {
                    if (!message.path("usage").isObject()) {
                        // Anthropic always sends it; a client's accumulator needs it
                        message.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
                    }
                    message.put("id", chunk.path("id").asText());
                    message.put("model", chunk.path("model").asText());
                    if (chunk.has("provider")) {
                        message.set("provider", chunk.get("provider"));
                    }
                }
                out.append(event(type, start));
            }
            case "message_delta" -> heldDelta = event.deepCopy();
            case "message_stop" -> heldStop = event;
            default -> out.append(event(type.isEmpty() ? "unknown" : type, event));
        }
    }

    /** The gateway is still waiting for the first token: Anthropic's {@code ping}. */
    @Override
    public void waiting(ByteSink out) {
        if (!finished) {
            out.append(PING);
        }
    }

    /** The OpenAI stream ended ({@code [DONE]}): close the open block and the message. */
    @Override
    public void done(ByteSink out) {
        if (finished) {
            return;
        }
        if (passThrough && heldDelta != null) {
            if (!heldDelta.path("usage").isObject()) {
                // the upstream reported none: the counts Switchboard made (and charged)
                heldDelta.set("usage", ChatToMessage.usage(usage == null ? Json.object() : usage));
            } else if (usage != null && usage.has("cost")) {
                ((ObjectNode) heldDelta.get("usage")).set("cost", usage.get("cost"));
            }
            out.append(event("message_delta", heldDelta));
            out.append(event("message_stop", heldStop != null ? heldStop : Json.object().put("type", "message_stop")));
            finished = true;
            return;
        }
        start(null, out);
        closeBlock(out);
        ObjectNode messageDelta = Json.object().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", stopReason == null ? "end_turn" : stopReason)
                .putNull("stop_sequence");
        messageDelta.set("usage", ChatToMessage.usage(usage == null ? Json.object() : usage));
        out.append(event("message_delta", messageDelta));
        out.append(event("message_stop", Json.object().put("type", "message_stop")));
        finished = true;
    }

    /** Entries kept across chunks: one per tool call of the message, nothing per text or argument fragment. */
    int retainedEntries() {
        return toolBlocks.size();
    }

    public boolean finished() {
        return finished;
    }

    private void start(JsonNode chunk, ByteSink out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode message = Json.object()
                .put("id", chunk == null ? "" : chunk.path("id").asText())
                .put("type", "message")
                .put("role", "assistant")
                .put("model", chunk == null ? "" : chunk.path("model").asText());
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        // the real counts arrive with the last chunk (message_delta); OpenAI streams report them only there
        message.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
        if (chunk != null && chunk.has("provider")) {
            message.set("provider", chunk.get("provider"));
        }
        ObjectNode start = Json.object().put("type", "message_start");
        start.set("message", message);
        out.append(event("message_start", start));
    }

    /**
     * Thinking from an Anthropic upstream, carried as OpenRouter's {@code reasoning_details}: text
     * and signature go back into a thinking block, encrypted details into a redacted one.
     */
    private void reasoning(JsonNode detail, ByteSink out) {
        int index = detail.path("index").asInt(0);
        switch (detail.path("type").asText()) {
            case "reasoning.text" -> {
                if (openReasoning != index) {
                    closeBlock(out);
                    openBlock(false, Json.object().put("type", "thinking").put("thinking", "").put("signature", ""), out);
                    openReasoning = index;
                }
                if (detail.hasNonNull("text") && !detail.get("text").asText().isEmpty()) {
                    ObjectNode d = Json.object().put("type", "thinking_delta").put("thinking", detail.get("text").asText());
                    out.append(event("content_block_delta", blockEvent("content_block_delta", openIndex).set("delta", d)));
                }
                if (detail.hasNonNull("signature")) {
                    ObjectNode d = Json.object().put("type", "signature_delta").put("signature", detail.get("signature").asText());
                    out.append(event("content_block_delta", blockEvent("content_block_delta", openIndex).set("delta", d)));
                }
            }
            case "reasoning.encrypted" -> {
                closeBlock(out);
                openBlock(false, Json.object().put("type", "redacted_thinking").put("data", detail.path("data").asText()), out);
                closeBlock(out);
            }
            default -> {
                // summaries and other detail types have no Anthropic block
            }
        }
    }

    private void openBlock(boolean text, ObjectNode block, ByteSink out) {
        openIndex = nextIndex++;
        openIsText = text;
        openReasoning = -1;
        ObjectNode start = blockEvent("content_block_start", openIndex);
        start.set("content_block", block);
        out.append(event("content_block_start", start));
    }

    private void closeBlock(ByteSink out) {
        if (openIndex >= 0) {
            out.append(event("content_block_stop", blockEvent("content_block_stop", openIndex)));
            openIndex = -1;
            openReasoning = -1;
        }
    }

    private void error(JsonNode error, ByteSink out) {
        int status = error.path("code").asInt(502);
        out.append(event("error", MessagesApiErrors.node(status, error.path("message").asText("upstream error"))));
        finished = true;
    }

    private static ObjectNode blockEvent(String type, int index) {
        return Json.object().put("type", type).put("index", index);
    }

    static byte[] event(String name, JsonNode data) {
        byte[] json = Json.bytes(data);
        byte[] head = ("event: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
        byte[] event = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, event, 0, head.length);
        System.arraycopy(json, 0, event, head.length, json.length);
        event[event.length - 2] = '\n';
        event[event.length - 1] = '\n';
        return event;
    }
}
