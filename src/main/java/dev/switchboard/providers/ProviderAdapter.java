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
}
