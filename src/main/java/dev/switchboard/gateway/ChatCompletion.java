package dev.switchboard.gateway;

import dev.switchboard.accounting.Caller;
import dev.switchboard.accounting.TokenCounter;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.MalformedJsonException;
import dev.switchboard.protocol.openai.ChatOutput;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.protocol.openai.OutputIdentity;
import dev.switchboard.protocol.StreamEncoder;
import dev.switchboard.protocol.sse.ChatChunks;
import dev.switchboard.providers.CancelSignal;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.routing.Rejection;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.RouteQuery;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One chat completion request from start to end: resolve the models, plan the endpoints, try
 * them in order until one answers, meter it and answer the client. Lives on one event loop; every
 * callback checks that it still belongs to the current attempt, so a late answer from an
 * abandoned attempt can never reach the client.
 */
final class ChatCompletion {
    private static final Logger LOG = LoggerFactory.getLogger(ChatCompletion.class);

    private final Gateway gateway;
    private final ProviderAdapters adapters;
    private final Vertx vertx;
    /** The request's event-loop context: every continuation runs here. */
    private final Context context;
    private final ChatRequest request;
    private final ClientSink sink;
    private final String generationId;
    /** Time spent waiting for upstreams, in attempts that have stopped waiting. */
    private long upstreamNanos;
    private final long startNanos = System.nanoTime();
    private final List<FailurePolicy.FailedAttempt> failures = new ArrayList<>();
    private final PromptSize promptSize;
    private final RequestAccounting accounting;
    private final RequestTelemetry telemetry;

    private List<Endpoint> plan = List.of();
    private int next;
    private Attempt current;
    private boolean contentStarted;
    private boolean finished;
    /** When the next ": SWITCHBOARD PROCESSING" comment is due (streams, before the first token). */
    private long nextKeepaliveNanos;
    private StreamRelay relay;
    private Long latencyMs;

    ChatCompletion(Gateway gateway, ProviderAdapters adapters, Vertx vertx, ChatRequest request, ClientSink sink,
                   Caller caller, RequestAccounting.Attribution attribution, Tracing.Parent parent) {
        this.gateway = gateway;
        this.adapters = adapters;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.request = request;
        this.sink = sink;
        this.generationId = GenerationIds.next(gateway.clock());
        this.promptSize = new PromptSize(request);
        this.accounting = new RequestAccounting(gateway.accounts(), caller, attribution, request.maxTokens(),
                request.choices(), request.user(), generationId);
        this.telemetry = new RequestTelemetry(gateway, sink, "chat",
                route(request), request.model(),
                generationId, caller, attribution, request.stream(), parent);
    }

    /** The API route the client called, for metrics and spans. */
    private static String route(ChatRequest request) {
        if (request.original() == null) {
            return "/v1/chat/completions";
        }
        return switch (request.original().api()) {
            case MESSAGES -> "/v1/messages";
            case RESPONSES -> "/v1/responses";
        };
    }

    void run() {
        GatewayError refused = accounting.admit();
        if (refused != null) {
            fail(refused);
            return;
        }
        if (!promptSize.countsOffLoop()) {
            admitted();
            return;
        }
        List<String> tokenizers = request.modelsToTry().stream().map(id -> gateway.catalog().find(id))
                .flatMap(Optional::stream).map(Model::tokenizer).toList();
        // a large prompt is counted on a worker; routing, rate limits and the reservation then read the counts
        vertx.executeBlocking(() -> promptSize.countAll(tokenizers), false).onComplete(counted -> {
            if (counted.failed()) {
                LOG.error("counting the prompt's tokens failed ({})", generationId, counted.cause());
                fail(GatewayError.internal("Switchboard could not count the prompt's tokens"));
            } else if (sink.closed()) {
                finish();
                accounting.abandon();
                telemetry.cancelled(null, null, null);
            } else {
                promptSize.remember(counted.result());
                admitted();
            }
        });
    }

    /** Holds a ledger slot: plan, apply the key's rate limits and reserve its credits, then try the first endpoint. */
    private void admitted() {
        try {
            plan = plan();
            accounting.limitAndReserve(plan, promptSize, this::tokenizer, context, this::reserved);
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
            finish();
            accounting.abandon();
            telemetry.cancelled(null, null, null);
            return;
        }
        sink.onClose(this::clientGone);
        nextKeepaliveNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(gateway.keepaliveMs());
        tryNext();
    }

