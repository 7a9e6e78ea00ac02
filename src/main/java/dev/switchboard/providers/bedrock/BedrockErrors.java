package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.catalog.EndpointId;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamText;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads Bedrock's rest-json errors: the type in the {@code x-amzn-errortype} header
 * ({@code ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/}), the text in
 * the body's {@code message} (reference/bedrock/NOTES.md "Errors"; bedrock/error_*.json). The
 * HTTP status is kept, so the gateway's policy applies as for any provider (429, 5xx, 401, 403
 * and 404 fall back; ValidationException 400 is the client's), with these readings:
 * <ul>
 * <li>ServiceQuotaExceededException comes as 400 but is a quota, not a bad request: 429;</li>
 * <li>ModelErrorException / ModelStreamErrorException (424, the model failed) are 502;</li>
 * <li>a ValidationException saying the input is too long gets code
 *     {@code context_length_exceeded}, so a larger endpoint may still be tried.</li>
 * </ul>
 * {@code code} is the Bedrock exception name.
 */
final class BedrockErrors {
    private static final int MAX_MESSAGE = 1_000;

    private BedrockErrors() {
    }

    static UpstreamFailure.ErrorStatus parse(EndpointId endpoint, int status, String errorTypeHeader, byte[] body,
                                             Duration retryAfter) {
        JsonNode json = json(body);
        String type = errorType(errorTypeHeader, json);
        String message = json == null ? UpstreamText.describe(endpoint, status, body)
                : json.has("message") ? json.path("message").asText("") : json.path("Message").asText("");
        if (message.isBlank()) {
            message = "HTTP " + status + " from provider" + (type == null ? "" : " (" + type + ")");
        }
        int reported = switch (type == null ? "" : type) {
            case "ServiceQuotaExceededException" -> 429;
            case "ModelErrorException", "ModelStreamErrorException" -> 502;
            default -> status;
        };
        String code = "ValidationException".equals(type) && tooLong(message) ? "context_length_exceeded" : type;
        return new UpstreamFailure.ErrorStatus(endpoint, reported, truncate(message),
                reported == 400 ? "invalid_request_error" : null, code, null, retryAfter, null);
    }

    /** The exception name: the header up to its colon, else the body's {@code __type} (other AWS JSON protocols). */
    static String errorType(String header, JsonNode body) {
        String type = header;
        if ((type == null || type.isBlank()) && body != null) {
            type = body.path("__type").asText(null);
        }
        if (type == null || type.isBlank()) {
            return null;
        }
        int colon = type.indexOf(':');
        type = colon >= 0 ? type.substring(0, colon) : type;
        int hash = type.lastIndexOf('#');
        return hash >= 0 ? type.substring(hash + 1) : type;
    }

    /** An exception event of a stream (":message-type: exception") as the reason the stream broke. */
    static String streamException(String exceptionType, byte[] payload) {
        JsonNode json = json(payload);
        String message = json == null ? "" : json.path("message").asText(json.path("Message").asText(""));
        return "provider reported " + (exceptionType == null ? "an exception" : exceptionType)
                + " in the stream" + (message.isBlank() ? "" : ": " + truncate(message));
    }

    private static boolean tooLong(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("too long") || m.contains("too many input tokens") || m.contains("context window")
                || m.contains("context length");
    }

    private static JsonNode json(byte[] body) {
        try {
            JsonNode node = body.length == 0 ? null : Json.MAPPER.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "...";
    }
}
