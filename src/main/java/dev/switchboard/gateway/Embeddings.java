package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.Caller;
import dev.switchboard.accounting.TokenCounter;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.EmbeddingRequest;
import dev.switchboard.providers.CancelSignal;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.RouteQuery;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One embeddings request: routed like a chat completion (the same filters, order, fallbacks and
 * accounting), to the endpoints whose protocol serves embeddings. The context filter applies to
 * the largest single input, as providers limit each input, not the batch; cost and rate limits
 * count every input.
 */
final class Embeddings extends AttemptLoop {
    /** Answers up to this size are parsed and written on the event loop (a millisecond); larger ones on a worker. */
    static final int PARSE_ON_LOOP_BYTES = 1024 * 1024;

    private final EmbeddingRequest request;
    private final InputSize largestInput;
    private final InputSize allInputs;

    Embeddings(Gateway gateway, ProviderAdapters adapters, Vertx vertx, EmbeddingRequest request, ClientSink sink,
               Caller caller, RequestAccounting.Attribution attribution, Tracing.Parent parent) {
        this(gateway, adapters, vertx, request, sink, GenerationIds.next(gateway.clock()), caller, attribution, parent);
    }

    private Embeddings(Gateway gateway, ProviderAdapters adapters, Vertx vertx, EmbeddingRequest request,
                       ClientSink sink, String generationId, Caller caller,
                       RequestAccounting.Attribution attribution, Tracing.Parent parent) {
        super(gateway, adapters, vertx, sink, generationId,
                new RequestAccounting(gateway.accounts(), caller, attribution, 0L, 1, request.user(), generationId),
                new RequestTelemetry(gateway, sink, "embeddings", "/v1/embeddings", request.model(), generationId,
                        caller, attribution, false, parent));
        this.request = request;
        this.largestInput = new InputSize(request, true);
        this.allInputs = new InputSize(request, false);
    }

    /** Cost and rate limits count every input. */
    @Override
    protected RouteQuery.PromptSize promptSize() {
        return allInputs;
    }

    @Override
    protected List<Endpoint> plan() {
        List<Model> models = gateway.models(request.modelsToTry(), "embeddings", model -> "Model " + model.id().value()
                + " is not an embeddings model; chat models answer at POST /v1/chat/completions");
        RouteQuery query = new RouteQuery(models, largestInput, 0L, request.parameters(), false, false,
                request.provider());
        RoutePlan routePlan = gateway.router().plan(query, gateway.signals());
        List<Endpoint> endpoints = routePlan.endpoints().stream()
                .filter(e -> adapters.forProtocol(e.provider().protocol()).servesEmbeddings())
                .toList();
        if (endpoints.isEmpty()) {
            String names = models.stream().map(m -> m.id().value()).collect(Collectors.joining(", "));
            if (!routePlan.isEmpty()) {
                throw GatewayError.badRequest("model", "Model " + names + " has no provider that serves embeddings "
                        + "(embeddings go to OpenAI-compatible, Azure and Gemini providers)");
            }
            throw GatewayError.noEndpoint(names, routePlan.rejections());
        }
        return gateway.attempts(endpoints);
    }

    @Override
    protected UpstreamCall upstreamCall(Endpoint endpoint, long remainingMs, CancelSignal cancel) {
        return new UpstreamCall(endpoint, null, remainingMs, cancel, telemetry.attemptStarted(endpoint));
    }

    @Override
    protected void send(Attempt attempt, UpstreamCall call) {
        ProviderAdapter adapter = adapters.forProtocol(attempt.endpoint.provider().protocol());
        adapter.embed(call, request.toUpstream(attempt.endpoint.upstreamModel()))
                .onComplete(result -> guarded(attempt, () -> completed(attempt, result)));
    }

    private void completed(Attempt attempt, AsyncResult<byte[]> result) {
        if (attempt != current || finished) {
            return;
        }
        Endpoint endpoint = attempt.endpoint;
        if (result.failed()) {
            attemptFailed(attempt, UpstreamHttp.failure(endpoint.id(), result.cause(), "calling"));
            return;
        }
        answered(attempt); // parsing is the gateway's time, not the provider's
        byte[] answer = result.result();
        if (answer.length <= PARSE_ON_LOOP_BYTES) {
            parsed(attempt, answer.length, Future.succeededFuture(parse(endpoint, answer)));
            return;
        }
        // a large answer (up to the read bound, 64 MiB) would stall every connection of this loop while it is parsed
        vertx.executeBlocking(() -> parse(endpoint, answer), false)
                .onComplete(tree -> guarded(attempt, () -> parsed(attempt, answer.length, tree)));
    }