    private List<Endpoint> plan() {
        List<Model> models = gateway.models(request.modelsToTry(), "text", model -> "Model " + model.id().value()
                + " does not generate text (output: " + String.join(", ", model.outputModalities())
                + "); embeddings models answer at POST /v1/embeddings");
        RouteQuery query = new RouteQuery(models, promptSize, request.maxTokens(),
                request.parameters(), request.hasTools(), request.hasResponseFormat(), request.provider());
        RoutePlan routePlan = gateway.router().plan(query, gateway.signals());
        if (routePlan.isEmpty()) {
            throw nothingToTry(models, routePlan.rejections());
        }
        return gateway.attempts(routePlan.endpoints());
    }

    /** 404 when no provider of the model is enabled at all (it is not listed either), else 503 with the reasons. */
    private static GatewayError nothingToTry(List<Model> models, List<Rejection> rejections) {
        String names = models.stream().map(m -> m.id().value()).collect(Collectors.joining(", "));
        if (rejections.stream().allMatch(r -> r instanceof Rejection.ProviderDisabled)) {
            String why = rejections.stream().map(Rejection::detail).distinct().collect(Collectors.joining("; "));
            return GatewayError.notFound("Model " + names + " is not available: no enabled provider (" + why + ")");
        }
        return GatewayError.noEndpoint(names, rejections);
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
        Attempt attempt = new Attempt(endpoint, new CancelSignal());
        current = attempt;
        UpstreamCall call = new UpstreamCall(endpoint, request, remainingMs, attempt.cancel,
                telemetry.attemptStarted(endpoint));
        attempt.firstTokenMs = call.within(endpoint.provider().timeouts().firstTokenMs());
        attempt.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(attempt.firstTokenMs);
        armWaitTimer(attempt);
        ProviderAdapter adapter = adapters.forProtocol(endpoint.provider().protocol());
        try {
            if (request.stream()) {
                adapter.stream(call).onComplete(result -> guarded(attempt, () -> streamOpened(attempt, result)));
            } else {
                adapter.complete(call).onComplete(result -> guarded(attempt, () -> completed(attempt, result)));
            }
        } catch (RuntimeException e) {
            notSent(attempt, e);
        }
    }

