package dev.switchboard.providers.anthropic;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Provider;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.ClientOriginal;
import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.OutputToolAnswer;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.StructuredOutput;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.RetryAfter;
import dev.switchboard.providers.http.BoundedBody;
import dev.switchboard.providers.http.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;

import java.time.Clock;

/**
 * Anthropic Messages API upstreams ({@code POST /v1/messages}) behind the OpenAI Chat
 * Completions API: the request goes through {@link MessagesRequest}, the answer comes back
 * through {@link MessagesResponse} or, streamed, {@link StreamTranslator}; error bodies through
 * {@link AnthropicErrors}. Requests carry {@code x-api-key} and {@code anthropic-version}; the
 * provider's configured headers (an {@code anthropic-beta} list, say) are added last.
 */
public final class AnthropicAdapter implements ProviderAdapter {
    /** The newest API version (versioning.md); a provider header may override it. */
    static final String API_VERSION = "2023-06-01";

    private final UpstreamHttp http;
    private final Clock clock;

    public AnthropicAdapter(UpstreamHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public Future<byte[]> complete(UpstreamCall call) {
        return send(call, false).compose(response -> BoundedBody.answer(call, response)
                .compose(body -> {
                    try {
                        byte[] completion = MessagesResponse.toCompletion(body.getBytes(), nowSeconds(),
                                call.request().cameAs(ClientOriginal.Api.MESSAGES));
                        return Future.succeededFuture(answersThroughTool(call)
                                ? OutputToolAnswer.completion(completion) : completion);
                    } catch (UnusableResponse e) {
                        return Future.failedFuture(new UpstreamFailure.InvalidResponse(call.endpoint().id(), e.getMessage()));
                    }
                }));
    }

    @Override
    public Future<ChunkStream> stream(UpstreamCall call) {
        return send(call, true).map(response -> new AnthropicChunkStream(call, response, nowSeconds(),
                call.request().cameAs(ClientOriginal.Api.MESSAGES), answersThroughTool(call)));
    }

    /** A translated request with {@code response_format}: the answer comes as the output tool's call ({@link OutputTool}). */
    private static boolean answersThroughTool(UpstreamCall call) {
        return messagesOriginal(call) == null && StructuredOutput.requested(call.request());
    }

    /** Sends the request; completes with a 2xx response (paused, for streams), fails with the provider's error otherwise. */
    private Future<HttpClientResponse> send(UpstreamCall call, boolean stream) {
        Endpoint endpoint = call.endpoint();
        Provider provider = endpoint.provider();
        byte[] body;
        try {
            ClientOriginal original = messagesOriginal(call);
            body = original != null ? MessagesRequest.passThrough(original.body(), endpoint.upstreamModel(),
                    call.maxTokens())
                    : Json.bytes(MessagesRequest.translate(call.request(), endpoint.upstreamModel(),
                    endpoint.maxOutputTokens()));
        } catch (InvalidRequestException e) {
            // the request itself cannot be expressed: the client's error, not the provider's
            return Future.failedFuture(new UpstreamFailure.ErrorStatus(endpoint.id(), 400, e.getMessage(),
                    "invalid_request_error", null, e.param(), null, null));
        }
        MultiMap headers = headers(provider, stream);
        ClientOriginal original = messagesOriginal(call);
        if (original != null && original.anthropicBeta() != null && provider.headers().keySet().stream().noneMatch("anthropic-beta"::equalsIgnoreCase)) {
            // the client's beta features go with its own body; a provider's configured list wins
            headers.set("anthropic-beta", original.anthropicBeta());
        }
        return http.exchange(call, url(provider), headers, body, stream,
                (response, errorBody) -> AnthropicErrors.parse(endpoint.id(), response.statusCode(), errorBody,
                        RetryAfter.from(response.headers(), clock)));
    }

    /** The client's own Messages request, or null when it spoke another API. */
    private static ClientOriginal messagesOriginal(UpstreamCall call) {
        return call.request().cameAs(ClientOriginal.Api.MESSAGES) ? call.request().original() : null;
    }

    /** {@code base_url} is the API root ({@code https://api.anthropic.com}); one ending in {@code /v1} works too. */
    static String url(Provider provider) {
        String base = provider.baseUrl();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + (base.endsWith("/v1") ? "/messages" : "/v1/messages");
    }

    static MultiMap headers(Provider provider, boolean stream) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        headers.set("content-type", "application/json");
        headers.set("accept", stream ? "text/event-stream" : "application/json");
        headers.set("user-agent", "Switchboard/0.1");
        headers.set("anthropic-version", API_VERSION);
        if (!provider.apiKey().isEmpty()) {
            headers.set("x-api-key", provider.apiKey());
        }
        provider.headers().forEach(headers::set);
        return headers;
    }

    private long nowSeconds() {
        return clock.millis() / 1000;
    }
}
