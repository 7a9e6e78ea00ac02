package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.Usage;
import dev.switchboard.protocol.Json;

import java.io.IOException;

/**
 * A Converse response as an OpenAI {@code chat.completion}: the text blocks of
 * {@code output.message} joined, each toolUse a tool call (its toolUseId as the call id), the
 * stopReason mapped by {@link ConverseOutput#finishReason} (kept as {@code native_finish_reason}),
 * usage in the canonical convention. Bedrock gives the answer no id; the gateway assigns one.
 * Dropped: reasoningContent (an OpenAI message has no place for it), citations, guardrail trace,
 * {@code metrics}, {@code additionalModelResponseFields}.
 */
final class ConverseResponse {
    private ConverseResponse() {
    }

    /** Translates a response body; throws {@link BedrockFormatException} when it is not a usable answer. */
    static ObjectNode toCompletion(byte[] body, String upstreamModel, long created) {
        JsonNode response;
        try {
            response = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new BedrockFormatException("provider answered with invalid JSON", false);
        }
        if (response == null || !response.isObject()) {
            throw new BedrockFormatException("provider answered with something other than a JSON object", false);
        }
        JsonNode message = response.path("output").path("message");
        if (!message.isObject()) {
            throw new BedrockFormatException("provider answered without output.message", false);
        }
        ObjectNode completion = Json.object().put("object", "chat.completion").put("created", created)
                .put("model", upstreamModel);
        completion.putArray("choices").add(choice(message, response.path("stopReason").asText("end_turn")));
        Usage usage = ConverseOutput.usage(response.get("usage"));
        if (usage != null) {
            completion.set("usage", ConverseOutput.toOpenAi(usage));
        }
        return completion;
    }

    private static ObjectNode choice(JsonNode message, String stopReason) {
        StringBuilder text = new StringBuilder();
        ArrayNode toolCalls = Json.MAPPER.createArrayNode();
        for (JsonNode block : message.path("content")) {
            JsonNode piece = block.get("text");
            if (piece != null && piece.isTextual()) {
                text.append(piece.asText());
            }
            JsonNode toolUse = block.get("toolUse");
            if (toolUse != null && toolUse.isObject()) {
                toolCalls.add(ConverseOutput.toolCall(toolUse));
            }
        }
        ObjectNode out = Json.object().put("role", "assistant");
        if (toolCalls.isEmpty() || !text.isEmpty()) {
            out.put("content", text.toString());
        } else {
            out.putNull("content");
        }
        out.putNull("refusal");
        if (!toolCalls.isEmpty()) {
            out.set("tool_calls", toolCalls);
        }
        ObjectNode choice = Json.object().put("index", 0);
        choice.set("message", out);
        choice.putNull("logprobs");
        choice.put("finish_reason", ConverseOutput.finishReason(stopReason));
        choice.put("native_finish_reason", stopReason);
        return choice;
    }
}
