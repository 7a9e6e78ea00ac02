package dev.switchboard.gateway;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.StreamEncoder;
import dev.switchboard.protocol.sse.ChatChunks;
import dev.switchboard.providers.CancelSignal;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.routing.RouteQuery;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One request's way through the endpoints, the same for every API: <b>plan → admit → try
 * endpoints in order → settle</b>. What surrounds each attempt is composed here, in one place:
 * <ul>
 *   <li>admission: a ledger slot, the key's rate limits and a credit reservation
 *   ({@link RequestAccounting}, whose shared implementations answer asynchronously);</li>
 *   <li>the request's whole time budget ({@code routing.max_total_ms}) across attempts;</li>
 *   <li>after a failed attempt: the endpoint's health (stats and breaker, never for a client's
 *   fault), a cooldown on 429, telemetry, and the choice between the next endpoint and giving up;</li>
 *   <li>the end: exactly one of settle (a generation) or abandon (everything given back).</li>
 * </ul>
 * The APIs differ only in how an attempt is made and answered: {@link ChatCompletion} (chat,
 * Messages and Responses, streamed or not) and {@link Embeddings}. Lives on one event loop; every
 * callback checks that it still belongs to the current attempt, so a late answer from an
 * abandoned attempt can never reach the client.
 */
abstract class AttemptLoop {
    protected final Gateway gateway;
    protected final ProviderAdapters adapters;
    protected final Vertx vertx;
    /** The request's event-loop context: every continuation runs here. */
    protected final Context context;
    protected final ClientSink sink;
    protected final String generationId;
    protected final RequestAccounting accounting;
    protected final RequestTelemetry telemetry;
    /** What the deadlines are measured on. */
    protected final Timekeeper time;
    protected final long startNanos;
    protected final List<FailurePolicy.FailedAttempt> failures = new ArrayList<>();

    protected List<Endpoint> plan = List.of();
    private int next;
    /** The attempt under way (null between attempts and after the end). */
    protected Attempt current;
    protected boolean finished;
    /** Time spent waiting for upstreams, in attempts that have stopped waiting. */
    private long upstreamNanos;

    AttemptLoop(Gateway gateway, ProviderAdapters adapters, Vertx vertx, ClientSink sink,
                String generationId, RequestAccounting accounting, RequestTelemetry telemetry) {
        this.gateway = gateway;
        this.adapters = adapters;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.sink = sink;
        this.generationId = generationId;
        this.accounting = accounting;
        this.telemetry = telemetry;
        this.time = gateway.timekeeper();
        this.startNanos = time.nanoTime();
    }

    // ---- the steps every API shares ----

    /** Takes a ledger slot; then {@link #prepare} (the API's own step before planning) and {@link #admitted}. */
    final void run() {
        gateway.inFlight().add(this);
        GatewayError refused = accounting.admit();
        if (refused != null) {
            fail(refused);
            return;
        }
        prepare();
    }

    /** What must happen between taking a slot and planning (e.g. counting a large prompt off the loop); then {@link #admitted}. */
    protected void prepare() {
        admitted();
    }

    /** Plans the endpoints, then applies the key's rate limits and reserves its credits. */
    protected final void admitted() {
        if (sink.closed()) {
            clientLeftBeforeAnAttempt();
            return;
        }
        try {
            plan = plan();
            accounting.limitAndReserve(plan, promptSize(), this::tokenizer, context, this::reserved);
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
            clientLeftBeforeAnAttempt();
            return;
        }
        sink.onClose(this::clientGone);
        beforeFirstAttempt();
        tryNext();
    }

    private void clientLeftBeforeAnAttempt() {
        finish();
        accounting.abandon();
        telemetry.cancelled(null, null, null);
    }

