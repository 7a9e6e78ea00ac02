package dev.switchboard.providers.bedrock;

/**
 * A Bedrock answer that cannot be translated: not the documented shape ({@code providerError}
 * false, an invalid response), or an exception event in a stream ({@code providerError} true,
 * the stream broke on Bedrock's side). The message is safe to show clients.
 */
final class BedrockFormatException extends RuntimeException {
    private final boolean providerError;

    BedrockFormatException(String message, boolean providerError) {
        super(message, null, false, false);
        this.providerError = providerError;
    }

    boolean providerError() {
        return providerError;
    }
}
