package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

/**
 * What the whole answer and the stream translators share: finish reasons, tool calls and which
 * parts count as output (fixtures/MAPPING.md §4, FinishReason in specs/gemini/generative_service.proto).
 */
final class GeminiOutput {
    private GeminiOutput() {
    }

    /**
     * The OpenAI finish_reason for a Gemini finishReason. Gemini ends function calls with STOP, so
     * {@code calledFunctions} turns STOP into tool_calls. The safety family (SAFETY, RECITATION,
     * BLOCKLIST, PROHIBITED_CONTENT, SPII, IMAGE_*) is content_filter. Everything else (OTHER,
     * LANGUAGE, MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, TOO_MANY_TOOL_CALLS, NO_IMAGE,
     * unspecified or new values) is stop; the Gemini value stays visible as native_finish_reason.
     */
    static String finishReason(String gemini, boolean calledFunctions) {
        return switch (gemini) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                 "IMAGE_PROHIBITED_CONTENT", "IMAGE_OTHER", "IMAGE_RECITATION" -> "content_filter";
            case "STOP" -> calledFunctions ? "tool_calls" : "stop";
            default -> "stop";
        };
    }

    /** Thought summaries ({@code thought: true}) are not part of the answer. */
    static boolean isThought(JsonNode part) {
        return part.path("thought").asBoolean(false);
    }

    /** The text a part adds to the answer, or null when it adds none. */
    static String text(JsonNode part) {
        JsonNode text = part.get("text");
        return text != null && text.isTextual() && !isThought(part) ? text.asText() : null;
    }

    /** The functionCall of a part that is one (a thought is never one), or null. */
    static JsonNode functionCall(JsonNode part) {
        JsonNode call = part.get("functionCall");
        return call != null && call.isObject() && !isThought(part) ? call : null;
    }

    /**
     * An OpenAI tool call for a complete functionCall: Gemini's id when it sent one, else a new one;
     * arguments are the JSON text of {@code args} ({@code {}} when absent).
     */
    static ObjectNode toolCall(JsonNode functionCall, ToolCallIds ids) {
        if (functionCall.has("partialArgs") || functionCall.path("willContinue").asBoolean(false)) {
            // Vertex AI streams arguments in pieces when asked to; the Gemini API documents no such thing
            throw new GeminiFormatException("provider streamed function call arguments in pieces (partialArgs),"
                    + " which the Gemini API adapter does not support", false);
        }
        JsonNode name = functionCall.get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
            throw new GeminiFormatException("provider sent a function call without a name", false);
        }
        JsonNode id = functionCall.get("id");
        JsonNode args = functionCall.get("args");
        ObjectNode call = Json.object()
                .put("id", id != null && id.isTextual() && !id.asText().isEmpty() ? id.asText() : ids.next())
                .put("type", "function");
        call.putObject("function").put("name", name.asText())
                .put("arguments", args == null || args.isNull() ? "{}" : Json.string(args));
        return call;
    }

    /** The id Gemini gave the answer, or null. */
    static String responseId(JsonNode response) {
        JsonNode id = response.get("responseId");
        return id != null && id.isTextual() ? id.asText() : null;
    }

    /** The model that answered, or {@code fallback} when Gemini did not say. */
    static String model(JsonNode response, String fallback) {
        JsonNode version = response.get("modelVersion");
        return version != null && version.isTextual() && !version.asText().isEmpty() ? version.asText() : fallback;
    }

    /** {@code promptFeedback.blockReason} when the prompt was refused, else null. */
    static String blockReason(JsonNode response) {
        JsonNode reason = response.path("promptFeedback").get("blockReason");
        return reason != null && reason.isTextual() ? reason.asText() : null;
    }

    /** The candidate's index: proto3 JSON leaves a 0 out. */
    static int index(JsonNode candidate) {
        return candidate.path("index").asInt(0);
    }
}