    /** Tries the next planned endpoint within what is left of the time budget, or gives up with what failed. */
    protected final void tryNext() {
        if (finished) {
            return;
        }
        long remainingMs = gateway.limits().maxTotalMs() - elapsedMs();
        if (next >= plan.size() || remainingMs <= 0) {
            fail(FailurePolicy.exhausted(failures));
            return;
        }
        Endpoint endpoint = plan.get(next++);
        Attempt attempt = new Attempt(endpoint, new CancelSignal(), time.nanoTime());
        current = attempt;
        UpstreamCall call = upstreamCall(endpoint, remainingMs, attempt.cancel);
        attempt.firstTokenMs = call.within(endpoint.provider().timeouts().firstTokenMs());
        attempt.deadlineNanos = attempt.startedNanos + TimeUnit.MILLISECONDS.toNanos(attempt.firstTokenMs);
        armWaitTimer(attempt);
        try {
            send(attempt, call);
        } catch (RuntimeException e) {
            notSent(attempt, e);
        }
    }

    /**
     * Runs a step of {@code attempt} that must never leave the request hanging: an exception on our
     * side before the request ended ends it, giving back what it took (the client gets a 500).
     */
    protected final void guarded(Attempt attempt, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (finished) {
                throw e;
            }
            detach(attempt);
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
        detach(attempt);
        fail(FailurePolicy.unexpected(e, generationId));
    }

    /** Stops waiting for {@code attempt} and cancels its upstream call. */
    private void detach(Attempt attempt) {
        current = null; // first: cancelling the upstream may call back into us synchronously
        stopTimer(attempt);
        endWait(attempt);
        attempt.cancel.cancel();
    }

