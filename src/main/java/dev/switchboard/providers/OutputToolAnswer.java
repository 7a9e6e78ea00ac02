package dev.switchboard.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.util.function.Consumer;

/**
 * The other half of {@link StructuredOutput}: in a canonical answer, the call of the
 * {@value StructuredOutput#TOOL} tool becomes the message's {@code content} (its arguments, the
 * JSON the client asked for) and {@code finish_reason: tool_calls} becomes {@code stop} when no
 * other call is left. Works on the chunks of a stream too, where the call's argument fragments
 * become content deltas and later calls' indexes close the gap. Pure; one per answer.
 */
public final class OutputToolAnswer {
    /** The stream index of the output tool's call, or -1 before it started. */
    private int outputIndex = -1;
    private boolean otherCalls;

    private OutputToolAnswer() {
    }

    /** A completion with the output tool's call as its content. */
    public static ObjectNode completion(ObjectNode completion) {
        for (JsonNode choice : completion.path("choices")) {
            if (choice.path("message") instanceof ObjectNode message && message.get("tool_calls") instanceof ArrayNode calls) {
                for (int i = 0; i < calls.size(); i++) {
                    if (isOutputTool(calls.get(i))) {
                        message.put("content", calls.get(i).path("function").path("arguments").asText("{}"));
                        calls.remove(i);
                        break;
                    }
                }
                if (calls.isEmpty()) {
                    message.remove("tool_calls");
                    if (choice.path("finish_reason").asText().equals("tool_calls")) {
                        ((ObjectNode) choice).put("finish_reason", "stop");
                    }
                }
            }
        }
        return completion;
    }

    /** As above, for a completion as JSON bytes. */
    public static byte[] completion(byte[] completion) {
        return Json.bytes(completion((ObjectNode) Json.parse(completion)));
    }

    /** Passes a stream's chunks on to {@code out}, the output tool's call as content. */
    public static Consumer<byte[]> chunks(Consumer<byte[]> out) {
        OutputToolAnswer answer = new OutputToolAnswer();
        return chunk -> {
            byte[] rewritten = answer.chunk(chunk);
            if (rewritten != null) {
                out.accept(rewritten);
            }
        };
    }

    /** The chunk to pass on (the same array when nothing changes), or null to drop it. */
    byte[] chunk(byte[] chunk) {
        JsonNode json = Json.parse(chunk);
        if (!(json.path("choices").path(0) instanceof ObjectNode choice)) {
            return chunk;
        }
        boolean changed = false;
        if (choice.path("delta").path("tool_calls") instanceof ArrayNode calls && !calls.isEmpty()) {
            ObjectNode delta = (ObjectNode) choice.get("delta");
            StringBuilder content = new StringBuilder();
            for (int i = calls.size() - 1; i >= 0; i--) {
                ObjectNode call = (ObjectNode) calls.get(i);
                int index = call.path("index").asInt();
                if (outputIndex < 0 && isOutputTool(call)) {
                    outputIndex = index;
                }
                if (index == outputIndex) {
                    content.insert(0, call.path("function").path("arguments").asText(""));
                    calls.remove(i);
                } else {
                    otherCalls = true;
                    if (outputIndex >= 0 && index > outputIndex) {
                        call.put("index", index - 1);
                    }
                }
            }
            if (calls.isEmpty()) {
                delta.remove("tool_calls");
                if (content.isEmpty() && delta.isEmpty()) {
                    return null;
                }
            }
            if (!content.isEmpty()) {
                delta.put("content", content.toString());
            }
            changed = true;
        }
        if (choice.path("finish_reason").asText().equals("tool_calls") && outputIndex >= 0 && !otherCalls) {
            choice.put("finish_reason", "stop");
            changed = true;
        }
        return changed ? Json.bytes(json) : chunk;
    }

    private static boolean isOutputTool(JsonNode call) {
        return call.path("function").path("name").asText("").equals(StructuredOutput.TOOL);
    }
}
