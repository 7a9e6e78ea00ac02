package dev.switchboard.protocol.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.io.IOException;
import java.util.List;

/**
 * The pieces of a Response object, member for member as the recorded OpenAI responses have them
 * (recorded/openai-responses/issue-20047-openai-responses.json, issue-7082-…, the Codex-accepted
 * streams): output items, content parts, usage, and the response around them.
 */
final class OutputItems {
    /** The members of a Response in recorded order; those of {@link ResponsesRequest#echo()} are taken from it. */
    private static final List<String> RESPONSE_ORDER = List.of("id", "object", "created_at", "status", "background",
            "completed_at", "error", "incomplete_details", "instructions", "max_output_tokens", "max_tool_calls", "model",
            "output", "parallel_tool_calls", "previous_response_id", "prompt_cache_key", "reasoning", "safety_identifier",
            "service_tier", "store", "temperature", "text", "tool_choice", "tools", "top_logprobs", "top_p", "truncation",
            "usage", "user", "metadata");

    private OutputItems() {
    }

    static ObjectNode message(String id, String status, ArrayNode content) {
        ObjectNode item = Json.object().put("id", id).put("type", "message").put("status", status);
        item.set("content", content);
        item.put("role", "assistant");
        return item;
    }

    static ObjectNode outputText(String text) {
        ObjectNode part = Json.object().put("type", "output_text");
        part.putArray("annotations");
        part.putArray("logprobs");
        return part.put("text", text);
    }

    static ObjectNode refusal(String text) {
        return Json.object().put("type", "refusal").put("refusal", text);
    }

    static ObjectNode functionCall(String id, String status, String arguments, String callId, ToolNames.Tool tool) {
        ObjectNode item = Json.object().put("id", id).put("type", "function_call").put("status", status)
                .put("arguments", arguments).put("call_id", callId);
        if (tool.namespace() != null) {
            item.put("namespace", tool.namespace());
        }
        return item.put("name", tool.name());
    }

    static ObjectNode customToolCall(String id, String status, String callId, ToolNames.Tool tool, String input) {
        ObjectNode item = Json.object().put("id", id).put("type", "custom_tool_call").put("status", status)
                .put("call_id", callId);
        if (tool.namespace() != null) {
            item.put("namespace", tool.namespace());
        }
        return item.put("name", tool.name()).put("input", input);
    }

    static ObjectNode reasoning(String id, List<String> summaries) {
        ObjectNode item = Json.object().put("id", id).put("type", "reasoning");
        ArrayNode summary = item.putArray("summary");
        summaries.forEach(text -> summary.add(summaryText(text)));
        return item;
    }

    static ObjectNode summaryText(String text) {
        return Json.object().put("type", "summary_text").put("text", text);
    }

    /** The call as its item: a custom tool's {@code input} is the string parameter the chat function got. */
    static ObjectNode toolCall(String id, String status, String callId, String chatName, String arguments, ToolNames names) {
        ToolNames.Tool tool = names.resolve(chatName);
        return tool.custom() ? customToolCall(id, status, callId, tool, customInput(arguments))
                : functionCall(id, status, arguments, callId, tool);
    }

    /** The {@code input} string out of {@code {"input": "..."}}; arguments of another shape are given as they are. */
    static String customInput(String arguments) {
        try {
            JsonNode parsed = Json.MAPPER.readTree(arguments);
            if (parsed != null && parsed.path("input").isTextual()) {
                return parsed.get("input").asText();
            }
        } catch (IOException e) {
            // not JSON: the model wrote the input itself
        }
        return arguments;
    }

    /** Canonical chat usage as Responses usage; {@code cost} (Switchboard's, USD) kept. */
    static ObjectNode usage(JsonNode usage) {
        long input = usage.path("prompt_tokens").asLong(0);
        long output = usage.path("completion_tokens").asLong(0);
        ObjectNode out = Json.object().put("input_tokens", input);
        ObjectNode inputDetails = out.putObject("input_tokens_details");
        JsonNode promptDetails = usage.path("prompt_tokens_details");
        if (promptDetails.has("cache_write_tokens")) {
            inputDetails.put("cache_write_tokens", promptDetails.path("cache_write_tokens").asLong(0));
        }
        inputDetails.put("cached_tokens", promptDetails.path("cached_tokens").asLong(0));
        out.put("output_tokens", output);
        out.putObject("output_tokens_details")
                .put("reasoning_tokens", usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
        out.put("total_tokens", usage.has("total_tokens") ? usage.path("total_tokens").asLong() : input + output);
        if (usage.has("cost")) {
            out.set("cost", usage.get("cost"));
        }
        return out;
    }

    /**
     * A Response object: Switchboard's id and times, the echoed request properties, and what is given.
     * {@code completedAt} is null unless the status is completed.
     */
    static ObjectNode response(ResponseMeta meta, String status, Long completedAt, String model, JsonNode provider,
                               ArrayNode output, JsonNode usage, JsonNode error, JsonNode incompleteDetails) {
        ObjectNode response = Json.object();
        for (String name : RESPONSE_ORDER) {
            switch (name) {
                case "id" -> response.put("id", meta.responseId());
                case "object" -> response.put("object", "response");
                case "created_at" -> response.put("created_at", meta.createdAt());
                case "status" -> response.put("status", status);
                case "completed_at" -> response.put("completed_at", completedAt);
                case "error" -> response.set("error", orNull(error));
                case "incomplete_details" -> response.set("incomplete_details", orNull(incompleteDetails));
                case "model" -> response.put("model", model);
                case "output" -> response.set("output", output);
                case "usage" -> response.set("usage", orNull(usage));
                default -> response.set(name, orNull(meta.echo().get(name)));
            }
        }
        if (provider != null && !provider.isNull()) {
            response.set("provider", provider);
        }
        return response;
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null ? Json.MAPPER.nullNode() : node;
    }

    /** {@code incomplete_details} for a chat finish reason, or null when the answer is complete. */
    static ObjectNode incompleteDetails(String finishReason) {
        if ("length".equals(finishReason)) {
            return Json.object().put("reason", "max_output_tokens");
        }
        if ("content_filter".equals(finishReason)) {
            return Json.object().put("reason", "content_filter");
        }
        return null;
    }
}
