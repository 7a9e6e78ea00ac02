package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.ChunkWriter;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Anthropic Messages stream events in, OpenAI {@code chat.completion.chunk} JSON out (MAPPING.md
 * §3). {@code message_start} gives the role chunk; {@code text_delta} content; a {@code tool_use}
 * block a tool-call header whose {@code index} is the ordinal of tool_use blocks in the message
 * (not Anthropic's block index), then its {@code input_json_delta}s as argument fragments;
 * {@code message_delta} the finish reason; {@code message_stop} a last chunk with
 * {@code choices: []} and the usage, cache tokens included. Thinking comes out as OpenRouter
 * shapes it: {@code delta.reasoning} text and {@code delta.reasoning_details} (text, then the
 * block's signature; redacted blocks as {@code reasoning.encrypted}). Citations, server-tool
 * blocks, {@code ping} and unknown events give nothing. An {@code error}
 * event is thrown as a {@link ErrorEvent}.
 *
 * <p>Memory stays flat whatever the length of the stream: fragments are passed on, never
 * joined; what is kept is the message's identity, four counters, and one small entry per
 * tool_use block that is open (started, not yet stopped). Pure, not thread-safe: one per stream.
 */
final class StreamTranslator {
    /** The member of a chunk that carries an upstream event for a Messages API client. */
    static final String ORIGINAL_EVENT = "x_anthropic_event";
    /** A tool_use block between its start and stop. */
    private static final class ToolBlock {
        final int ordinal;
        boolean sentArguments;

        ToolBlock(int ordinal) {
            this.ordinal = ordinal;
        }
    }

    private final Consumer<byte[]> out;
    private final ChunkWriter chunks;
    private final Map<Integer, ToolBlock> openToolBlocks = new HashMap<>(4);
    private final TokenCounts counts = new TokenCounts();
    private int toolCalls;
    /** Thinking blocks seen so far: the index of their reasoning details. */
    private int reasoningBlocks;
    private boolean finishSent;
    private boolean usageSent;
    private boolean roleSent;
    private boolean stopped;

    /** The client spoke the Messages API: each upstream event also goes out whole, for it to be given back as it came. */
    private final boolean keepOriginal;

    StreamTranslator(Consumer<byte[]> out, long createdSeconds) {
        this(out, createdSeconds, false);
    }

    StreamTranslator(Consumer<byte[]> out, long createdSeconds, boolean keepOriginal) {
        this.out = out;
        this.chunks = new ChunkWriter(createdSeconds);
        this.keepOriginal = keepOriginal;
    }

    /**
     * One SSE event: {@code event} is its {@code event:} name (may be null), {@code data} its JSON.
     * The JSON's own {@code type} decides; the event name only stands in when the type is missing.
     *
     * @throws UnusableResponse when the data is not a JSON object
     * @throws ErrorEvent when the provider reported an error in the stream
     */
    void onEvent(String event, byte[] data) {
        if (stopped) {
            return;
        }
        JsonNode json = parse(data);
        String type = json.path("type").asText(event == null ? "" : event);
        if (keepOriginal && !type.equals("error")) {
            // ahead of the event's own chunks, so the Messages API side knows from the first chunk on
            if (type.equals("message_start")) {
                chunks.identify(json.path("message").path("id").asText(""), json.path("message").path("model").asText(""));
            }
            out.accept(chunks.original(ORIGINAL_EVENT, json));
        }
        switch (type) {
            case "message_start" -> messageStart(json.path("message"));
            case "content_block_start" -> blockStart(json.path("index").asInt(-1), json.path("content_block"));
            case "content_block_delta" -> blockDelta(json.path("index").asInt(-1), json.path("delta"));
            case "content_block_stop" -> blockStop(json.path("index").asInt(-1));
            case "message_delta" -> messageDelta(json);
            case "message_stop" -> messageStop();
            case "error" -> throw new ErrorEvent(json.path("error").path("type").asText("error"),
                    json.path("error").path("message").asText(""));
            default -> {
                // ping, and event types added after this version (the versioning policy says to ignore them)
            }
        }
    }

    /** True once {@code message_stop} arrived: the answer is complete. */
    boolean stopped() {
        return stopped;
    }

    /**
     * The upstream closed its response. Without {@code message_stop} but after the finish reason,
     * the usage known so far still goes out; without a finish reason the stream is incomplete,
     * and the gateway says so.
     */
    void upstreamClosed() {
        if (!stopped && finishSent) {
            sendUsage();
        }
    }

    /** How many tool_use blocks are open: the only state that grows with the message, and only while blocks overlap. */
    int openBlocks() {
        return openToolBlocks.size();
    }

    private void messageStart(JsonNode message) {
        chunks.identify(message.path("id").asText(""), message.path("model").asText(""));
        counts.update(message.get("usage"));
        sendRole();
    }

    private void blockStart(int index, JsonNode block) {
        switch (block.path("type").asText("")) {
            case "text" -> sendContent(block.path("text").asText(""));
            case "tool_use" -> {
                ToolBlock tool = new ToolBlock(toolCalls++);
                openToolBlocks.put(index, tool);
                sendToolHeader(tool.ordinal, block.path("id").asText(""), block.path("name").asText(""));
            }
            case "thinking" -> {
                reasoningBlocks++;
                String thinking = block.path("thinking").asText("");
                if (!thinking.isEmpty()) {
                    sendRole();
                    out.accept(chunks.reasoningDetail(thinking, "reasoning.text", "text", thinking, reasoningBlocks - 1,
                            MessagesResponse.REASONING_FORMAT));
                }
            }
            case "redacted_thinking" -> {
                sendRole();
                out.accept(chunks.reasoningDetail(null, "reasoning.encrypted", "data", block.path("data").asText(""),
                        reasoningBlocks++, MessagesResponse.REASONING_FORMAT));
            }
            default -> {
                // server_tool_use, *_tool_result: no OpenAI equivalent
            }
        }
    }

    private void blockDelta(int index, JsonNode delta) {
        switch (delta.path("type").asText("")) {
            case "text_delta" -> sendContent(delta.path("text").asText(""));
            case "input_json_delta" -> {
                ToolBlock tool = openToolBlocks.get(index);
                String fragment = delta.path("partial_json").asText("");
                // server_tool_use blocks stream input_json_delta too: only client tool calls are passed on
                if (tool != null && !fragment.isEmpty()) {
                    tool.sentArguments = true;
                    sendArguments(tool.ordinal, fragment);
                }
            }
            case "thinking_delta" -> {
                String thinking = delta.path("thinking").asText("");
                if (!thinking.isEmpty()) {
                    sendRole();
                    out.accept(chunks.reasoningDetail(thinking, "reasoning.text", "text", thinking,
                            Math.max(0, reasoningBlocks - 1), MessagesResponse.REASONING_FORMAT));
                }
            }
            case "signature_delta" -> {
                sendRole();
                out.accept(chunks.reasoningDetail(null, "reasoning.text", "signature", delta.path("signature").asText(""),
                        Math.max(0, reasoningBlocks - 1), MessagesResponse.REASONING_FORMAT));
            }
            default -> {
                // citations_delta: no OpenAI equivalent (MAPPING.md §3)
            }
        }
    }

    /** A tool call that streamed no arguments gets "{}", as the non-streaming answer has for an empty input. */
    private void blockStop(int index) {
        ToolBlock tool = openToolBlocks.remove(index);
        if (tool != null && !tool.sentArguments) {
            sendArguments(tool.ordinal, "{}");
        }
    }

    private void messageDelta(JsonNode json) {
        counts.update(json.get("usage"));
        JsonNode stopReason = json.path("delta").path("stop_reason");
        if (!finishSent && stopReason.isTextual()) {
            sendFinish(StopReasons.finishReason(stopReason.asText()));
        }
    }

    private void messageStop() {
        if (!finishSent) {
            sendFinish("stop"); // message_stop without a reason still ends a complete message
        }
        sendUsage();
        stopped = true;
    }

    // ---- chunks ----

    /** The first chunk, once: every other chunk makes sure it went out before it. */
    private void sendRole() {
        if (!roleSent) {
            roleSent = true;
            out.accept(chunks.role());
        }
    }

    private void sendContent(String text) {
        if (!text.isEmpty()) {
            sendRole();
            out.accept(chunks.content(text));
        }
    }

    private void sendToolHeader(int ordinal, String id, String name) {
        sendRole();
        out.accept(chunks.toolHeader(ordinal, id, name));
    }

    private void sendArguments(int ordinal, String fragment) {
        out.accept(chunks.arguments(ordinal, fragment));
    }

    private void sendFinish(String finishReason) {
        sendRole();
        finishSent = true;
        out.accept(chunks.finish(finishReason));
    }

    /** The usage chunk, once, and only when the provider reported counts (otherwise the gateway estimates). */
    private void sendUsage() {
        if (!usageSent && counts.reported()) {
            usageSent = true;
            out.accept(chunks.usage(counts.toOpenAi()));
        }
    }

    private static JsonNode parse(byte[] data) {
        try {
            JsonNode json = Json.MAPPER.readTree(data);
            if (json != null && json.isObject()) {
                return json;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new UnusableResponse("provider sent a stream event that is not a JSON object");
    }

    /** An {@code event: error} in the stream (e.g. {@code overloaded_error} after the 200). */
    static final class ErrorEvent extends RuntimeException {
        private final String type;

        ErrorEvent(String type, String message) {
            super(type + (message.isEmpty() ? "" : ": " + message), null, false, false);
            this.type = type;
        }

        String type() {
            return type;
        }
    }
}
