package dev.switchboard.providers.openai;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.Protocol;
import dev.switchboard.catalog.Provider;
import dev.switchboard.protocol.ClientOriginal;
import dev.switchboard.protocol.sse.SseException;
import dev.switchboard.protocol.sse.SseFormat;
import dev.switchboard.protocol.sse.SseParser;
import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.RetryAfter;
import dev.switchboard.providers.http.UpstreamChunkStream;
import dev.switchboard.providers.http.BoundedBody;
import dev.switchboard.providers.http.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * OpenAI Chat Completions upstreams (OpenAI, Groq, Together, DeepSeek, Mistral, vLLM, Ollama,
 * llama.cpp, OpenRouter...) and Azure OpenAI, which speaks the same wire with its own URL,
 * {@code api-key} header and extra content-filter fields. The client's JSON is forwarded as
 * sent, with only {@code model} rewritten, extensions removed and stream usage switched on.
 *
 * <p>A client that spoke OpenAI's Responses API, sent to a provider configured with
 * {@code responses_api}, is passed through instead: its request goes to {@code /responses}
 * ({@link ResponsesRequest}) and the answer comes back in the canonical form with the upstream's
 * own Response ({@link ResponsesCompletion}) or stream events ({@link ResponsesStreamTranslator})
 * riding along.
 */
public final class OpenAiAdapter implements ProviderAdapter {
    /** Largest single SSE event accepted from an upstream. */
    static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private final UpstreamHttp http;
    private final Clock clock;

    public OpenAiAdapter(UpstreamHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public Future<byte[]> complete(UpstreamCall call) {
        if (passesResponsesThrough(call)) {
            return completeResponse(call);
        }
        return send(call, false).compose(response -> readBody(call, response));
    }

    @Override
    public Future<ChunkStream> stream(UpstreamCall call) {
        if (passesResponsesThrough(call)) {
            return sendResponse(call, true).map(response -> new ResponsesChunkStream(call, response, nowSeconds()));
        }
        return send(call, true).map(response -> new SseChunkStream(call, response));
    }

    /** The client spoke the Responses API and this provider serves it: no translation to Chat Completions. */
    static boolean passesResponsesThrough(UpstreamCall call) {
        return call.request() != null && call.request().cameAs(ClientOriginal.Api.RESPONSES)
                && call.endpoint().provider().responsesApi();
    }

    private Future<byte[]> completeResponse(UpstreamCall call) {
        EndpointId endpoint = call.endpoint().id();
        return sendResponse(call, false).compose(response -> readBody(call, response)).compose(body -> {
            try {
                return Future.succeededFuture(ResponsesCompletion.toCompletion(body, nowSeconds()));
            } catch (UnusableResponse e) {
                return Future.failedFuture(new UpstreamFailure.InvalidResponse(endpoint, e.getMessage()));
            } catch (FailedResponse e) {
                return Future.failedFuture(e.toFailure(endpoint));
            }
        });
    }

    private Future<HttpClientResponse> sendResponse(UpstreamCall call, boolean stream) {
        Endpoint endpoint = call.endpoint();
        return send(call, ResponsesRequest.url(endpoint),
                ResponsesRequest.body(call.request().original().body(), endpoint.upstreamModel(), stream,
                        call.maxTokens()), stream);
    }

    private static Future<byte[]> readBody(UpstreamCall call, HttpClientResponse response) {
        return BoundedBody.answer(call, response)
                .map(Buffer::getBytes);
    }

    private long nowSeconds() {
        return clock.millis() / 1000;
    }

    @Override
    public boolean servesEmbeddings() {
        return true;
    }

    @Override
    public Future<byte[]> embed(UpstreamCall call, byte[] body) {
        return send(call, url(call.endpoint(), "embeddings"), body, false).compose(response -> readBody(call, response));
    }

    private Future<HttpClientResponse> send(UpstreamCall call, boolean stream) {
        Endpoint endpoint = call.endpoint();
        return send(call, url(endpoint, "chat/completions"), call.request().toUpstream(endpoint.upstreamModel(),
                call.maxTokens(), call.sendsReasoningEffort(), call.reasons()), stream);
    }

    /** Sends the request; completes with a 2xx response (paused, for streams), fails with the provider's error otherwise. */
    private Future<HttpClientResponse> send(UpstreamCall call, String url, byte[] body, boolean stream) {
        Endpoint endpoint = call.endpoint();
        Provider provider = endpoint.provider();
        return http.exchange(call, url, headers(provider, stream), body, stream,
                (response, errorBody) -> UpstreamErrors.parse(endpoint.id(), response.statusCode(), errorBody,
                        RetryAfter.from(response.headers(), clock)));
    }

    static String url(Endpoint endpoint) {
        return url(endpoint, "chat/completions");
    }

    /** {@code operation}: {@code chat/completions} or {@code embeddings}. */
    static String url(Endpoint endpoint, String operation) {
        Provider provider = endpoint.provider();
        String base = provider.baseUrl();
        if (provider.protocol() != Protocol.AZURE || base.endsWith("/openai/v1")) {
            return base + "/" + operation;
        }
        // classic Azure data plane: the deployment is in the path, the version in the query
        return base + "/openai/deployments/" + URLEncoder.encode(endpoint.upstreamModel(), StandardCharsets.UTF_8)
                + "/" + operation + "?api-version=" + URLEncoder.encode(provider.apiVersion(), StandardCharsets.UTF_8);
    }

    static MultiMap headers(Provider provider, boolean stream) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        headers.set("content-type", "application/json");
        headers.set("accept", stream ? "text/event-stream" : "application/json");
        headers.set("user-agent", "Switchboard/0.1");
        if (!provider.apiKey().isEmpty()) {
            if (provider.protocol() == Protocol.AZURE) {
                headers.set("api-key", provider.apiKey());
            } else {
                headers.set("authorization", "Bearer " + provider.apiKey());
            }
        }
        provider.headers().forEach(headers::set);
        return headers;
    }

    /** Reads an OpenAI SSE body: every {@code data:} event is one chunk; {@code [DONE]} ends it. */
    private static final class SseChunkStream extends UpstreamChunkStream implements SseParser.Listener {
        private final SseParser parser = new SseParser(this, MAX_EVENT_BYTES);
        private boolean sawDone;

        SseChunkStream(UpstreamCall call, HttpClientResponse response) {
            super(call, response);
        }

        @Override
        protected void onBytes(byte[] bytes) {
            try {
                parser.feed(bytes);
            } catch (SseException e) {
                abort(new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), e));
                return;
            }
            if (sawDone) {
                // [DONE] ends the answer: finish now rather than when the upstream closes its response
                end(true);
            } else {
                batchEnd();
            }
        }

        @Override
        public void onEvent(String event, byte[] data) {
            if (finished() || sawDone) {
                return;
            }
            if (SseFormat.isDone(data)) {
                sawDone = true;
                return;
            }
            if ("error".equals(event)) {
                abort(new UpstreamFailure.StreamBroken(call.endpoint().id(),
                        "provider sent an error event: " + new String(data, 0, Math.min(data.length, 500),
                                StandardCharsets.UTF_8), null));
                return;
            }
            chunk(data);
        }

        @Override
        protected void onUpstreamEnd() {
            try {
                parser.end();
            } catch (SseException e) {
                fail(new UpstreamFailure.StreamBroken(call.endpoint().id(), e.getMessage(), e));
                return;
            }
            end(sawDone);
        }
    }
}