    /** The answer as a JSON object with a data list; null when it is not one (the attempt failed). */
    private static Object parse(Endpoint endpoint, byte[] answer) {
        try {
            JsonNode parsed = Json.MAPPER.readTree(answer);
            if (!(parsed instanceof ObjectNode object) || !object.path("data").isArray()) {
                return new UpstreamFailure.InvalidResponse(endpoint.id(), "provider answered without a data list");
            }
            return object;
        } catch (IOException e) {
            return new UpstreamFailure.InvalidResponse(endpoint.id(), "provider answered with invalid JSON: " + e.getMessage());
        }
    }

    private void parsed(Attempt attempt, int answerBytes, AsyncResult<Object> parsed) {
        if (attempt != current || finished) {
            return;
        }
        Endpoint endpoint = attempt.endpoint;
        if (parsed.failed() || parsed.result() instanceof UpstreamFailure) {
            attemptFailed(attempt, parsed.failed()
                    ? new UpstreamFailure.InvalidResponse(endpoint.id(), "provider's answer could not be read")
                    : (UpstreamFailure) parsed.result());
            return;
        }
        ObjectNode body = (ObjectNode) parsed.result();
        long latencyMs = elapsedMs();
        Metering metering = Metering.embedding(body.get("usage"), endpoint, () -> allInputs.tokens(tokenizer(endpoint)));
        body.put("id", generationId);
        body.put("model", endpoint.model().value());
        body.put("provider", endpoint.provider().name());
        ObjectNode usage = body.putObject("usage");
        usage.put("prompt_tokens", metering.usage().promptTokens());
        usage.put("total_tokens", metering.usage().promptTokens());
        usage.put("cost", metering.cost());
        finish();
        gateway.stats().success(endpoint.id(), latencyMs, latencyMs, 0, false);
        accounting.settle(new RequestAccounting.Outcome(endpoint, metering, null, null, false, false, latencyMs,
                attempts()));
        telemetry.served(endpoint, metering, null, null);
        if (sink.closed()) {
            return;
        }
        if (answerBytes <= PARSE_ON_LOOP_BYTES) {
            sink.respond(200, headers(endpoint), Json.bytes(body));
            return;
        }
        vertx.executeBlocking(() -> Json.bytes(body), false).onComplete(bytes -> {
            if (!sink.closed()) {
                sink.respond(200, headers(endpoint), bytes.succeeded() ? bytes.result() : Json.bytes(body));
            }
        });
    }

    /** The generation id and the time spent in Switchboard without the upstreams' ({@code X-Switchboard-Overhead-Us}). */
    @Override
    protected Map<String, String> headers(Endpoint served) {
        return Map.of("X-Generation-Id", generationId, "X-Switchboard-Overhead-Us", Long.toString(overheadUs()));
    }

    @Override
    protected String requestedModel() {
        return request.model();
    }

    /** The inputs' size: the largest single input (for context limits) or all of them (for cost). */
    private static final class InputSize implements RouteQuery.PromptSize {
        private final EmbeddingRequest request;
        private final boolean largestOnly;
        private final Map<String, Long> counted = new java.util.HashMap<>(2);

        InputSize(EmbeddingRequest request, boolean largestOnly) {
            this.request = request;
            this.largestOnly = largestOnly;
        }

        /** A token covers at least one byte of text. */
        @Override
        public long upperBound() {
            long total = request.tokenIds();
            long largest = total;
            for (String text : request.texts()) {
                long bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                total += bytes;
                largest = Math.max(largest, bytes);
            }
            return largestOnly ? largest : total;
        }

        @Override
        public long tokens(String tokenizer) {
            return counted.computeIfAbsent(tokenizer == null ? "" : tokenizer, k -> {
                long total = request.tokenIds();
                long largest = total;
                for (String text : request.texts()) {
                    long tokens = TokenCounter.count(text, tokenizer);
                    total += tokens;
                    largest = Math.max(largest, tokens);
                }
                return largestOnly ? largest : total;
            });
        }
    }
}
