package dev.switchboard.protocol;

import static java.util.Objects.requireNonNull;

/**
 * What a client sent in an API other than Chat Completions, kept beside its canonical translation,
 * so an upstream that speaks the same API is sent the client's own request instead of a
 * translation back: the body (for the Responses API already expanded with a stored conversation and
 * without Switchboard's own members) and, for the Messages API, the {@code anthropic-beta} header
 * (null when absent).
 */
public record ClientOriginal(Api api, byte[] body, String anthropicBeta) {

    /** The inbound APIs whose requests can pass through to an upstream of the same kind. */
    public enum Api {
        /** Anthropic's Messages API ({@code POST /v1/messages}). */
        MESSAGES,
        /** OpenAI's Responses API ({@code POST /v1/responses}). */
        RESPONSES
    }

    public ClientOriginal {
        requireNonNull(api, "api");
        requireNonNull(body, "body");
    }

    public static ClientOriginal messages(byte[] body, String anthropicBeta) {
        return new ClientOriginal(Api.MESSAGES, body, anthropicBeta);
    }

    public static ClientOriginal responses(byte[] body) {
        return new ClientOriginal(Api.RESPONSES, body, null);
    }

    public boolean is(Api other) {
        return api == other;
    }
}
