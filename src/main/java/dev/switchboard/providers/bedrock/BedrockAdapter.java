package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Provider;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/**
 * Amazon Bedrock Runtime's Converse API: {@code POST {base}/model/{modelId}/converse}, or
 * {@code /converse-stream} for streams (binary event-stream, not SSE). Authenticated with a
 * Bedrock API key as a bearer token when the provider has {@code api_key}, otherwise signed with
 * SigV4 over the exact body bytes ({@link RequestSigner}). The client's OpenAI request is
 * translated by {@link ConverseRequest}; answers come back as OpenAI completions and chunks
 * ({@link ConverseResponse}, {@link ConverseStream}); errors as {@link UpstreamFailure}s
 * ({@link BedrockErrors}). A request Bedrock cannot take (an image URL, a non-function tool) fails
 * with 400 before anything is sent.
 */
public final class BedrockAdapter implements ProviderAdapter {
    private final UpstreamHttp http;
    private final Clock clock;

    public BedrockAdapter(UpstreamHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public Future<byte[]> complete(UpstreamCall call) {
        return send(call, false).compose(response -> BoundedBody.answer(call, response)
                .compose(body -> completion(call, body)));
    }

    private Future<byte[]> completion(UpstreamCall call, Buffer body) {
        try {
            ObjectNode completion = ConverseResponse.toCompletion(body.getBytes(), call.endpoint().upstreamModel(),
                    clock.millis() / 1000);
            return Future.succeededFuture(Json.bytes(StructuredOutput.requested(call.request())
                    ? OutputToolAnswer.completion(completion) : completion));
        } catch (BedrockFormatException e) {
            return Future.failedFuture(new UpstreamFailure.InvalidResponse(call.endpoint().id(), e.getMessage()));
        }
    }

    @Override
    public Future<ChunkStream> stream(UpstreamCall call) {
        return send(call, true).map(response -> new BedrockChunkStream(call, response, clock.millis() / 1000));
    }

    /** Sends the request; completes with a 2xx response (paused, for streams), fails with the provider's error otherwise. */
    private Future<HttpClientResponse> send(UpstreamCall call, boolean stream) {
        Endpoint endpoint = call.endpoint();
        Provider provider = endpoint.provider();
        byte[] body;
        try {
            body = Json.bytes(ConverseRequest.translate(call.request(), call.maxTokens()));
        } catch (InvalidRequestException e) {
            return Future.failedFuture(new UpstreamFailure.ErrorStatus(endpoint.id(), 400, e.getMessage(),
                    "invalid_request_error", null, e.param(), null, null));
        }
        String url = url(endpoint, stream);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        headers(provider, url, body, stream, clock).forEach(headers::set);
        return http.exchange(call, url, headers, body, stream,
                (response, errorBody) -> BedrockErrors.parse(endpoint.id(), response.statusCode(),
                        response.getHeader("x-amzn-errortype"), errorBody, RetryAfter.from(response.headers(), clock)));
    }

    /** The operation URL; the model id (a base model, an inference profile or an ARN) is one percent-encoded segment. */
    static String url(Endpoint endpoint, boolean stream) {
        String model = URLEncoder.encode(endpoint.upstreamModel(), StandardCharsets.UTF_8).replace("+", "%20");
        return endpoint.provider().baseUrl() + "/model/" + model + (stream ? "/converse-stream" : "/converse");
    }

    /**
     * All request headers, signature last: the configured headers are signed too, so they must be
     * in place before signing. A Bedrock API key is sent as a bearer token, unsigned.
     */
    static Map<String, String> headers(Provider provider, String url, byte[] body, boolean stream, Clock clock) {
        // one entry per name whatever its case: the signer must see exactly the headers that are sent
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("content-type", "application/json");
        headers.put("accept", stream ? "application/vnd.amazon.eventstream" : "application/json");
        headers.put("user-agent", "Switchboard/0.1");
        headers.putAll(provider.headers());
        if (!provider.apiKey().isEmpty()) {
            headers.put("authorization", "Bearer " + provider.apiKey());
        } else {
            headers.putAll(RequestSigner.sign(provider.aws(), url, headers, body, clock));
        }
        return headers;
    }
}
