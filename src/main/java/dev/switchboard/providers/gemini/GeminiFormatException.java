package dev.switchboard.providers.gemini;

/**
 * A Gemini answer that cannot be translated: not JSON, no candidates, a streamed in-band error,
 * or a feature the Gemini API does not document (Vertex AI's streamed {@code partialArgs}).
 * Messages are safe to show clients.
 */
final class GeminiFormatException extends RuntimeException {
    private final boolean providerError;

    GeminiFormatException(String message, boolean providerError) {
        super(message, null, false, false);
        this.providerError = providerError;
    }

    /** True when the provider itself reported an error in the stream (rather than sending something unreadable). */
    boolean providerError() {
        return providerError;
    }
}
