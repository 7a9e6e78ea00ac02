package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.EndpointId;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamText;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads the error bodies of OpenAI-compatible servers: OpenAI's {@code {"error": {message, type,
 * param, code}}}, Azure's variants ({@code code} as a string, no {@code type}; content-filter
 * details under {@code innererror.content_filter_result} on the wire or
 * {@code inner_error.content_filter_results} in the spec), vLLM's top-level {@code message},
 * a bare string {@code error}, and plain text.
 */
final class UpstreamErrors {
    private static final int MAX_MESSAGE = 1_000;

    private UpstreamErrors() {
    }

    static UpstreamFailure.ErrorStatus parse(EndpointId endpoint, int status, byte[] body, Duration retryAfter) {
        JsonNode root = readJson(body);
        if (root == null) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            return new UpstreamFailure.ErrorStatus(endpoint, status,
                    UpstreamText.describe(endpoint, status, body), null, null, null, retryAfter, null);
        }
        JsonNode error = root.has("error") ? root.get("error") : root;
        if (error.isTextual()) {
            return new UpstreamFailure.ErrorStatus(endpoint, status, truncate(error.asText()), null, null, null,
                    retryAfter, null);
        }
        String message = firstText(error, "message", "detail", "msg");
        if (message == null) {
            message = "HTTP " + status + " from provider";
        }
        return new UpstreamFailure.ErrorStatus(endpoint, status, truncate(message), text(error, "type"),
                text(error, "code"), text(error, "param"), retryAfter, contentFilter(error));
    }

    /** Azure's content-filter verdict in one spelling, whichever the provider used. */
    private static JsonNode contentFilter(JsonNode error) {
        JsonNode inner = error.has("innererror") ? error.get("innererror") : error.get("inner_error");
        if (inner == null || !inner.isObject()) {
            return null;
        }
        JsonNode result = inner.has("content_filter_result") ? inner.get("content_filter_result")
                : inner.get("content_filter_results");
        ObjectNode details = Json.object();
        if (inner.hasNonNull("code")) {
            details.put("reason", inner.get("code").asText());
        }
        if (result != null && !result.isNull()) {
            details.set("content_filter_results", result);
        }
        return details.isEmpty() ? null : details;
    }

    private static JsonNode readJson(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            String value = text(node, field);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "...";
    }
}
