package dev.switchboard.providers.gemini;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Provider;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.RetryAfter;
import dev.switchboard.providers.http.BoundedBody;
import dev.switchboard.providers.http.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Google's Gemini API (generativelanguage.googleapis.com, "Google AI Studio"):
 * {@code POST {base}/v1beta/models/{model}:generateContent}, or
 * {@code :streamGenerateContent?alt=sse} for streams, with the key in the {@code x-goog-api-key}
 * header (never in the URL). The client's OpenAI request is translated by {@link GeminiRequest};
 * answers come back as OpenAI completions and chunks ({@link GeminiResponse}, {@link GeminiStream});
 * errors as {@link UpstreamFailure}s ({@link GeminiErrors}). A request Gemini cannot take (an image
 * URL it would have to download, a tool result for an unknown call) fails with 400 before anything
 * is sent.
 */
public final class GeminiAdapter implements ProviderAdapter {
    private final UpstreamHttp http;
    private final Clock clock;
    private final ToolCallIds ids;

    public GeminiAdapter(UpstreamHttp http, Clock clock) {
        this(http, clock, ToolCallIds.random());
    }

    GeminiAdapter(UpstreamHttp http, Clock clock, ToolCallIds ids) {
        this.http = http;
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    public Future<byte[]> complete(UpstreamCall call) {
        return send(call, false).compose(response -> BoundedBody.answer(call, response)
                .compose(body -> completion(call, body)));
    }

    private Future<byte[]> completion(UpstreamCall call, Buffer body) {
        try {
            return Future.succeededFuture(Json.bytes(GeminiResponse.toCompletion(body.getBytes(),
                    call.endpoint().upstreamModel(), clock.millis() / 1000, ids)));
        } catch (GeminiFormatException e) {
            return Future.failedFuture(new UpstreamFailure.InvalidResponse(call.endpoint().id(), e.getMessage()));
        }
    }

    @Override
    public Future<ChunkStream> stream(UpstreamCall call) {
        return send(call, true).map(response -> new GeminiChunkStream(call, response, clock.millis() / 1000, ids));
    }

    @Override
    public boolean servesEmbeddings() {
        return true;
    }

    /** Embeddings through {@code :batchEmbedContents}; see {@link GeminiEmbeddings}. */
    @Override
    public Future<byte[]> embed(UpstreamCall call, byte[] body) {
        Endpoint endpoint = call.endpoint();
        byte[] batch;
        try {
            batch = GeminiEmbeddings.request(body, resource(endpoint.upstreamModel()));
        } catch (InvalidRequestException e) {
            return Future.failedFuture(new UpstreamFailure.ErrorStatus(endpoint.id(), 400, e.getMessage(),
                    "invalid_request_error", null, e.param(), null, null));
        }
        boolean base64 = "base64".equals(Json.parse(body).path("encoding_format").asText(null));
        return post(call, method(endpoint, ":batchEmbedContents"), batch, false)
                .compose(response -> BoundedBody.answer(call, response)
                .compose(answer -> {
                    try {
                        return Future.succeededFuture(GeminiEmbeddings.response(answer.getBytes(),
                                endpoint.upstreamModel(), base64));
                    } catch (GeminiFormatException e) {
                        return Future.failedFuture(new UpstreamFailure.InvalidResponse(endpoint.id(), e.getMessage()));
                    }
                }));
    }

    /** Sends the request; completes with a 2xx response (paused, for streams), fails with the provider's error otherwise. */
    private Future<HttpClientResponse> send(UpstreamCall call, boolean stream) {
        Endpoint endpoint = call.endpoint();
        byte[] body;
        try {
            body = Json.bytes(GeminiRequest.translate(call.request(), call.maxTokens(), call.sendsReasoningEffort()));
        } catch (InvalidRequestException e) {
            return Future.failedFuture(new UpstreamFailure.ErrorStatus(endpoint.id(), 400, e.getMessage(),
                    "invalid_request_error", null, e.param(), null, null));
        }
        return post(call, url(endpoint, stream), body, stream);
    }

    private Future<HttpClientResponse> post(UpstreamCall call, String url, byte[] body, boolean stream) {
        Endpoint endpoint = call.endpoint();
        Provider provider = endpoint.provider();
        return http.exchange(call, url, headers(provider, stream), body, stream,
                (response, errorBody) -> GeminiErrors.parse(endpoint.id(), response.statusCode(), errorBody,
                        RetryAfter.from(response.headers(), clock)));
    }

    /**
     * The method URL. {@code upstream_model} is a model id ({@code gemini-2.5-flash}) or a full
     * resource name ({@code models/…}, {@code tunedModels/…}); a base URL that already ends with
     * its API version ({@code /v1beta}, {@code /v1}) keeps it.
     */
    static String url(Endpoint endpoint, boolean stream) {
        return method(endpoint, stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    }

    /** The URL of one method ({@code :generateContent}, {@code :batchEmbedContents}...) of the endpoint's model. */
    static String method(Endpoint endpoint, String method) {
        String base = endpoint.provider().baseUrl();
        String version = base.endsWith("/v1beta") || base.endsWith("/v1") ? "" : "/v1beta";
        return base + version + "/" + encodePath(resource(endpoint.upstreamModel())) + method;
    }

    private static String resource(String model) {
        return model.startsWith("models/") || model.startsWith("tunedModels/") ? model : "models/" + model;
    }

    private static String encodePath(String path) {
        return Arrays.stream(path.split("/"))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }

    static MultiMap headers(Provider provider, boolean stream) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        headers.set("content-type", "application/json");
        headers.set("accept", stream ? "text/event-stream" : "application/json");
        headers.set("user-agent", "Switchboard/0.1");
        if (!provider.apiKey().isEmpty()) {
            headers.set("x-goog-api-key", provider.apiKey());
        }
        provider.headers().forEach(headers::set);
        return headers;
    }
}
