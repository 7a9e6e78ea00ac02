package dev.switchboard.protocol.sse;

/** The byte stream is not a usable event stream (for example an event over the size limit). */
public final class SseException extends RuntimeException {
    public SseException(String message) {
        super(message);
    }
}
