package dev.switchboard.protocol;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a client sent in an API other than Chat Completions, kept beside its canonical translation,
 * so an upstream that speaks the same API is sent the client's own request instead of a
 * translation back: the body (for the Responses API already expanded with a stored conversation and
 * without Switchboard's own members), for the Messages API the {@code anthropic-beta} header (null
 * when absent), and the hosted tools it offers (the Responses API's {@code web_search}, …, the Messages
 * API's server tools), which only a same-API upstream runs: every other upstream is served without them.
 */
public record ClientOriginal(Api api, byte[] body, String anthropicBeta, List<String> hostedTools) {

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
        hostedTools = List.copyOf(hostedTools);
    }

    public static ClientOriginal messages(byte[] body, String anthropicBeta) {
        return messages(body, anthropicBeta, List.of());
    }

    public static ClientOriginal messages(byte[] body, String anthropicBeta, List<String> serverTools) {
        return new ClientOriginal(Api.MESSAGES, body, anthropicBeta, serverTools);
    }

    public static ClientOriginal responses(byte[] body) {
        return responses(body, List.of());
    }

    public static ClientOriginal responses(byte[] body, List<String> hostedTools) {
        return new ClientOriginal(Api.RESPONSES, body, null, hostedTools);
    }

    public boolean is(Api other) {
        return api == other;
    }
}
