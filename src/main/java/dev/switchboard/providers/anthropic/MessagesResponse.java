package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.io.IOException;

/**
 * An Anthropic {@code Message} as an OpenAI {@code chat.completion} (MAPPING.md §2): text blocks
 * joined into {@code content} (with no separator: citations split one passage into several
 * blocks), {@code tool_use} blocks as {@code tool_calls} whose {@code arguments} are the JSON of
 * {@code input}, {@code stop_reason} as {@code finish_reason}, usage in the canonical convention.
 * Thinking becomes OpenRouter's {@code reasoning} and {@code reasoning_details} (with signatures;
 * redacted thinking as {@code reasoning.encrypted}); server-tool blocks are dropped. Pure.
 */
final class MessagesResponse {
    /** OpenRouter's name for Anthropic's thinking format in {@code reasoning_details}. */
    static final String REASONING_FORMAT = "anthropic-claude-v1";
    /** The member that carries the upstream's own message for a Messages API client. */
    static final String ORIGINAL = "x_anthropic_message";
    private MessagesResponse() {
    }

    /** @throws UnusableResponse when {@code body} is not an Anthropic message */
    static byte[] toCompletion(byte[] body, long createdSeconds) {
        return toCompletion(body, createdSeconds, false);
    }

    /**
     * {@code keepOriginal}: the client spoke the Messages API itself, so the Anthropic message
     * rides along under {@value #ORIGINAL} for its answer to be given back whole (citations and all).
     */
    static byte[] toCompletion(byte[] body, long createdSeconds, boolean keepOriginal) {
        JsonNode message = parse(body);
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode toolCalls = Json.MAPPER.createArrayNode();
        ArrayNode reasoningDetails = Json.MAPPER.createArrayNode();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText("")) {
                case "text" -> text.append(block.path("text").asText(""));
                case "tool_use" -> toolCalls.add(toolCall(block));
                case "thinking" -> {
                    reasoning.append(block.path("thinking").asText(""));
                    reasoningDetails.addObject().put("type", "reasoning.text")
                            .put("text", block.path("thinking").asText(""))
                            .put("signature", block.path("signature").asText(null))
                            .put("index", reasoningDetails.size() - 1)
                            .put("format", REASONING_FORMAT);
                }
                case "redacted_thinking" -> reasoningDetails.addObject().put("type", "reasoning.encrypted")
                        .put("data", block.path("data").asText(""))
                        .put("index", reasoningDetails.size() - 1)
                        .put("format", REASONING_FORMAT);
                default -> {
                    // server_tool_use, *_tool_result: no OpenAI equivalent
                }
            }
        }
        ObjectNode out = Json.object()
                .put("id", message.path("id").asText(""))
                .put("object", "chat.completion")
                .put("created", createdSeconds)
                .put("model", message.path("model").asText(""));
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode reply = choice.putObject("message").put("role", "assistant");
        if (!text.isEmpty() || toolCalls.isEmpty()) {
            reply.put("content", text.toString());
        } else {
            reply.putNull("content");
        }
        if (!toolCalls.isEmpty()) {
            reply.set("tool_calls", toolCalls);
        }
        if (!reasoningDetails.isEmpty()) {
            // OpenRouter's shape for thinking: the text, and the blocks with their signatures
            reply.put("reasoning", reasoning.toString());
            reply.set("reasoning_details", reasoningDetails);
        }
        reply.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", StopReasons.finishReason(message.path("stop_reason").asText(null)));
        TokenCounts counts = new TokenCounts();
        counts.update(message.get("usage"));
        if (counts.reported()) {
            out.set("usage", counts.toOpenAi());
        }
        if (keepOriginal) {
            out.set(ORIGINAL, message);
        }
        return Json.bytes(out);
    }

    private static JsonNode parse(byte[] body) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UnusableResponse("provider answered with invalid JSON");
        }
        if (message != null && message.path("type").asText("").equals("error")) {
            throw new UnusableResponse("provider answered 200 with an error: "
                    + message.path("error").path("message").asText(""));
        }
        if (message == null || !message.isObject() || !message.path("content").isArray()) {
            throw new UnusableResponse("provider answered without a message");
        }
        return message;
    }

    private static ObjectNode toolCall(JsonNode block) {
        ObjectNode call = Json.object().put("id", block.path("id").asText("")).put("type", "function");
        JsonNode input = block.get("input");
        call.putObject("function")
                .put("name", block.path("name").asText(""))
                .put("arguments", input == null || input.isNull() ? "{}" : Json.string(input));
        return call;
    }
}
