package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;

/** What a {@link SwitchboardException} carries; {@code param}, {@code generationId} and {@code retryAfter} may be null. */
record ErrorDetails(int status, String type, String message, String param, JsonNode metadata, String generationId,
                    Duration retryAfter, boolean duringStream) {

    /** A failure without an HTTP answer (no connection, no response in time). */
    static ErrorDetails local(String type, String message) {
        return new ErrorDetails(0, type, message, null, Json.MAPPER.createObjectNode(), null, null, false);
    }
}
