package dev.switchboard.protocol.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.sse.SseFormat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Turns the chat chunks of one stream into the Responses event stream, field for field as the
 * recorded OpenAI streams: {@code response.created}, {@code response.in_progress}, per output item
 * {@code output_item.added}, its content events ({@code output_text.delta}…, function-call argument
 * or custom-tool input deltas, reasoning summary text) and {@code output_item.done}, then
 * {@code response.completed} (or {@code .incomplete}) with usage and cost. Usage comes in the last
 * chunk, after the finish reason, so the terminal event waits for it or for {@link #done}. An error
 * chunk becomes {@code error} then {@code response.failed}. When a Responses upstream answered, its
 * own events (carried in the chunks by its adapter) are passed on instead, renumbered and with
 * Switchboard's response id, model, provider and cost. One instance per stream; not thread-safe.
 */
public final class ResponseEvents {
    /** Where a Responses upstream's own event rides in a chunk (set by its adapter). */
    public static final String ORIGINAL_EVENT = "x_responses_event";
    private static final byte[] COMMENT = SseFormat.PROCESSING;

    private final ResponseMeta meta;
    private final ArrayNode output = Json.MAPPER.createArrayNode();
    private int sequence;
    private boolean started;
    private boolean finished;
    private String model = "";
    private JsonNode provider;
    private String finishReason;
    private JsonNode usage;
    private ObjectNode finalResponse;

    private OpenMessage message;
    private OpenReasoning reasoning;
    /** Chat tool-call index → its item; calls stay here (closed) so late fragments find them. */
    private final Map<Integer, OpenCall> calls = new HashMap<>(4);
    private OpenCall openCall;

    /** Pass-through of an upstream's own events: the terminal event waits here for the cost. */
    private boolean passThrough;
    private ObjectNode heldTerminal;
    private ObjectNode lastUpstreamResponse;

    public ResponseEvents(ResponseMeta meta) {
        this.meta = requireNonNull(meta, "meta");
    }

    /** One chat chunk (the JSON of an SSE data line). */
    public void chunk(byte[] chatChunkJson, ByteSink out) {
        if (finished) {
            return;
        }
        JsonNode chunk = Json.parse(chatChunkJson);
        identity(chunk);
        if (chunk.hasNonNull("usage")) {
            usage = chunk.get("usage");
        }
        if (chunk.hasNonNull("error")) {
            fail(chunk.get("error"), out);
            return;
        }
        if (chunk.path(ORIGINAL_EVENT).isObject()) {
            original((ObjectNode) chunk.get(ORIGINAL_EVENT), out);
            return;
        }
        if (passThrough) {
            // the upstream's own events carry the answer; canonical chunks only bring the usage and cost
            releaseTerminal(out);
            return;
        }
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        reasoning(delta, out);
        text(delta.path("content"), false, out);
        text(delta.path("refusal"), true, out);
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(call, out);
        }
        if (choice.hasNonNull("finish_reason")) {
            finishReason = choice.get("finish_reason").asText();
            start(out);
            closeItems(out);
        }
        if (finishReason != null && chunk.hasNonNull("usage")) {
            complete(out);
        }
    }

    /** The chat stream ended ({@code [DONE]} or the connection closed): close what is open and end the response. */
    public void done(ByteSink out) {
        if (finished) {
            return;
        }
        if (passThrough) {
            if (heldTerminal == null) {
                // the upstream stopped without saying how it ended
                fail(Json.object().put("code", "stream_ended").put("message", "the upstream stream ended before the response was complete"), out);
            } else {
                emitTerminal(out);
            }
            return;
        }
        start(out);
        closeItems(out);
        complete(out);
    }

    /** The gateway is still waiting for the first token: an SSE comment keeps the connection open. */
    public void comment(ByteSink out) {
        if (!finished) {
            out.append(COMMENT);
        }
    }

    public boolean finished() {
        return finished;
    }

    /** The final Response object (for storage); null before the stream ended. */
    public ObjectNode response() {
        return finalResponse;
    }

    /** The output items of the final response (empty before the stream ended). */
    public List<ObjectNode> outputItems() {
        List<ObjectNode> items = new ArrayList<>();
        if (finalResponse != null) {
            finalResponse.path("output").forEach(item -> items.add((ObjectNode) item));
        }
        return items;
    }

    private void identity(JsonNode chunk) {
        if (chunk.hasNonNull("model") && model.isEmpty()) {
            model = chunk.get("model").asText();
        }
        if (chunk.hasNonNull("provider") && provider == null) {
            provider = chunk.get("provider");
        }
    }

    // ---- canonical chunks → events

    private void start(ByteSink out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode response = response("in_progress", null, Json.MAPPER.createArrayNode(), null, null, null);
        emit(event("response.created").set("response", response), out);
        emit(event("response.in_progress").set("response", response), out);
    }

    private void reasoning(JsonNode delta, ByteSink out) {
        String text = reasoningDelta(delta);
        if (text.isEmpty()) {
            return;
        }
        if (reasoning == null) {
            start(out);
            closeItems(out);
            reasoning = new OpenReasoning(ResponseIds.next("rs"), output.size());
            output.add(OutputItems.reasoning(reasoning.id, List.of()));
            emit(itemEvent("response.output_item.added", reasoning.index, output.get(reasoning.index)), out);
            emit(summaryEvent("response.reasoning_summary_part.added").set("part", OutputItems.summaryText("")), out);
        }
        reasoning.text.append(text);
        emit(summaryEvent("response.reasoning_summary_text.delta").put("delta", text), out);
    }

    /** OpenRouter's {@code reasoning} (else {@code reasoning_content}, else the details' text): one of them, never the same text twice. */
    private static String reasoningDelta(JsonNode delta) {
        for (String member : new String[] {"reasoning", "reasoning_content"}) {
            if (delta.path(member).isTextual()) {
                return delta.get(member).asText();
            }
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode detail : delta.path("reasoning_details")) {
            text.append(detail.path("text").asText(detail.path("summary").asText("")));
        }
        return text.toString();
    }

    private void closeReasoning(ByteSink out) {
        if (reasoning == null) {
            return;
        }
        String text = reasoning.text.toString();
        emit(summaryEvent("response.reasoning_summary_text.done").put("text", text), out);
        emit(summaryEvent("response.reasoning_summary_part.done").set("part", OutputItems.summaryText(text)), out);
        ObjectNode item = OutputItems.reasoning(reasoning.id, List.of(text));
        output.set(reasoning.index, item);
        emit(itemEvent("response.output_item.done", reasoning.index, item), out);
        reasoning = null;
    }

    private ObjectNode summaryEvent(String type) {
        return event(type).put("item_id", reasoning.id).put("output_index", reasoning.index).put("summary_index", 0);
    }

    /** Answer text or a refusal: each a content part of the open message item. */
    private void text(JsonNode value, boolean refusal, ByteSink out) {
        if (!value.isTextual() || value.asText().isEmpty()) {
            return;
        }
        if (message == null) {
            start(out);
            closeItems(out);
            message = new OpenMessage(ResponseIds.next("msg"), output.size());
            output.add(OutputItems.message(message.id, "in_progress", Json.MAPPER.createArrayNode()));
            emit(itemEvent("response.output_item.added", message.index, output.get(message.index)), out);
        }
        Part part = refusal ? message.refusal : message.text;
        if (part == null) {
            part = new Part(message.nextPart++, refusal);
            if (refusal) {
                message.refusal = part;
            } else {
                message.text = part;
            }
            emit(partEvent("response.content_part.added", part).set("part", part.node("")), out);
        }
        part.content.append(value.asText());
        ObjectNode delta = partEvent(refusal ? "response.refusal.delta" : "response.output_text.delta", part)
                .put("delta", value.asText());
        if (!refusal) {
            delta.putArray("logprobs");
        }
        emit(delta, out);
    }

    private void closeMessage(ByteSink out) {
        if (message == null) {
            return;
        }
        ArrayNode content = Json.MAPPER.createArrayNode();
        for (Part part : message.parts()) {
            String whole = part.content.toString();
            ObjectNode done = partEvent(part.refusal ? "response.refusal.done" : "response.output_text.done", part);
            if (part.refusal) {
                done.put("refusal", whole);
            } else {
                done.putArray("logprobs");
                done.put("text", whole);
            }
            emit(done, out);
            emit(partEvent("response.content_part.done", part).set("part", part.node(whole)), out);
            content.add(part.node(whole));
        }
        ObjectNode item = OutputItems.message(message.id, "completed", content);
        output.set(message.index, item);
        emit(itemEvent("response.output_item.done", message.index, item), out);
        message = null;
    }

    private ObjectNode partEvent(String type, Part part) {
        return event(type).put("content_index", part.index).put("item_id", message.id).put("output_index", message.index);
    }

    private void toolCall(JsonNode call, ByteSink out) {
        int index = call.path("index").asInt(0);
        OpenCall open = calls.get(index);
        JsonNode function = call.path("function");
        // some OpenAI-compatible servers number every parallel call 0; a new id is a new call
        boolean newId = open != null && call.hasNonNull("id") && !call.get("id").asText().equals(open.callId);
        if (open == null || newId) {
            start(out);
            closeItems(out);
            String chatName = function.path("name").asText("");
            ToolNames.Tool tool = meta.toolNames().resolve(chatName);
            String callId = call.hasNonNull("id") ? call.get("id").asText() : ResponseIds.next("call");
            open = new OpenCall(ResponseIds.next(tool.custom() ? "ctc" : "fc"), output.size(), callId, chatName, tool);
            calls.put(index, open);
            openCall = open;
            output.add(open.item("in_progress", ""));
            emit(itemEvent("response.output_item.added", open.index, output.get(open.index)), out);
        }
        String fragment = function.path("arguments").asText("");
        if (fragment.isEmpty()) {
            return;
        }
        open.arguments.append(fragment);
        if (open.closed) {
            // a fragment after the item was closed (interleaved calls): it can only join the stored item
            output.set(open.index, open.item("completed", open.finalValue()));
            return;
        }
        String delta = open.custom() ? open.input.feed(fragment) : fragment;
        if (!delta.isEmpty()) {
            emit(callEvent(open.custom() ? "response.custom_tool_call_input.delta" : "response.function_call_arguments.delta", open)
                    .put("delta", delta), out);
        }
    }

    private void closeCall(ByteSink out) {
        OpenCall open = openCall;
        if (open == null) {
            return;
        }
        String value = open.finalValue();
        if (open.custom()) {
            String streamed = open.input.decoded();
            if (value.startsWith(streamed) && value.length() > streamed.length()) {
                emit(callEvent("response.custom_tool_call_input.delta", open).put("delta", value.substring(streamed.length())), out);
            }
            emit(callEvent("response.custom_tool_call_input.done", open).put("input", value), out);
        } else {
            emit(callEvent("response.function_call_arguments.done", open).put("arguments", value), out);
        }
        ObjectNode item = open.item("completed", value);
        output.set(open.index, item);
        emit(itemEvent("response.output_item.done", open.index, item), out);
        open.closed = true;
        openCall = null;
    }

    private ObjectNode callEvent(String type, OpenCall call) {
        return event(type).put("item_id", call.id).put("output_index", call.index);
    }

    private void closeItems(ByteSink out) {
        closeReasoning(out);
        closeMessage(out);
        closeCall(out);
    }

    private void complete(ByteSink out) {
        ObjectNode incomplete = OutputItems.incompleteDetails(finishReason);
        String status = incomplete == null ? "completed" : "incomplete";
        finalResponse = response(status, incomplete == null ? meta.now() : null, output,
                usage == null ? null : OutputItems.usage(usage), null, incomplete);
        emit(event("response." + status).set("response", finalResponse), out);
        finished = true;
    }

    /** An error chunk: {@code error} (the recorded wire shape, openai-error.1.chunks.txt) then {@code response.failed}. */
    private void fail(JsonNode error, ByteSink out) {
        String type = error.path("type").asText("upstream_error");
        String code = error.path("code").isTextual() ? error.get("code").asText() : type;
        String message = error.path("message").asText(error.isTextual() ? error.asText() : "the upstream failed");
        if (!passThrough) {
            start(out);
            markOpenItemsIncomplete();
        }
        ObjectNode event = event("error");
        event.putObject("error").put("type", type).put("code", code).put("message", message).putNull("param");
        emit(event, out);
        ObjectNode failure = Json.object().put("code", code).put("message", message);
        if (passThrough && lastUpstreamResponse != null) {
            finalResponse = lastUpstreamResponse.deepCopy().put("status", "failed");
            finalResponse.set("error", failure);
        } else {
            finalResponse = response("failed", null, output, usage == null ? null : OutputItems.usage(usage), failure, null);
        }
        emit(event("response.failed").set("response", finalResponse), out);
        finished = true;
    }

    private void markOpenItemsIncomplete() {
        for (JsonNode item : output) {
            if (item.path("status").asText().equals("in_progress")) {
                ((ObjectNode) item).put("status", "incomplete");
            }
        }
    }

    // ---- an upstream's own events

    private void original(ObjectNode upstreamEvent, ByteSink out) {
        passThrough = true;
        started = true;
        ObjectNode event = upstreamEvent.deepCopy();
        String type = event.path("type").asText("");
        if (event.path("response").isObject()) {
            ObjectNode response = (ObjectNode) event.get("response");
            response.put("id", meta.responseId());
            response.put("model", model.isEmpty() ? response.path("model").asText("") : model);
            response.set("previous_response_id", meta.echo().path("previous_response_id"));
            response.set("store", meta.echo().path("store"));
            if (provider != null) {
                response.set("provider", provider);
            }
            lastUpstreamResponse = response;
        }
        switch (type) {
            case "response.completed", "response.incomplete", "response.failed" -> {
                heldTerminal = event;
                releaseTerminal(out);
            }
            default -> emit(event, out);
        }
    }

    /** The held terminal event goes out once the cost is known. */
    private void releaseTerminal(ByteSink out) {
        if (heldTerminal != null && usage != null && usage.has("cost")) {
            emitTerminal(out);
        }
    }

    private void emitTerminal(ByteSink out) {
        ObjectNode response = (ObjectNode) heldTerminal.get("response");
        if (response != null && response.path("usage").isObject() && usage != null && usage.has("cost")) {
            ((ObjectNode) response.get("usage")).set("cost", usage.get("cost"));
        }
        finalResponse = response;
        emit(heldTerminal, out);
        finished = true;
    }

    // ---- writing

    private ObjectNode response(String status, Long completedAt, ArrayNode items, JsonNode usage, JsonNode error,
                                JsonNode incompleteDetails) {
        return OutputItems.response(meta, status, completedAt, model, provider, items.deepCopy(), usage, error,
                incompleteDetails);
    }

    private static ObjectNode event(String type) {
        return Json.object().put("type", type);
    }

    private static ObjectNode itemEvent(String type, int outputIndex, JsonNode item) {
        ObjectNode event = event(type);
        event.set("item", item.deepCopy());
        return event.put("output_index", outputIndex);
    }

    /** Numbers the event (the upstream's own number, if any, is replaced in place) and writes it as SSE. */
    private void emit(ObjectNode event, ByteSink out) {
        event.put("sequence_number", sequence++);
        String type = event.path("type").asText("message");
        out.ascii("event: ").append(type.getBytes(StandardCharsets.UTF_8)).ascii("\ndata: ").json(event).ascii("\n\n");
    }

    // ---- open items

    private static final class OpenReasoning {
        final String id;
        final int index;
        final StringBuilder text = new StringBuilder();

        OpenReasoning(String id, int index) {
            this.id = id;
            this.index = index;
        }
    }

    private static final class OpenMessage {
        final String id;
        final int index;
        int nextPart;
        Part text;
        Part refusal;

        OpenMessage(String id, int index) {
            this.id = id;
            this.index = index;
        }

        List<Part> parts() {
            List<Part> parts = new ArrayList<>(2);
            if (text != null) {
                parts.add(text);
            }
            if (refusal != null) {
                parts.add(refusal);
            }
            parts.sort((a, b) -> Integer.compare(a.index, b.index));
            return parts;
        }
    }

    private static final class Part {
        final int index;
        final boolean refusal;
        final StringBuilder content = new StringBuilder();

        Part(int index, boolean refusal) {
            this.index = index;
            this.refusal = refusal;
        }

        ObjectNode node(String whole) {
            return refusal ? OutputItems.refusal(whole) : OutputItems.outputText(whole);
        }
    }

    private static final class OpenCall {
        final String id;
        final int index;
        final String callId;
        final String chatName;
        final ToolNames.Tool tool;
        final StringBuilder arguments = new StringBuilder();
        final InputStringDecoder input = new InputStringDecoder();
        boolean closed;

        OpenCall(String id, int index, String callId, String chatName, ToolNames.Tool tool) {
            this.id = id;
            this.index = index;
            this.callId = callId;
            this.chatName = chatName;
            this.tool = tool;
        }

        boolean custom() {
            return tool.custom();
        }

        /** The arguments, or a custom tool's input string. */
        String finalValue() {
            return custom() ? OutputItems.customInput(arguments.toString()) : arguments.toString();
        }

        ObjectNode item(String status, String value) {
            return custom() ? OutputItems.customToolCall(id, status, callId, tool, value)
                    : OutputItems.functionCall(id, status, value, callId, tool);
        }
    }
}
