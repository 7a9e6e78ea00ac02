package dev.switchboard.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

/**
 * Errors on the Messages endpoint, in Anthropic's shape
 * {@code {"type":"error","error":{"type":...,"message":...}}} and with its status codes: no
 * endpoint available or every provider overloaded is {@code 529 overloaded_error}, as Anthropic
 * clients expect to retry on it.
 */
public final class MessagesApiErrors {
    private MessagesApiErrors() {
    }

    /** The status an Anthropic client gets for one of ours. */
    public static int status(int status) {
        return status == 503 ? 529 : status;
    }

    public static String type(int status) {
        return switch (status) {
            case 400, 405, 408, 409, 415, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> "api_error";
        };
    }

    public static ObjectNode node(int status, String message) {
        ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", type(status)).put("message", message);
        return body;
    }

    /** Our OpenAI-shaped error body (status in {@code error.code}) in Anthropic's shape; metadata is kept. */
    public static byte[] fromOpenAi(int status, byte[] openAiError) {
        JsonNode error = Json.parse(openAiError).path("error");
        ObjectNode body = node(status, error.path("message").asText("error"));
        if (error.has("metadata")) {
            ((ObjectNode) body.get("error")).set("metadata", error.get("metadata"));
        }
        return Json.bytes(body);
    }
}
