package dev.switchboard.protocol.anthropic;

/**
 * What an Anthropic client sent, kept beside its translation: the Messages body and its
 * {@code anthropic-beta} header (null when absent), so an Anthropic upstream can be sent both as
 * they came.
 */
public record AnthropicOriginal(byte[] body, String betaHeader) {
}
