package dev.switchboard.protocol.responses;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;

import static java.util.Objects.requireNonNull;

/**
 * What rendering a Response needs besides the chat answer: Switchboard's response id, when it was
 * created (Unix seconds), the request properties it repeats ({@link ResponsesRequest#echo()}), the
 * tool names to map calls back ({@link ResponsesRequest#toolNames()}), and the clock for
 * {@code completed_at}.
 */
public record ResponseMeta(String responseId, long createdAt, ObjectNode echo, ToolNames toolNames, Clock clock) {

    public ResponseMeta {
        requireNonNull(responseId, "responseId");
        requireNonNull(echo, "echo");
        requireNonNull(toolNames, "toolNames");
        requireNonNull(clock, "clock");
    }

    /** The meta of a response to {@code request}, created now. */
    public static ResponseMeta of(String responseId, ResponsesRequest request, Clock clock) {
        return new ResponseMeta(responseId, clock.millis() / 1000, request.echo(), request.toolNames(), clock);
    }

    /** A new response id: {@code resp_} and 32 random hex digits. */
    public static String newResponseId() {
        return ResponseIds.next("resp");
    }

    long now() {
        return clock.millis() / 1000;
    }
}
