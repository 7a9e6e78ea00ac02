package dev.switchboard.providers.openai;

/** A Responses API answer or stream event that is not what the API promises (not JSON, no response object). */
final class UnusableResponse extends RuntimeException {
    UnusableResponse(String message) {
        super(message, null, false, false);
    }
}
