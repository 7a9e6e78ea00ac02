package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.io.IOException;

/**
 * A Gemini {@code GenerateContentResponse} as an OpenAI {@code chat.completion}: one choice per
 * candidate, the text of its parts joined (thoughts skipped), each functionCall a tool call, the
 * finish reason mapped by {@link GeminiOutput#finishReason} (kept as {@code native_finish_reason}),
 * usageMetadata as usage ({@link GeminiUsage}). A prompt Gemini refused (no candidates,
 * {@code promptFeedback.blockReason}) is an empty answer that finished with content_filter.
 * Dropped: thought signatures, safety ratings, citation and grounding metadata, logprobs,
 * {@code finishMessage}, code-execution and inline-data parts (never requested).
 */
final class GeminiResponse {
    private GeminiResponse() {
    }

    /** Translates a response body; throws {@link GeminiFormatException} when it is not a usable answer. */
    static ObjectNode toCompletion(byte[] body, String upstreamModel, long created, ToolCallIds ids) {
        JsonNode response;
        try {
            response = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new GeminiFormatException("provider answered with invalid JSON", false);
        }
        if (response == null || !response.isObject()) {
            throw new GeminiFormatException("provider answered with something other than a JSON object", false);
        }
        return toCompletion(response, upstreamModel, created, ids);
    }

    static ObjectNode toCompletion(JsonNode response, String upstreamModel, long created, ToolCallIds ids) {
        ObjectNode completion = Json.object();
        String id = GeminiOutput.responseId(response);
        if (id != null) {
            completion.put("id", id);
        }
        completion.put("object", "chat.completion").put("created", created)
                .put("model", GeminiOutput.model(response, upstreamModel));
        ArrayNode choices = completion.putArray("choices");
        JsonNode candidates = response.path("candidates");
        if (candidates.isArray() && !candidates.isEmpty()) {
            for (JsonNode candidate : candidates) {
                choices.add(choice(candidate, ids));
            }
        } else if (GeminiOutput.blockReason(response) != null) {
            choices.add(blocked(GeminiOutput.blockReason(response)));
        } else {
            throw new GeminiFormatException("provider answered without candidates", false);
        }
        GeminiUsage usage = new GeminiUsage();
        usage.update(response.get("usageMetadata"));
        if (usage.reported()) {
            completion.set("usage", usage.toOpenAi());
        }
        return completion;
    }

    private static ObjectNode choice(JsonNode candidate, ToolCallIds ids) {
        StringBuilder text = new StringBuilder();
        ArrayNode toolCalls = Json.MAPPER.createArrayNode();
        for (JsonNode part : candidate.path("content").path("parts")) {
            String piece = GeminiOutput.text(part);
            if (piece != null) {
                text.append(piece);
            }
            JsonNode call = GeminiOutput.functionCall(part);
            if (call != null) {
                toolCalls.add(GeminiOutput.toolCall(call, ids));
            }
        }
        ObjectNode message = Json.object().put("role", "assistant");
        if (toolCalls.isEmpty() || !text.isEmpty()) {
            message.put("content", text.toString());
        } else {
            message.putNull("content");
        }
        message.putNull("refusal");
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        String nativeReason = candidate.path("finishReason").asText("STOP");
        ObjectNode choice = Json.object().put("index", GeminiOutput.index(candidate));
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", GeminiOutput.finishReason(nativeReason, !toolCalls.isEmpty()));
        choice.put("native_finish_reason", nativeReason);
        return choice;
    }

    private static ObjectNode blocked(String blockReason) {
        ObjectNode choice = Json.object().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", "").putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "content_filter");
        choice.put("native_finish_reason", blockReason);
        return choice;
    }
}
