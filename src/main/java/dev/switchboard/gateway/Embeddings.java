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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One embeddings request: routed like a chat completion (the same filters, order, fallbacks and
 * accounting), to the endpoints whose protocol serves embeddings. The context filter applies to
 * the largest single input, as providers limit each input, not the batch; cost and rate limits
 * count every input.
 */
final class Embeddings {
    private final Gateway gateway;
    private final ProviderAdapters adapters;
    /** Answers up to this size are parsed and written on the event loop (a millisecond); larger ones on a worker. */
    static final int PARSE_ON_LOOP_BYTES = 1024 * 1024;

    private final Vertx vertx;
    private final EmbeddingRequest request;
    private final ClientSink sink;
    private final String generationId;
    /** Time spent waiting for upstreams by attempts that ended; the current one started at {@link #attemptStart}. */
    private long upstreamNanos;
    private long attemptStart;
    private final long startNanos = System.nanoTime();
    private final List<FailurePolicy.FailedAttempt> failures = new ArrayList<>();
    private final InputSize largestInput;
    private final InputSize allInputs;
    private final RequestAccounting accounting;
    private final RequestTelemetry telemetry;

    private List<Endpoint> plan = List.of();
    private int next;
    private Endpoint current;
    private CancelSignal cancel;
    private long timer = -1;
    private boolean finished;

    Embeddings(Gateway gateway, ProviderAdapters adapters, Vertx vertx, EmbeddingRequest request, ClientSink sink,
               Caller caller, RequestAccounting.Attribution attribution, Tracing.Parent parent) {
        this.gateway = gateway;
        this.adapters = adapters;
        this.vertx = vertx;
        this.request = request;
        this.sink = sink;
        this.generationId = GenerationIds.next(gateway.clock());
        this.largestInput = new InputSize(request, true);
        this.allInputs = new InputSize(request, false);
        this.accounting = new RequestAccounting(gateway.accounts(), caller, attribution, 0L, 1, request.user(), generationId);
        this.telemetry = new RequestTelemetry(gateway, sink, "embeddings", "/v1/embeddings", request.model(),
                generationId, caller, attribution, false, parent);
    }

    void run() {
        GatewayError refused = accounting.admit();
        if (refused != null) {
            fail(refused);
            return;
        }
        try {
            plan = plan();
            accounting.limitAndReserve(plan, allInputs, this::tokenizer, vertx.getOrCreateContext(), this::reserved);
        } catch (RuntimeException e) {
            fail(FailurePolicy.unexpected(e, generationId));
        }
    }

    /** Rate limits and credits answered (null: within them): try the first endpoint, unless the client left meanwhile. */
    private void reserved(GatewayError refused) {
        if (refused != null) {
            fail(refused);
            return;
        }
        if (sink.closed()) {
            clientGone();
            return;
        }
        sink.onClose(this::clientGone);
        tryNext();
    }

