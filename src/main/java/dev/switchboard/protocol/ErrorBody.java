package dev.switchboard.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one error shape of the API: {@code {"error": {"code", "message", "type", "param", "metadata"}}}
 * with {@code code} the HTTP status and {@code type} in OpenAI's vocabulary.
 */
public final class ErrorBody {
    private ErrorBody() {
    }

    public static ObjectNode node(int status, String type, String message, String param, JsonNode metadata) {
        ObjectNode error = Json.object();
        error.put("code", status);
        error.put("message", message);
        error.put("type", type);
        if (param != null) {
            error.put("param", param);
        }
        if (metadata != null && !metadata.isEmpty()) {
            error.set("metadata", metadata);
        }
        ObjectNode body = Json.object();
        body.set("error", error);
        return body;
    }

    public static byte[] bytes(int status, String type, String message, String param, JsonNode metadata) {
        return Json.bytes(node(status, type, message, param, metadata));
    }
}
