package dev.switchboard.protocol.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's {@code chat.completion} as a Responses {@code response} object: reasoning as a
 * reasoning item with summary text, the answer as a message item, tool calls as
 * {@code function_call} / {@code custom_tool_call} items (namespaced again), usage in the Responses
 * shape with Switchboard's {@code cost}; {@code finish_reason: length} makes the response
 * {@code incomplete}. When a Responses upstream answered, its own response object (carried in the
 * completion by its adapter) is given back instead, with Switchboard's id, model, provider and cost.
 */
public final class ResponseRenderer {
    /** Where a Responses upstream's own response object rides in a completion (set by its adapter). */
    public static final String ORIGINAL = "x_responses_response";

    private ResponseRenderer() {
    }

    public static byte[] fromCompletion(byte[] chatCompletionJson, ResponseMeta meta) {
        return Json.bytes(response(chatCompletionJson, meta));
    }

    /** As {@link #fromCompletion}, as a tree (to store it). */
    public static ObjectNode response(byte[] chatCompletionJson, ResponseMeta meta) {
        JsonNode completion = Json.parse(chatCompletionJson);
        if (completion.path(ORIGINAL).isObject()) {
            return original(completion, (ObjectNode) completion.get(ORIGINAL).deepCopy(), meta);
        }
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        ArrayNode output = Json.MAPPER.createArrayNode();
        String reasoning = reasoningText(message);
        if (!reasoning.isEmpty()) {
            output.add(OutputItems.reasoning(ResponseIds.next("rs"), List.of(reasoning)));
        }
        ArrayNode content = Json.MAPPER.createArrayNode();
        if (message.path("content").isTextual() && !message.get("content").asText().isEmpty()) {
            content.add(OutputItems.outputText(message.get("content").asText()));
        }
        if (message.path("refusal").isTextual() && !message.get("refusal").asText().isEmpty()) {
            content.add(OutputItems.refusal(message.get("refusal").asText()));
        }
        JsonNode calls = message.path("tool_calls");
        if (!content.isEmpty() || calls.isEmpty()) {
            if (content.isEmpty()) {
                content.add(OutputItems.outputText(""));
            }
            output.add(OutputItems.message(ResponseIds.next("msg"), "completed", content));
        }
        for (JsonNode call : calls) {
            JsonNode function = call.path("function");
            String callId = call.hasNonNull("id") ? call.get("id").asText() : ResponseIds.next("call");
            ToolNames.Tool tool = meta.toolNames().resolve(function.path("name").asText(""));
            output.add(OutputItems.toolCall(ResponseIds.next(tool.custom() ? "ctc" : "fc"), "completed", callId,
                    function.path("name").asText(""), function.path("arguments").asText(""), meta.toolNames()));
        }
        String finishReason = choice.path("finish_reason").asText(null);
        ObjectNode incomplete = OutputItems.incompleteDetails(finishReason);
        JsonNode usage = completion.path("usage").isObject() ? OutputItems.usage(completion.get("usage")) : null;
        return OutputItems.response(meta, incomplete == null ? "completed" : "incomplete",
                incomplete == null ? meta.now() : null, completion.path("model").asText(""), completion.get("provider"),
                output, usage, null, incomplete);
    }

    /** The reasoning the answer carried: OpenRouter's {@code reasoning}, else {@code reasoning_content}, else the details' text. */
    static String reasoningText(JsonNode message) {
        for (String member : new String[] {"reasoning", "reasoning_content"}) {
            if (message.path(member).isTextual() && !message.get(member).asText().isEmpty()) {
                return message.get(member).asText();
            }
        }
        List<String> pieces = new ArrayList<>();
        for (JsonNode detail : message.path("reasoning_details")) {
            String text = detail.path("text").asText(detail.path("summary").asText(""));
            if (!text.isEmpty()) {
                pieces.add(text);
            }
        }
        return String.join("", pieces);
    }

    /** A Responses upstream's own object, with what Switchboard decides: id, model, provider, cost, store and previous id. */
    private static ObjectNode original(JsonNode completion, ObjectNode response, ResponseMeta meta) {
        response.put("id", meta.responseId());
        response.put("model", completion.path("model").asText(response.path("model").asText("")));
        // the upstream saw store:false and no previous id; the client asked otherwise
        response.set("previous_response_id", meta.echo().path("previous_response_id"));
        response.set("store", meta.echo().path("store"));
        if (response.path("usage").isObject() && completion.path("usage").has("cost")) {
            ((ObjectNode) response.get("usage")).set("cost", completion.path("usage").get("cost"));
        }
        if (completion.has("provider")) {
            response.set("provider", completion.get("provider"));
        }
        return response;
    }
}