    private List<Endpoint> plan() {
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

    private void tryNext() {
        if (finished) {
            return;
        }
        long remainingMs = gateway.limits().maxTotalMs() - elapsedMs();
        if (next >= plan.size() || remainingMs <= 0) {
            fail(FailurePolicy.exhausted(failures));
            return;
        }
        Endpoint endpoint = plan.get(next++);
        CancelSignal signal = new CancelSignal();
        current = endpoint;
        cancel = signal;
        UpstreamCall call = new UpstreamCall(endpoint, null, remainingMs, signal, telemetry.attemptStarted(endpoint));
        attemptStart = System.nanoTime();
        long deadlineMs = call.within(endpoint.provider().timeouts().firstTokenMs());
        timer = vertx.setTimer(deadlineMs, id -> {
            timer = -1;
            if (current == endpoint && !finished) {
                attemptFailed(endpoint, new UpstreamFailure.TimedOut(endpoint.id(), "no response within " + deadlineMs + " ms"));
            }
        });
        ProviderAdapter adapter = adapters.forProtocol(endpoint.provider().protocol());
        try {
            adapter.embed(call, request.toUpstream(endpoint.upstreamModel()))
                    .onComplete(result -> completed(endpoint, result));
        } catch (RuntimeException e) {
            // nothing reached the provider: its health is untouched, and the request gives back all it took
            current = null;
            signal.cancel();
            fail(FailurePolicy.unexpected(e, generationId));
        }
    }

    private void completed(Endpoint endpoint, AsyncResult<byte[]> result) {
        if (endpoint != current || finished) {
            return;
        }
        if (result.failed()) {
            attemptFailed(endpoint, UpstreamHttp.failure(endpoint.id(), result.cause(), "calling"));
            return;
        }
        stopTimer(); // the answer is here: parsing it is the gateway's time, not the provider's
        byte[] answer = result.result();
        if (answer.length <= PARSE_ON_LOOP_BYTES) {
            parsed(endpoint, answer.length, Future.succeededFuture(parse(endpoint, answer)));
            return;
        }
        // a large answer (up to the read bound, 64 MiB) would stall every connection of this loop while it is parsed
        vertx.executeBlocking(() -> parse(endpoint, answer), false).onComplete(tree -> parsed(endpoint, answer.length, tree));
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

    private void parsed(Endpoint endpoint, int answerBytes, AsyncResult<Object> parsed) {
        if (endpoint != current || finished) {
            return;
        }
        if (parsed.failed() || parsed.result() instanceof UpstreamFailure) {
            attemptFailed(endpoint, parsed.failed()
                    ? new UpstreamFailure.InvalidResponse(endpoint.id(), "provider's answer could not be read")
                    : (UpstreamFailure) parsed.result());
            return;
        }
        ObjectNode body = (ObjectNode) parsed.result();
        upstreamNanos += System.nanoTime() - attemptStart;
        attemptStart = 0;
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
                failures.size() + 1));
        telemetry.served(endpoint, metering, null, null);
        if (sink.closed()) {
            return;
        }
        if (answerBytes <= PARSE_ON_LOOP_BYTES) {
            sink.respond(200, headers(), Json.bytes(body));
            return;
        }
        vertx.executeBlocking(() -> Json.bytes(body), false).onComplete(bytes -> {
            if (!sink.closed()) {
                sink.respond(200, headers(), bytes.succeeded() ? bytes.result() : Json.bytes(body));
            }
        });
    }

    private void attemptFailed(Endpoint endpoint, UpstreamFailure failure) {
        if (endpoint != current || finished) {
            return;
        }
        current = null;
        stopTimer();
        cancel.cancel();
        upstreamNanos += System.nanoTime() - attemptStart;
        attemptStart = 0;
        failures.add(new FailurePolicy.FailedAttempt(endpoint.provider().id().value(), endpoint.model().value(), failure));
        gateway.recordFailure(endpoint, failure);
        telemetry.attemptFailed(endpoint, failure);
        if (failure instanceof UpstreamFailure.ErrorStatus error && error.status() == 429) {
            gateway.cooldowns().coolDown(endpoint.id(), error.retryAfter() != null ? error.retryAfter()
                    : Duration.ofMillis(gateway.limits().defaultCooldownMs()));
        }
        if (FailurePolicy.tryNextEndpoint(failure)) {
            tryNext();
        } else {
            fail(FailurePolicy.passThrough((UpstreamFailure.ErrorStatus) failure, endpoint.provider().name()));
        }
    }

    private void fail(GatewayError error) {
        finish();
        accounting.abandon();
        telemetry.failed(error);
        if (!sink.closed()) {
            Map<String, String> all = new java.util.LinkedHashMap<>(headers());
            all.putAll(error.headers());
            sink.respond(error.status(), all, error.bodyBytes());
        }
    }

    private void clientGone() {
        if (finished) {
            return;
        }
        finish();
        if (cancel != null) {
            cancel.cancel();
        }
        accounting.abandon();
        telemetry.cancelled(null, null, null);
    }

    /** The generation id and the time spent in Switchboard without the upstreams' ({@code X-Switchboard-Overhead-Us}). */
    private Map<String, String> headers() {
        long now = System.nanoTime();
        long upstream = upstreamNanos + (attemptStart != 0 ? now - attemptStart : 0);
        long overheadUs = Math.max(0, (now - startNanos - upstream) / 1_000);
        return Map.of("X-Generation-Id", generationId, "X-Switchboard-Overhead-Us", Long.toString(overheadUs));
    }

    private void finish() {
        finished = true;
        stopTimer();
    }

    private void stopTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private String tokenizer(Endpoint endpoint) {
        return gateway.catalog().find(endpoint.model().value()).map(Model::tokenizer).orElse(null);
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
