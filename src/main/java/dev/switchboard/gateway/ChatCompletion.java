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
import dev.switchboard.providers.CancelSignal;
import dev.switchboard.providers.HiddenReasoning;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.routing.Rejection;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.RouteQuery;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One chat completion (also a Messages or Responses request, translated) on the shared
 * {@link AttemptLoop}: how an attempt is sent, streamed or not, how its answer is metered and
 * written, and the keep-alive comments while a stream waits for its first token.
 */
final class ChatCompletion extends AttemptLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ChatCompletion.class);

    private final ChatRequest request;
    private final PromptSize promptSize;
    private boolean contentStarted;
    /** When the next ": SWITCHBOARD PROCESSING" comment is due (streams, before the first token). */
    private long nextKeepaliveNanos;
    private StreamRelay relay;
    private Long latencyMs;

    ChatCompletion(Gateway gateway, ProviderAdapters adapters, Vertx vertx, ChatRequest request, ClientSink sink,
                   Caller caller, RequestAccounting.Attribution attribution, Tracing.Parent parent) {
        this(gateway, adapters, vertx, request, sink, GenerationIds.next(gateway.clock()), caller, attribution, parent);
    }

    private ChatCompletion(Gateway gateway, ProviderAdapters adapters, Vertx vertx, ChatRequest request, ClientSink sink,
                           String generationId, Caller caller, RequestAccounting.Attribution attribution,
                           Tracing.Parent parent) {
        super(gateway, adapters, vertx, sink, generationId,
                new RequestAccounting(gateway.accounts(), caller, attribution, request.maxTokens(), request.choices(),
                        request.user(), generationId, request.webSearches()),
                new RequestTelemetry(gateway, sink, "chat", route(request), request.model(), generationId, caller,
                        attribution, request.stream(), parent));
        this.request = request;
        this.promptSize = new PromptSize(request);
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

    /** A large prompt is counted on a worker first; routing, rate limits and the reservation then read the counts. */
    @Override
    protected void prepare() {
        if (!promptSize.countsOffLoop()) {
            admitted();
            return;
        }
        List<String> tokenizers = request.modelsToTry().stream().map(id -> gateway.catalog().find(id))
                .flatMap(Optional::stream).map(Model::tokenizer).toList();
        vertx.executeBlocking(() -> promptSize.countAll(tokenizers), false).onComplete(counted -> {
            if (counted.failed()) {
                LOG.error("counting the prompt's tokens failed ({})", generationId, counted.cause());
                fail(GatewayError.internal("Switchboard could not count the prompt's tokens"));
            } else {
                promptSize.remember(counted.result());
                admitted();
            }
        });
    }

    @Override
    protected RouteQuery.PromptSize promptSize() {
        return promptSize;
    }

    @Override
    protected void beforeFirstAttempt() {
        nextKeepaliveNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(gateway.keepaliveMs());
    }

    @Override
    protected List<Endpoint> plan() {
        List<Model> models = gateway.models(request.modelsToTry(), "text", model -> "Model " + model.id().value()
                + " does not generate text (output: " + String.join(", ", model.outputModalities())
                + "); embeddings models answer at POST /v1/embeddings");
        RouteQuery query = new RouteQuery(models, promptSize, request.maxTokens(),
                request.parameters(), request.hasTools(), request.hasResponseFormat(), request.provider(),
                request.inputModalities());
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

    @Override
    protected UpstreamCall upstreamCall(Endpoint endpoint, long remainingMs, CancelSignal cancel) {
        return new UpstreamCall(endpoint, request, remainingMs, cancel, telemetry.attemptStarted(endpoint));
    }

    @Override
    protected void send(Attempt attempt, UpstreamCall call) {
        ProviderAdapter adapter = HiddenReasoning.around(adapters.forProtocol(attempt.endpoint.provider().protocol()), request);
        if (request.stream()) {
            adapter.stream(call).onComplete(result -> guarded(attempt, () -> streamOpened(attempt, result)));
        } else {
            adapter.complete(call).onComplete(result -> guarded(attempt, () -> completed(attempt, result)));
        }
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
        answered(attempt);
        latencyMs = elapsedMs();
        Metering metering = Metering.of(output.usage(), attempt.endpoint, request, () -> promptTokens(attempt.endpoint),
                () -> TokenCounter.count(output.generatedText(), tokenizer(attempt.endpoint)));
        byte[] body = output.rewrite(identity(attempt.endpoint), metering.json());
        finish();
        gateway.stats().success(attempt.endpoint.id(), latencyMs, latencyMs, metering.usage().completionTokens(), false);
        accounting.settle(new RequestAccounting.Outcome(attempt.endpoint, metering, output.upstreamId(),
                output.finishReason(), false, false, latencyMs, attempts(),
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

    /** The stream of {@code attempt} produced its first content: from here on there is no fallback. */
    void contentStarted(Attempt attempt) {
        contentStarted = true;
        latencyMs = elapsedMs();
        telemetry.firstToken();
        answered(attempt);
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
                false, latencyMs, attempts(), AnswerHeaders.droppedTools(request, attempt.endpoint)));
        telemetry.served(attempt.endpoint, metering, upstreamId, finishReason);
        if (!sink.closed()) {
            sink.end(last);
        }
    }

    /**
     * One timer per attempt while it waits for its first token (or, not streaming, its answer):
     * it fires for the next keep-alive comment or the first-token deadline, whichever is sooner.
     */
    @Override
    protected void armWaitTimer(Attempt attempt) {
        long now = time.nanoTime();
        long until = attempt.deadlineNanos;
        if (request.stream()) {
            until = Math.min(until, nextKeepaliveNanos);
        }
        long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - now));
        attempt.timer = time.setTimer(vertx, delayMs, () -> waitTimerFired(attempt));
    }

    private void waitTimerFired(Attempt attempt) {
        attempt.timer = -1;
        if (attempt != current || finished || contentStarted) {
            return;
        }
        long now = time.nanoTime();
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

    @Override
    protected boolean interruptStream(int status, String message) {
        if (!contentStarted || relay == null) {
            return false;
        }
        relay.interrupt(status, message);
        return true;
    }

    /** The client left mid-stream: what was already generated is charged, as cancelled. */
    @Override
    protected boolean settleSoFar(Attempt attempt) {
        if (!contentStarted || relay == null) {
            return false;
        }
        Metering soFar = relay.meteringSoFar();
        accounting.settle(new RequestAccounting.Outcome(attempt.endpoint, soFar, relay.upstreamId(),
                null, true, true, latencyMs, attempts(), AnswerHeaders.droppedTools(request, attempt.endpoint)));
        telemetry.cancelled(attempt.endpoint, soFar, relay.upstreamId());
        return true;
    }

    /** The headers of the answer {@code served} gives (null: none yet), with Switchboard's overhead so far. */
    @Override
    protected Map<String, String> headers(Endpoint served) {
        return AnswerHeaders.of(generationId, overheadUs(), request, served);
    }

    private Map<String, String> headers() {
        return headers(null);
    }

    @Override
    protected void finish() {
        super.finish();
        if (relay != null) {
            relay.stopWatchdog();
        }
    }

    @Override
    protected String requestedModel() {
        return request.model();
    }

    /** When the request's whole time budget ({@code routing.max_total_ms}) runs out, on {@link #time()}'s scale. */
    long deadlineNanos() {
        return startNanos + TimeUnit.MILLISECONDS.toNanos(maxTotalMs());
    }

    long maxTotalMs() {
        return gateway.limits().maxTotalMs();
    }

    Vertx vertx() {
        return vertx;
    }

    /** What the stream's deadlines are measured on. */
    Timekeeper time() {
        return time;
    }

    /** Switchboard's id, the served model and the provider's name, for every output of this endpoint. */
    OutputIdentity identity(Endpoint endpoint) {
        return OutputIdentity.of(generationId, endpoint.model().value(), endpoint.provider().name());
    }

    /** The prompt's tokens with {@code endpoint}'s tokenizer; a large prompt's were counted off the loop at admission. */
    long promptTokens(Endpoint endpoint) {
        return promptSize.tokens(tokenizer(endpoint));
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
}
