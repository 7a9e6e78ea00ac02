package dev.switchboard.providers;

import io.vertx.core.Future;

/**
 * Speaks one protocol to upstreams. Requests come in the canonical (OpenAI Chat Completions)
 * form, answers go out in it: a {@code chat.completion} document, or a {@link ChunkStream} of
 * chunks. Failures are always {@link UpstreamFailure}s.
 */
public interface ProviderAdapter {

    /** A non-streaming completion: the JSON of an OpenAI {@code chat.completion}. */
    Future<byte[]> complete(UpstreamCall call);

    /** A streaming completion, once the upstream has accepted the request. */
    Future<ChunkStream> stream(UpstreamCall call);

    /** Whether {@link #embed} is implemented: the gateway routes embeddings only to such endpoints. */
    default boolean servesEmbeddings() {
        return false;
    }

    /**
     * Embeddings: {@code body} is the client's OpenAI embeddings request, already addressed to
     * the endpoint's upstream model ({@code call.request()} is null); the answer is the JSON of an
     * OpenAI embeddings response.
     */
    default Future<byte[]> embed(UpstreamCall call, byte[] body) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not serve embeddings");
    }
}
