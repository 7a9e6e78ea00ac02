package dev.switchboard.gateway;

import dev.switchboard.accounting.Caller;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.stats.GatewayMetrics;
import dev.switchboard.stats.GatewayMetrics.Outcome;

import java.util.concurrent.TimeUnit;

/**
 * What one request tells operators, gathered in one place: its metrics, its spans (one per request,
 * one per upstream attempt) and the summary its access-log line is made of. The attempt loops call
 * it when an attempt starts or fails, when the first token arrives, and exactly once when the
 * request ends. Event-loop confined.
 */
final class RequestTelemetry {
    /** The status an access log shows for a request whose client left before any answer (as nginx does). */
    static final int CLIENT_CLOSED = 499;

    private final Gateway gateway;
    private final ClientSink sink;
    private final String operation;
    private final String api;
    private final String requestedModel;
    private final String generationId;
    private final Caller caller;
    private final RequestAccounting.Attribution attribution;
    private final boolean streamed;
    private final long startNanos = System.nanoTime();
    private final Tracing.RequestSpan span;
    private long firstTokenNanos = -1;
    private Endpoint attemptEndpoint;
    private Tracing.AttemptSpan attemptSpan;
    private Endpoint lastFailed;
    private int attempts;
    private boolean ended;

    RequestTelemetry(Gateway gateway, ClientSink sink, String operation, String api, String requestedModel,
                     String generationId, Caller caller, RequestAccounting.Attribution attribution, boolean streamed,
                     Tracing.Parent parent) {
        this.gateway = gateway;
        this.sink = sink;
        this.operation = operation;
        this.api = api;
        this.requestedModel = requestedModel;
        this.generationId = generationId;
        this.caller = caller;
        this.attribution = attribution;
        this.streamed = streamed;
        this.span = gateway.tracing().request(operation, requestedModel, parent);
    }

    /** An attempt at {@code endpoint} begins; returns the {@code traceparent} to send it (null when not tracing). */
    String attemptStarted(Endpoint endpoint) {
        if (lastFailed != null) {
            gateway.metrics().fallback(lastFailed.id());
            lastFailed = null;
        }
        attempts++;
        gateway.metrics().attemptStarted(endpoint.id());
        attemptEndpoint = endpoint;
        attemptSpan = span.attempt(endpoint);
        return attemptSpan.traceparent();
    }

    /** The current attempt failed before anything reached the client. */
    void attemptFailed(Endpoint endpoint, UpstreamFailure failure) {
        if (attemptEndpoint != endpoint) {
            return;
        }
        boolean rateLimited = failure instanceof UpstreamFailure.ErrorStatus error && error.status() == 429;
        gateway.metrics().attemptEnded(endpoint.id(), rateLimited ? Outcome.RATE_LIMITED : Outcome.ERROR);
        attemptSpan.failed(failure);
        attemptEndpoint = null;
        attemptSpan = null;
        lastFailed = endpoint;
    }

    /** The first token of a stream arrived (later calls change nothing). */
    void firstToken() {
        if (firstTokenNanos < 0) {
            firstTokenNanos = System.nanoTime() - startNanos;
        }
    }

    /** {@code served} answered; {@code finishReason} "error" means its stream broke after it began. */
    void served(Endpoint served, Metering metering, String upstreamId, String finishReason) {
        boolean broke = "error".equals(finishReason);
        end(200, broke ? Outcome.ERROR : Outcome.SUCCESS, served, metering, upstreamId, finishReason,
                broke ? "stream_broken" : null);
    }

    /** The request was answered with {@code error} (before any content reached the client). */
    void failed(GatewayError error) {
        Outcome outcome = error.status() == 429 ? Outcome.RATE_LIMITED : Outcome.ERROR;
        end(error.status(), outcome, null, null, null, null, Integer.toString(error.status()));
    }

    /** The client left; {@code served} is the endpoint whose content it was getting (null: none yet). */
    void cancelled(Endpoint served, Metering metering, String upstreamId) {
        end(sink.headSent() ? 200 : CLIENT_CLOSED, Outcome.CANCELLED, served, metering, upstreamId, null, "cancelled");
    }

    private void end(int status, Outcome outcome, Endpoint served, Metering metering, String upstreamId,
                     String finishReason, String errorType) {
        if (ended) {
            return;
        }
        ended = true;
        long durationNanos = System.nanoTime() - startNanos;
        long input = metering == null ? 0 : metering.usage().promptTokens();
        long output = metering == null ? 0 : metering.usage().completionTokens();
        endAttempt(outcome, upstreamId, finishReason, input, output);
        GatewayMetrics metrics = gateway.metrics();
        if (metrics.enabled()) {
            metrics.requestEnded(new GatewayMetrics.RequestSeries(operation, api, requestModelLabel(served),
                            served == null ? null : served.id(), outcome, status), durationNanos,
                    streamed ? firstTokenNanos : -1, input, output, metering == null ? 0 : metering.cost().doubleValue());
        }
        if (!gateway.summaries() && span == Tracing.RequestSpan.NOOP) {
            return;
        }
        RequestSummary summary = new RequestSummary(generationId, operation,
                caller.key() == null ? null : caller.key().name(), attribution.app(),
                served == null ? null : served.model().value(), served == null ? null : served.provider().id().value(),
                status, outcome.name().toLowerCase(java.util.Locale.ROOT), input, output,
                metering == null ? "0" : metering.cost().toPlainString(), TimeUnit.NANOSECONDS.toMillis(durationNanos),
                streamed && firstTokenNanos >= 0 ? TimeUnit.NANOSECONDS.toMillis(firstTokenNanos) : null, streamed,
                attempts, finishReason);
        span.end(served, summary, upstreamId, errorType);
        if (gateway.summaries()) {
            sink.finished(summary);
        }
    }

    /**
     * The requested model as a label: its catalog id. A model the catalog does not know must not
     * make a new series, so it is {@link GatewayMetrics#NONE}.
     */
    private String requestModelLabel(Endpoint served) {
        if (served != null && served.model().value().equals(requestedModel)) {
            return requestedModel; // the usual case: asked by catalog id, served as asked
        }
        return requestedModel == null ? GatewayMetrics.NONE
                : gateway.catalog().find(requestedModel).map(m -> m.id().value()).orElse(GatewayMetrics.NONE);
    }

    /** Ends the attempt still open when the request ends: it served, broke mid-stream, or its client left. */
    private void endAttempt(Outcome outcome, String upstreamId, String finishReason, long input, long output) {
        if (attemptEndpoint == null) {
            return;
        }
        gateway.metrics().attemptEnded(attemptEndpoint.id(), outcome);
        if (outcome == Outcome.SUCCESS) {
            attemptSpan.succeeded(attemptEndpoint, upstreamId, finishReason, input, output);
        } else {
            attemptSpan.abandoned(outcome == Outcome.CANCELLED ? "cancelled" : "stream_broken");
        }
        attemptEndpoint = null;
        attemptSpan = null;
    }
}
