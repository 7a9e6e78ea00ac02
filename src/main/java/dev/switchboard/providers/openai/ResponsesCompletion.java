package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.io.IOException;

/**
 * A Responses API {@code Response} as a Chat Completions {@code chat.completion}, with the
 * Response itself riding along under {@value #ORIGINAL} so a Responses API client is given it as
 * it came. {@code message.content}: the {@code output_text} parts of every message item, joined
 * without a separator (one answer may be split into several parts or items, such as a
 * {@code commentary} and a {@code final_answer} phase); {@code refusal} parts likewise;
 * {@code function_call} items as {@code tool_calls} (id = {@code call_id}), {@code custom_tool_call}
 * items as custom tool calls; reasoning summaries as {@code message.reasoning} (OpenRouter's field).
 * Built-in tool items (web search, file search...) have no Chat Completions form: only the
 * original carries them. Pure.
 */
final class ResponsesCompletion {
    /** The member of the completion that carries the upstream's own Response. */
    static final String ORIGINAL = "x_responses_response";

    private ResponsesCompletion() {
    }

    /**
     * @throws UnusableResponse when {@code body} is not a Response
     * @throws FailedResponse when the Response says it failed
     */
    static byte[] toCompletion(byte[] body, long createdSeconds) {
        JsonNode response = parse(body);
        StringBuilder text = new StringBuilder();
        StringBuilder refusal = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode toolCalls = Json.MAPPER.createArrayNode();
        for (JsonNode item : response.path("output")) {
            switch (item.path("type").asText("")) {
                case "message" -> {
                    for (JsonNode part : item.path("content")) {
                        switch (part.path("type").asText("")) {
                            case "output_text" -> text.append(part.path("text").asText(""));
                            case "refusal" -> refusal.append(part.path("refusal").asText(""));
                            default -> {
                            }
                        }
                    }
                }
                case "function_call" -> toolCalls.add(functionCall(item));
                case "custom_tool_call" -> toolCalls.add(customToolCall(item));
                case "reasoning" -> {
                    for (JsonNode summary : item.path("summary")) {
                        reasoning.append(summary.path("text").asText(""));
                    }
                }
                default -> {
                    // web_search_call, file_search_call, ...: no Chat Completions equivalent
                }
            }
        }
        ObjectNode out = Json.object()
                .put("id", response.path("id").asText(""))
                .put("object", "chat.completion")
                .put("created", response.path("created_at").canConvertToLong()
                        ? response.get("created_at").asLong() : createdSeconds)
                .put("model", response.path("model").asText(""));
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (!text.isEmpty() || toolCalls.isEmpty()) {
            message.put("content", text.toString());
        } else {
            message.putNull("content");
        }
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        if (!reasoning.isEmpty()) {
            message.put("reasoning", reasoning.toString());
        }
        if (refusal.isEmpty()) {
            message.putNull("refusal");
        } else {
            message.put("refusal", refusal.toString());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", ResponsesUsage.finishReason(response, !toolCalls.isEmpty()));
        ObjectNode usage = ResponsesUsage.toChat(response.get("usage"));
        if (usage != null) {
            out.set("usage", usage);
        }
        out.set(ORIGINAL, response);
        return Json.bytes(out);
    }

    private static JsonNode parse(byte[] body) {
        JsonNode response;
        try {
            response = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UnusableResponse("provider answered with invalid JSON");
        }
        if (response == null || !response.isObject() || !response.path("output").isArray()) {
            JsonNode error = response == null ? null : response.get("error");
            if (error != null && error.isObject()) {
                throw failed(error);
            }
            throw new UnusableResponse("provider answered without a Response (no output list)");
        }
        JsonNode error = response.get("error");
        if ("failed".equals(response.path("status").asText("")) || error != null && error.isObject()) {
            throw failed(error == null ? Json.object() : error);
        }
        return response;
    }

    /** {@code ResponseError} ({@code code}, {@code message}); also read from an {@code error} event's payload. */
    static FailedResponse failed(JsonNode error) {
        JsonNode code = error.get("code");
        return new FailedResponse(code != null && code.isValueNode() && !code.isNull() ? code.asText() : "",
                error.path("message").asText("no error message"));
    }

    private static ObjectNode functionCall(JsonNode item) {
        ObjectNode call = Json.object().put("id", item.path("call_id").asText("")).put("type", "function");
        String arguments = item.path("arguments").asText("");
        call.putObject("function")
                .put("name", item.path("name").asText(""))
                .put("arguments", arguments.isEmpty() ? "{}" : arguments);
        return call;
    }

    /** Chat Completions' form of a call to a custom (free-form input) tool. */
    private static ObjectNode customToolCall(JsonNode item) {
        ObjectNode call = Json.object().put("id", item.path("call_id").asText("")).put("type", "custom");
        call.putObject("custom")
                .put("name", item.path("name").asText(""))
                .put("input", item.path("input").asText(""));
        return call;
    }
}
