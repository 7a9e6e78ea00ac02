package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.Caller;
import dev.switchboard.accounting.TokenCounter;
import dev.switchboard.catalog.Model;
import dev.switchboard.gateway.ClientSink;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.gateway.Tracing;
import dev.switchboard.protocol.ClientOriginal;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.MalformedJsonException;
import dev.switchboard.protocol.anthropic.MessagesToChat;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.protocol.openai.CompletionsRequest;
import dev.switchboard.protocol.openai.EmbeddingRequest;
import dev.switchboard.providers.ProviderAdapters;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * The inference routes of one event loop, once the caller is known and the body read: chat
 * completions, embeddings, and the Anthropic Messages API (translated to a chat completion and
 * answered through {@link AnthropicSink}). Bodies are decoded here; every decoding error is a 400
 * naming the field.
 */
final class InferenceRoutes {
    /** Attribution headers are stored with every generation; longer values are cut. */
    static final int MAX_ATTRIBUTION_LENGTH = 256;

    private final Gateway gateway;
    private final ProviderAdapters adapters;
    private final Vertx vertx;

    InferenceRoutes(Gateway gateway, ProviderAdapters adapters, Vertx vertx) {
        this.gateway = gateway;
        this.adapters = adapters;
        this.vertx = vertx;
    }

    void chatCompletion(Route.Call call) {
        complete(call.request(), decode(call.body()), new ResponseSink(call.request().response(), call.exchange()),
                call.caller());
    }

    /** As above, answered into {@code sink} rather than the HTTP response (the web UI reads the answer itself). */
    void chatCompletion(Route.Call call, ClientSink sink) {
        complete(call.request(), decode(call.body()), sink, call.caller());
    }

    /** The legacy Completions API: its prompt as a chat completion, answered as {@code text_completion}s. */
    void completions(Route.Call call) {
        ChatRequest chat = decode(decoded(() -> CompletionsRequest.toChat(call.body())));
        complete(call.request(), chat, new CompletionsSink(new ResponseSink(call.request().response(), call.exchange())),
                call.caller());
    }

    void embeddings(Route.Call call) {
        EmbeddingRequest embedding = decoded(() -> EmbeddingRequest.decode(call.body()));
        Attribution app = attribution(call.request());
        gateway.embeddings(embedding, new ResponseSink(call.request().response(), call.exchange()), call.caller(),
                app.app(), app.url(), traceParent(call.request()), adapters, vertx);
    }

    /** The Anthropic Messages API: translated to a chat completion, answered in Anthropic's shapes. */
    void messages(Route.Call call) {
        HttpServerRequest request = call.request();
        MessagesToChat.Translation translation = decoded(() -> MessagesToChat.translate(call.body()));
        ChatRequest chat = decode(translation.chat(), ClientOriginal.messages(call.body(),
                request.getHeader("anthropic-beta"), translation.serverTools()));
        complete(request, chat, new AnthropicSink(new ResponseSink(request.response(), call.exchange())), call.caller());
    }

    /** {@code /v1/messages/count_tokens}: the prompt's tokens with the model's tokenizer. */
    void countTokens(Route.Call call) {
        ChatRequest chat = decode(translated(injectMaxTokens(call.body())));
        Model model = gateway.catalog().find(chat.model()).filter(Model::listed)
                .orElseThrow(() -> GatewayError.notFound("Model \"" + chat.model() + "\" does not exist"));
        long tokens = TokenCounter.countPrompt(chat.messages(), chat.field("tools"),
                model.tokenizer());
        HttpEdge.sendJson(call.request().response(), 200, Json.object().put("input_tokens", tokens));
    }

    /** count_tokens takes no max_tokens; the translation wants one. */
    private static byte[] injectMaxTokens(byte[] body) {
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            if (root instanceof ObjectNode object && !object.has("max_tokens")) {
                object.put("max_tokens", 1);
                return Json.bytes(object);
            }
        } catch (IOException e) {
            // the translation reports the malformed JSON
        }
        return body;
    }

    private static byte[] translated(byte[] anthropicBody) {
        return decoded(() -> MessagesToChat.toChat(anthropicBody));
    }

    private static ChatRequest decode(byte[] body) {
        return decode(body, null);
    }

    static ChatRequest decode(byte[] body, ClientOriginal original) {
        return decoded(() -> ChatRequest.decode(body, original));
    }

    void complete(HttpServerRequest request, ChatRequest chat, ClientSink sink,
                          Caller caller) {
        Attribution app = attribution(request);
        gateway.chatCompletion(chat, sink, caller, app.app(), app.url(), traceParent(request), adapters, vertx);
    }

    /** The caller's W3C trace context, which the request's spans continue. */
    private static Tracing.Parent traceParent(HttpServerRequest request) {
        String traceparent = request.getHeader("traceparent");
        return traceparent == null ? Tracing.Parent.NONE : new Tracing.Parent(traceparent, request.getHeader("tracestate"));
    }

    /** The app a request is for: {@code X-Title} (or {@code X-OpenRouter-Title}), else its {@code HTTP-Referer}. */
    private record Attribution(String app, String url) {
    }

    private static Attribution attribution(HttpServerRequest request) {
        String referer = attribution(request.getHeader("http-referer"));
        String title = attribution(request.getHeader("x-title"));
        if (title == null) {
            title = attribution(request.getHeader("x-openrouter-title"));
        }
        return new Attribution(title != null ? title : referer, referer);
    }

    private static String attribution(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        return value.length() > MAX_ATTRIBUTION_LENGTH ? value.substring(0, MAX_ATTRIBUTION_LENGTH) : value;
    }


    /** Runs a decoder, turning its complaints into 400s. */
    static <T> T decoded(Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (MalformedJsonException e) {
            throw GatewayError.badRequest(null, e.getMessage());
        } catch (InvalidRequestException e) {
            throw GatewayError.badRequest(e.param(), e.getMessage());
        }
    }
}