    /**
     * Runs a step of {@code attempt} that must never leave the request hanging: an exception on our
     * side before the request ended ends it, giving back what it took (the client gets a 500).
     */
    private void guarded(Attempt attempt, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (finished) {
                throw e;
            }
            current = null;
            attempt.stopTimer(vertx);
            endWait(attempt);
            attempt.cancel.cancel();
            fail(FailurePolicy.unexpected(e, generationId));
        }
    }

    /**
     * The adapter threw while preparing the upstream call (building its body): nothing reached the
     * provider, so its health is untouched; the request ends here and gives back all it took.
     */
    private void notSent(Attempt attempt, RuntimeException e) {
        if (attempt != current || finished) {
            return;
        }
        current = null;
        attempt.stopTimer(vertx);
        endWait(attempt);
        attempt.cancel.cancel();
        fail(FailurePolicy.unexpected(e, generationId));
    }

    private void completed(Attempt attempt, AsyncResult<byte[]> result) {
        if (attempt != current || finished) {
            return;
        }
        if (result.failed()) {
            attemptFailed(attempt, UpstreamHttp.failure(attempt.endpoint.id(), result.cause(), "calling"));
            return;
        }
        ChatOutput output;
        try {
            output = ChatOutput.completion(result.result());
        } catch (MalformedJsonException e) {
            attemptFailed(attempt, new UpstreamFailure.InvalidResponse(attempt.endpoint.id(),
                    "provider answered with invalid JSON: " + e.getMessage()));
            return;
        }
        if (output.error() != null || !output.hasChoicesMember()) {
            attemptFailed(attempt, new UpstreamFailure.InvalidResponse(attempt.endpoint.id(),
                    output.error() != null ? "provider answered 200 with an error: " + output.error()
                            : "provider answered without choices"));
            return;
        }
        attempt.stopTimer(vertx);
        endWait(attempt);
        latencyMs = elapsedMs();
        Metering metering = Metering.of(output.usage(), attempt.endpoint, request, () -> promptTokens(attempt.endpoint),
                () -> TokenCounter.count(output.generatedText(), tokenizer(attempt.endpoint)));
        byte[] body = output.rewrite(identity(attempt.endpoint), metering.json());
        finish();
        gateway.stats().success(attempt.endpoint.id(), latencyMs, latencyMs, metering.usage().completionTokens(), false);
        accounting.settle(new RequestAccounting.Outcome(attempt.endpoint, metering, output.upstreamId(),
                output.finishReason(), false, false, latencyMs, failures.size() + 1,
                AnswerHeaders.droppedTools(request, attempt.endpoint)));
        telemetry.served(attempt.endpoint, metering, output.upstreamId(), output.finishReason());
        if (!sink.closed()) {
            sink.respond(200, headers(attempt.endpoint), body);
        }
    }

    private void streamOpened(Attempt attempt, AsyncResult<dev.switchboard.providers.ChunkStream> result) {
        if (attempt != current || finished) {
            if (result.succeeded()) {
                result.result().cancel();
            }
            return;
        }
        if (result.failed()) {
            attemptFailed(attempt, UpstreamHttp.failure(attempt.endpoint.id(), result.cause(), "calling"));
            return;
        }
        relay = new StreamRelay(this, attempt, result.result());
        relay.start();
    }

    /** An attempt failed before anything reached the client: cool the endpoint down if asked, then fall back or give up. */
    void attemptFailed(Attempt attempt, UpstreamFailure failure) {
        if (attempt != current || finished) {
            return;
        }
        current = null; // detach first: cancelling the upstream may call back into us synchronously
        attempt.stopTimer(vertx);
        endWait(attempt);
        attempt.cancel.cancel();
        Endpoint endpoint = attempt.endpoint;
        failures.add(new FailurePolicy.FailedAttempt(endpoint.provider().id().value(), endpoint.model().value(), failure));
        gateway.recordFailure(endpoint, failure);
        telemetry.attemptFailed(endpoint, failure);
        if (failure instanceof UpstreamFailure.ErrorStatus error && error.status() == 429) {
            Duration wait = error.retryAfter() != null ? error.retryAfter()
                    : Duration.ofMillis(gateway.limits().defaultCooldownMs());
            gateway.cooldowns().coolDown(endpoint.id(), wait);
        }
        if (FailurePolicy.tryNextEndpoint(failure)) {
            tryNext();
        } else {
            fail(FailurePolicy.passThrough((UpstreamFailure.ErrorStatus) failure, endpoint.provider().name()));
        }
    }

    /** The stream of {@code attempt} produced its first content: from here on there is no fallback. */
    void contentStarted(Attempt attempt) {
        contentStarted = true;
        latencyMs = elapsedMs();
        telemetry.firstToken();
        attempt.stopTimer(vertx);
        endWait(attempt);
        sink.startStream(headers(attempt.endpoint));
    }

    /** Ends the response after a stream completed or broke, with the stream's last events, and settles it. */
    void streamEnded(Attempt attempt, byte[] last, Metering metering, String upstreamId, String finishReason,
                     boolean providerFault) {
        finish();
        if ("error".equals(finishReason) && !providerFault) {
            gateway.stats().cancelled(attempt.endpoint.id()); // the client held the stream paused: not the endpoint's fault
        } else if ("error".equals(finishReason)) {
            gateway.stats().error(attempt.endpoint.id());
        } else if (latencyMs != null) {
            gateway.stats().success(attempt.endpoint.id(), latencyMs, elapsedMs(), metering.usage().completionTokens(), true);
        }
        accounting.settle(new RequestAccounting.Outcome(attempt.endpoint, metering, upstreamId, finishReason, true,
                false, latencyMs, failures.size() + 1,
                AnswerHeaders.droppedTools(request, attempt.endpoint)));
        telemetry.served(attempt.endpoint, metering, upstreamId, finishReason);
        if (!sink.closed()) {
            sink.end(last);
        }
    }

    /**
     * One timer per attempt while it waits for its first token (or, not streaming, its answer):
     * it fires for the next keep-alive comment or the first-token deadline, whichever is sooner.
     */
    private void armWaitTimer(Attempt attempt) {
        long now = System.nanoTime();
        long until = attempt.deadlineNanos;
        if (request.stream()) {
            until = Math.min(until, nextKeepaliveNanos);
        }
        long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - now));
        attempt.timer = vertx.setTimer(delayMs, id -> waitTimerFired(attempt));
    }

    private void waitTimerFired(Attempt attempt) {
        attempt.timer = -1;
        if (attempt != current || finished || contentStarted) {
            return;
        }
        long now = System.nanoTime();
        if (now - attempt.deadlineNanos >= 0) {
            attemptFailed(attempt, new UpstreamFailure.TimedOut(attempt.endpoint.id(), "no "
                    + (request.stream() ? "first token" : "response") + " within " + attempt.firstTokenMs + " ms"));
            return;
        }
        if (request.stream() && now - nextKeepaliveNanos >= 0) {
            sink.startStream(headers());
            ByteSink out = new ByteSink(64);
            encoder().waiting(out);
            sink.write(out.toByteArray());
            nextKeepaliveNanos = now + TimeUnit.MILLISECONDS.toNanos(gateway.keepaliveMs());
        }
        armWaitTimer(attempt);
    }

    private void fail(GatewayError error) {
        finish();
        accounting.abandon();
        telemetry.failed(error);
        if (sink.closed()) {
            return;
        }
        if (!sink.headSent()) {
            Map<String, String> all = new LinkedHashMap<>(headers());
            all.putAll(error.headers());
            sink.respond(error.status(), all, error.bodyBytes());
            return;
        }
        // the head is out (keep-alive comments were sent): report the failure in the stream itself
        ByteSink out = new ByteSink(512);
        encoder().chunk(StreamErrors.chunk(generationId, modelForErrors(), providerForErrors(),
                gateway.clock(), error.status(), error.getMessage(), null), out);
        encoder().done(out);
        sink.end(out.toByteArray());
    }

    /** The client left: stop the upstream; what was already generated is still charged, as cancelled. */
    private void clientGone() {
        if (finished) {
            return;
        }
        Attempt attempt = current;
        finish();
        if (attempt != null) {
            attempt.cancel.cancel();
        }
        if (attempt != null) {
            gateway.stats().cancelled(attempt.endpoint.id());
        }
        if (contentStarted && relay != null && attempt != null) {
            Metering soFar = relay.meteringSoFar();
            accounting.settle(new RequestAccounting.Outcome(attempt.endpoint, soFar, relay.upstreamId(),
                    null, true, true, latencyMs, failures.size() + 1,
                AnswerHeaders.droppedTools(request, attempt.endpoint)));
            telemetry.cancelled(attempt.endpoint, soFar, relay.upstreamId());
        } else {
            accounting.abandon();
            telemetry.cancelled(null, null, null);
        }
    }

    /** How the client's API writes the stream's own events (Chat Completions' SSE unless its sink says otherwise). */
    private StreamEncoder encoder() {
        StreamEncoder encoder = sink.encoder();
        return encoder != null ? encoder : ChatChunks.SSE;
    }

    private void endWait(Attempt attempt) {
        if (!attempt.waitEnded) {
            attempt.waitEnded = true;
            upstreamNanos += System.nanoTime() - attempt.startedNanos;
        }
    }

    /** The headers of the answer {@code served} gives (null: none yet), with Switchboard's overhead so far. */
    private Map<String, String> headers(Endpoint served) {
        return AnswerHeaders.of(generationId, overheadUs(), request, served);
    }

    private Map<String, String> headers() {
        return headers(null);
    }

    /** The time spent in Switchboard so far, without the time spent waiting for upstreams. */
    private long overheadUs() {
        long now = System.nanoTime();
        Attempt waiting = current;
        long upstream = upstreamNanos + (waiting != null && !waiting.waitEnded ? now - waiting.startedNanos : 0);
        return Math.max(0, (now - startNanos - upstream) / 1_000);
    }

    private void finish() {
        finished = true;
        if (current != null) {
            current.stopTimer(vertx);
        }
        if (relay != null) {
            relay.stopWatchdog();
        }
    }

    /** When the request's whole time budget ({@code routing.max_total_ms}) runs out, on {@link System#nanoTime}'s scale. */
    long deadlineNanos() {
        return startNanos + TimeUnit.MILLISECONDS.toNanos(maxTotalMs());
    }

    long maxTotalMs() {
        return gateway.limits().maxTotalMs();
    }

    Vertx vertx() {
        return vertx;
    }

    private String modelForErrors() {
        return current != null ? current.endpoint.model().value() : request.model();
    }

    private String providerForErrors() {
        return current != null ? current.endpoint.provider().name() : "switchboard";
    }

    private long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Switchboard's id, the served model and the provider's name, for every output of this endpoint. */
    OutputIdentity identity(Endpoint endpoint) {
        return OutputIdentity.of(generationId, endpoint.model().value(), endpoint.provider().name());
    }

    /** The prompt's tokens with {@code endpoint}'s tokenizer; a large prompt's were counted off the loop at admission. */
    long promptTokens(Endpoint endpoint) {
        return promptSize.tokens(tokenizer(endpoint));
    }

    String tokenizer(Endpoint endpoint) {
        return gateway.catalog().find(endpoint.model().value()).map(Model::tokenizer).orElse(null);
    }

    boolean finished() {
        return finished;
    }

    boolean isCurrent(Attempt attempt) {
        return attempt == current && !finished;
    }

    String generationId() {
        return generationId;
    }

    ChatRequest request() {
        return request;
    }

    ClientSink sink() {
        return sink;
    }

    java.time.Clock clock() {
        return gateway.clock();
    }

    /** One endpoint being tried. */
    static final class Attempt {
        final Endpoint endpoint;
        final CancelSignal cancel;
        final long startedNanos = System.nanoTime();
        boolean waitEnded;
        long timer = -1;
        long firstTokenMs;
        long deadlineNanos;

        Attempt(Endpoint endpoint, CancelSignal cancel) {
            this.endpoint = endpoint;
            this.cancel = cancel;
        }

        void stopTimer(Vertx vertx) {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}
