package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Responses API stream events in, {@code chat.completion.chunk} JSON out. Every event but the
 * failing ones ({@code error}, {@code response.failed}, thrown as {@link FailedResponse}) first goes
 * out whole in a carrier chunk ({@link ResponsesChunks#original}), for a Responses API client to be
 * given it as it came; then, when the event means something in Chat Completions, its canonical
 * chunks follow, which the gateway meters and uses to decide when content began:
 * <ul>
 *   <li>{@code response.output_text.delta} / {@code response.refusal.delta}: {@code delta.content} / {@code delta.refusal};</li>
 *   <li>{@code response.output_item.added} of a {@code function_call} (or {@code custom_tool_call}):
 *       a tool-call header, index = the ordinal of call items in the response, id = {@code call_id};
 *       {@code response.function_call_arguments.delta} (or {@code custom_tool_call_input.delta}) its fragments;</li>
 *   <li>{@code response.reasoning_summary_text.delta} and {@code response.reasoning_text.delta}: {@code delta.reasoning};</li>
 *   <li>{@code response.completed} / {@code response.incomplete}: the finish chunk, then the usage chunk ({@code choices: []}).</li>
 * </ul>
 * Carrier first, canonical after: the carrier has an empty delta, so the gateway holds it with the
 * other pre-content chunks and releases it, in order, just before the content chunk that follows;
 * a client that reads carriers sees each event before anything derived from it, and the gateway's
 * metering sees exactly the canonical chunks. Memory stays flat: fragments are passed on, never
 * joined; what is kept is the identity and one small entry per call item still open. Pure, one per stream.
 */
final class ResponsesStreamTranslator {
    /** A tool call item between its {@code output_item.added} and {@code .done}. */
    private static final class CallItem {
        final int ordinal;
        final boolean custom;
        boolean sentInput;

        CallItem(int ordinal, boolean custom) {
            this.ordinal = ordinal;
            this.custom = custom;
        }
    }

    private final Consumer<byte[]> out;
    private final ResponsesChunks chunks;
    /** Open call items by {@code output_index}. */
    private final Map<Integer, CallItem> openCalls = new HashMap<>(4);
    private int toolCalls;
    private boolean roleSent;
    private boolean stopped;

    ResponsesStreamTranslator(Consumer<byte[]> out, long createdSeconds) {
        this.out = out;
        this.chunks = new ResponsesChunks(createdSeconds);
    }

    /**
     * One SSE event: {@code event} is its {@code event:} name (may be null), {@code data} its JSON.
     * The JSON's own {@code type} decides; the event name only stands in when the type is missing.
     *
     * @throws UnusableResponse when the data is not a JSON object
     * @throws FailedResponse on {@code error} and {@code response.failed}
     */
    void onEvent(String event, byte[] data) {
        if (stopped) {
            return;
        }
        JsonNode json = parse(data);
        String type = json.path("type").asText(event == null ? "" : event);
        switch (type) {
            case "error" -> throw ResponsesCompletion.failed(json.path("error").isObject() ? json.get("error") : json);
            case "response.failed" -> throw ResponsesCompletion.failed(json.path("response").path("error").isObject()
                    ? json.path("response").get("error") : Json.object());
            case "response.created" -> chunks.identify(json.path("response").path("id").asText(""),
                    json.path("response").path("model").asText(""));
            default -> {
            }
        }
        out.accept(chunks.original(data));
        switch (type) {
            case "response.output_text.delta" -> sendContent(json.path("delta").asText(""));
            case "response.refusal.delta" -> {
                String text = json.path("delta").asText("");
                if (!text.isEmpty()) {
                    sendRole();
                    out.accept(chunks.refusal(text));
                }
            }
            case "response.reasoning_summary_text.delta", "response.reasoning_text.delta" -> {
                String text = json.path("delta").asText("");
                if (!text.isEmpty()) {
                    sendRole();
                    out.accept(chunks.reasoning(text));
                }
            }
            case "response.output_item.added" -> itemAdded(json.path("output_index").asInt(-1), json.path("item"));
            case "response.function_call_arguments.delta", "response.custom_tool_call_input.delta" ->
                    callInput(openCalls.get(json.path("output_index").asInt(-1)), json.path("delta").asText(""));
            case "response.output_item.done" -> itemDone(json.path("output_index").asInt(-1), json.path("item"));
            case "response.completed", "response.incomplete" -> finished(json.path("response"));
            default -> {
                // created, in_progress, content parts, annotations, built-in tool progress...: the carrier says it all
            }
        }
    }

    /** True once {@code response.completed} or {@code response.incomplete} arrived: the answer is complete. */
    boolean stopped() {
        return stopped;
    }

    /** How many call items are open: the only state that grows with the response, and only while items overlap. */
    int openCalls() {
        return openCalls.size();
    }

    private void itemAdded(int outputIndex, JsonNode item) {
        String type = item.path("type").asText("");
        if (!type.equals("function_call") && !type.equals("custom_tool_call")) {
            return;
        }
        boolean custom = type.equals("custom_tool_call");
        CallItem call = new CallItem(toolCalls++, custom);
        openCalls.put(outputIndex, call);
        sendRole();
        String id = item.path("call_id").asText("");
        String name = item.path("name").asText("");
        out.accept(custom ? chunks.customHeader(call.ordinal, id, name) : chunks.functionHeader(call.ordinal, id, name));
        // servers that send the whole call at once (no deltas) put its input here
        callInput(call, item.path(custom ? "input" : "arguments").asText(""));
    }

    private void callInput(CallItem call, String fragment) {
        if (call == null || fragment.isEmpty()) {
            return;
        }
        call.sentInput = true;
        out.accept(call.custom ? chunks.customInput(call.ordinal, fragment) : chunks.arguments(call.ordinal, fragment));
    }

    /** A call whose input never streamed gets it from the finished item ({@code "{}"} for a function without arguments). */
    private void itemDone(int outputIndex, JsonNode item) {
        CallItem call = openCalls.remove(outputIndex);
        if (call == null || call.sentInput) {
            return;
        }
        String input = item.path(call.custom ? "input" : "arguments").asText("");
        callInput(call, input.isEmpty() && !call.custom ? "{}" : input);
    }

    private void finished(JsonNode response) {
        sendRole();
        out.accept(chunks.finish(ResponsesUsage.finishReason(response, toolCalls > 0)));
        ObjectNode usage = ResponsesUsage.toChat(response.get("usage"));
        if (usage != null) {
            out.accept(chunks.usage(usage));
        }
        stopped = true;
    }

    /** The first canonical chunk, once: every other one makes sure it went out before it. */
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
}