    /**
     * An attempt failed before anything reached the client: the endpoint's health learns of it
     * (unless it was the client's fault), a 429 cools the endpoint down, then the next endpoint is
     * tried or the request gives up.
     */
    final void attemptFailed(Attempt attempt, UpstreamFailure failure) {
        if (attempt != current || finished) {
            return;
        }
        detach(attempt);
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

    /** The attempt's answer is here: the time from now on is the gateway's, not the provider's. */
    protected final void answered(Attempt attempt) {
        stopTimer(attempt);
        endWait(attempt);
    }

    /** Ends the request without a generation: everything it took is given back, the client gets {@code error}. */
    protected final void fail(GatewayError error) {
        finish();
        accounting.abandon();
        telemetry.failed(error);
        if (sink.closed()) {
            return;
        }
        if (!sink.headSent()) {
            Map<String, String> all = new LinkedHashMap<>(headers(null));
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

    /** The client left: stop the upstream; what was already generated is still charged ({@link #settleSoFar}). */
    protected final void clientGone() {
        if (finished) {
            return;
        }
        Attempt attempt = current;
        finish();
        if (attempt != null) {
            attempt.cancel.cancel();
            gateway.stats().cancelled(attempt.endpoint.id());
        }
        if (attempt == null || !settleSoFar(attempt)) {
            accounting.abandon();
            telemetry.cancelled(null, null, null);
        }
    }

    /**
     * Switchboard stops serving and this request outlived the shutdown grace: it ends now, in words
     * the client can act on (503, retry), rather than with a cut connection. A stream that started
     * ends with an error chunk and is charged for what it relayed; anything else gives back all it
     * took. The provider's health is untouched. Call on the request's context.
     */
    final void shutDown() {
        if (finished) {
            return;
        }
        if (interruptStream(503, SHUTTING_DOWN)) {
            return;
        }
        Attempt attempt = current;
        if (attempt != null) {
            detach(attempt);
        }
        fail(new GatewayError(503, "service_unavailable", SHUTTING_DOWN, null, null, Map.of("Retry-After", "1")));
    }

    static final String SHUTTING_DOWN = "Switchboard is shutting down and could not finish this request in time; retry it";

    /** Ends a stream that has started with an error chunk and returns true; false when none has. */
    protected boolean interruptStream(int status, String message) {
        return false;
    }

    /** Marks the request ended and stops its timers. */
    protected void finish() {
        gateway.inFlight().remove(this);
        finished = true;
        if (current != null) {
            stopTimer(current);
        }
    }

    /** One timer per attempt while it waits for its answer: the first-token (or answer) deadline. */
    protected void armWaitTimer(Attempt attempt) {
        long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(attempt.deadlineNanos - time.nanoTime()));
        attempt.timer = time.setTimer(vertx, delayMs, () -> {
            attempt.timer = -1;
            if (attempt == current && !finished) {
                attemptFailed(attempt, new UpstreamFailure.TimedOut(attempt.endpoint.id(),
                        "no response within " + attempt.firstTokenMs + " ms"));
            }
        });
    }

    private void endWait(Attempt attempt) {
        if (!attempt.waitEnded) {
            attempt.waitEnded = true;
            upstreamNanos += time.nanoTime() - attempt.startedNanos;
        }
    }

    /** The time spent in Switchboard so far, without the time spent waiting for upstreams. */
    protected final long overheadUs() {
        long now = time.nanoTime();
        Attempt waiting = current;
        long upstream = upstreamNanos + (waiting != null && !waiting.waitEnded ? now - waiting.startedNanos : 0);
        return Math.max(0, (now - startNanos - upstream) / 1_000);
    }

    protected final long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(time.nanoTime() - startNanos);
    }

    /** How the client's API writes stream events (Chat Completions' SSE unless its sink says otherwise). */
    protected final StreamEncoder encoder() {
        StreamEncoder encoder = sink.encoder();
        return encoder != null ? encoder : ChatChunks.SSE;
    }

    private String modelForErrors() {
        return current != null ? current.endpoint.model().value() : requestedModel();
    }

    private String providerForErrors() {
        return current != null ? current.endpoint.provider().name() : "switchboard";
    }

    String tokenizer(Endpoint endpoint) {
        return gateway.catalog().find(endpoint.model().value()).map(Model::tokenizer).orElse(null);
    }

    /** The number of attempts made so far, this one included. */
    protected final int attempts() {
        return failures.size() + 1;
    }

    // ---- what each API decides ----

    /** The endpoints to try, in order; throws {@link GatewayError} when there is none. */
    protected abstract List<Endpoint> plan();

    /** The prompt's size, for routing, rate limits and the reservation. */
    protected abstract RouteQuery.PromptSize promptSize();

    /** The call to make to {@code endpoint} with {@code remainingMs} of the budget left. */
    protected abstract UpstreamCall upstreamCall(Endpoint endpoint, long remainingMs, CancelSignal cancel);

    /** Sends the attempt's call; its answer must come back through {@link #guarded} / {@link #attemptFailed}. */
    protected abstract void send(Attempt attempt, UpstreamCall call);

    /** Just before the first attempt (the client is still there and everything is reserved). */
    protected void beforeFirstAttempt() {
    }

    /**
     * The client left during {@code attempt}: settles what was already generated and returns true,
     * or returns false when nothing was (the request is then abandoned).
     */
    protected boolean settleSoFar(Attempt attempt) {
        return false;
    }

    /** The answer's headers, {@code served} by that endpoint (null: none yet). */
    protected abstract Map<String, String> headers(Endpoint served);

    /** The model the client asked for, named in errors before any endpoint was tried. */
    protected abstract String requestedModel();

    /** Cancels the attempt's wait timer, if it is armed. */
    protected final void stopTimer(Attempt attempt) {
        if (attempt.timer >= 0) {
            time.cancelTimer(vertx, attempt.timer);
            attempt.timer = -1;
        }
    }

    /** One endpoint being tried. */
    static final class Attempt {
        final Endpoint endpoint;
        final CancelSignal cancel;
        final long startedNanos;
        boolean waitEnded;
        long timer = -1;
        long firstTokenMs;
        long deadlineNanos;

        Attempt(Endpoint endpoint, CancelSignal cancel, long startedNanos) {
            this.endpoint = endpoint;
            this.cancel = cancel;
            this.startedNanos = startedNanos;
        }
    }
}
