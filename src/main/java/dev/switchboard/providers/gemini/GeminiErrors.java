package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.catalog.EndpointId;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamText;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads Google's error bodies, {@code {"error": {code, message, status, details: [...]}}}
 * (reference/gemini/NOTES.md "Errors"; gemini/error_*.json). The failure keeps the HTTP status, so
 * the gateway's policy applies as for any provider (429 and 5xx fall back), with two readings:
 * <ul>
 * <li>an invalid key is 400 INVALID_ARGUMENT with ErrorInfo reason {@code API_KEY_INVALID}, not
 *     401: it is reported as 401, so like OpenAI's 401 it falls back to the next endpoint instead of
 *     being blamed on the client's request;</li>
 * <li>a RetryInfo {@code retryDelay} ("34.4s", proto3 Duration JSON) is the wait when no
 *     Retry-After header came.</li>
 * </ul>
 * {@code code} is the ErrorInfo reason when there is one, else Google's status name; the details
 * array is passed on as provider details.
 */
final class GeminiErrors {
    private static final int MAX_MESSAGE = 1_000;
    private static final Duration MAX_WAIT = Duration.ofHours(1);

    private GeminiErrors() {
    }

    static UpstreamFailure.ErrorStatus parse(EndpointId endpoint, int status, byte[] body, Duration retryAfter) {
        JsonNode error = errorObject(body);
        if (error == null) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            return new UpstreamFailure.ErrorStatus(endpoint, status,
                    UpstreamText.describe(endpoint, status, body), null, null, null, retryAfter, null);
        }
        String reason = detail(error, "google.rpc.ErrorInfo").path("reason").asText(null);
        String googleStatus = error.path("status").asText(null);
        String message = error.path("message").asText("");
        if (message.isBlank()) {
            message = "HTTP " + status + " from provider" + (googleStatus == null ? "" : " (" + googleStatus + ")");
        }
        int reported = status == 400 && "API_KEY_INVALID".equals(reason) ? 401 : status;
        Duration wait = retryAfter != null ? retryAfter : retryDelay(detail(error, "google.rpc.RetryInfo"));
        JsonNode details = error.path("details");
        return new UpstreamFailure.ErrorStatus(endpoint, reported, truncate(message), null,
                reason != null ? reason : googleStatus, null, wait, details.isArray() && !details.isEmpty() ? details : null);
    }

    /** The {@code error} object, also when wrapped in an array (streamGenerateContent without alt=sse answers with arrays). */
    private static JsonNode errorObject(byte[] body) {
        JsonNode root;
        try {
            root = body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (root != null && root.isArray() && !root.isEmpty()) {
            root = root.get(0);
        }
        JsonNode error = root == null ? null : root.get("error");
        return error != null && error.isObject() ? error : null;
    }

    /** The first element of {@code details} whose {@code @type} names {@code type}, or a missing node. */
    private static JsonNode detail(JsonNode error, String type) {
        for (JsonNode d : error.path("details")) {
            if (d.path("@type").asText().endsWith("/" + type)) {
                return d;
            }
        }
        return Json.MAPPER.missingNode();
    }

    /** A proto3 JSON Duration such as "34.4s", capped at an hour; null when absent or unreadable. */
    static Duration retryDelay(JsonNode retryInfo) {
        String delay = retryInfo.path("retryDelay").asText("");
        if (!delay.endsWith("s")) {
            return null;
        }
        try {
            BigDecimal seconds = new BigDecimal(delay.substring(0, delay.length() - 1));
            if (seconds.signum() < 0) {
                return Duration.ZERO;
            }
            if (seconds.compareTo(BigDecimal.valueOf(MAX_WAIT.toSeconds())) > 0) {
                return MAX_WAIT;
            }
            return Duration.ofMillis(seconds.movePointRight(3).longValue());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "...";
    }
}
