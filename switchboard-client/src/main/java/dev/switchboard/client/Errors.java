package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Turns the gateway's error answers (DESIGN.md §4) and error chunks into typed exceptions. */
final class Errors {
    private Errors() {
    }

    /** A non-2xx answer: {@code {"error": {"code", "message", "type", "metadata"}}}, or whatever body came. */
    static SwitchboardException fromResponse(int status, HttpHeaders headers, String body, Clock clock) {
        JsonNode error = Json.parseOrMissing(body).path("error");
        String message = Json.text(error, "message");
        if (message == null) {
            message = body.isBlank() ? "HTTP " + status : "HTTP " + status + ": " + abbreviate(body);
        }
        String type = Json.text(error, "type");
        Duration retryAfter = headers.firstValue("retry-after").map(v -> retryAfter(v, clock)).orElse(null);
        ErrorDetails details = new ErrorDetails(status, type == null ? defaultType(status) : type, message,
                Json.text(error, "param"), metadata(error), headers.firstValue("x-generation-id").orElse(null), retryAfter, false);
        return of(details, null);
    }

    /**
     * An error chunk in a stream that had begun ({@code finish_reason: "error"}): its {@code code} is the
     * status the gateway would have answered (OpenRouter may send a string such as {@code server_error}).
     */
    static SwitchboardException fromChunk(JsonNode chunk) {
        JsonNode error = chunk.path("error");
        JsonNode code = error.path("code");
        int status = code.canConvertToInt() && code.isNumber() ? code.asInt() : 502;
        String message = Json.text(error, "message");
        String type = Json.text(error, "type");
        ErrorDetails details = new ErrorDetails(status, type == null ? defaultType(status) : type,
                message == null ? "the stream ended with an error" : message, null, metadata(error),
                Json.text(chunk, "id"), null, true);
        return of(details, null);
    }

    static SwitchboardException of(ErrorDetails details, Throwable cause) {
        int status = details.status();
        return switch (status) {
            case 400 -> new BadRequestException(details, cause);
            case 401 -> new AuthenticationException(details, cause);
            case 402 -> new InsufficientCreditsException(details, cause);
            case 403 -> new PermissionDeniedException(details, cause);
            case 404 -> new NotFoundException(details, cause);
            case 408 -> new TimeoutException(details, cause);
            case 429 -> new RateLimitedException(details, cause);
            default -> status >= 500 ? new UpstreamException(details, cause) : new BadRequestException(details, cause);
        };
    }

    private static JsonNode metadata(JsonNode error) {
        JsonNode metadata = error.get("metadata");
        return metadata == null || metadata.isNull() ? Json.MAPPER.createObjectNode() : metadata;
    }

    private static String defaultType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "insufficient_quota";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 408 -> "timeout_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "upstream_error" : "invalid_request_error";
        };
    }

    /** {@code Retry-After} as seconds (RFC 9110 §10.2.3 also allows an HTTP date); null when unreadable. */
    static Duration retryAfter(String value, Clock clock) {
        String trimmed = value.trim();
        try {
            double seconds = Double.parseDouble(trimmed);
            return seconds < 0 || Double.isNaN(seconds) ? null : Duration.ofMillis((long) Math.ceil(seconds * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration until = Duration.between(clock.instant(), at.toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static String abbreviate(String body) {
        String flat = body.strip().replaceAll("\\s+", " ");
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
    }
}
