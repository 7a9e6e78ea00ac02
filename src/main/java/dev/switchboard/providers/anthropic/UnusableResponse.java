package dev.switchboard.providers.anthropic;

/** An Anthropic response or stream event that is not what the Messages API promises (not JSON, no message). */
final class UnusableResponse extends RuntimeException {
    UnusableResponse(String message) {
        super(message, null, false, false);
    }
}
