package dev.switchboard.gateway;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.providers.UpstreamFailure;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;

import java.util.List;

/**
 * OpenTelemetry spans with the GenAI semantic-convention attributes: a SERVER span per request
 * ({@code chat openai/gpt-4.1}), child of the caller's W3C {@code traceparent}, and a CLIENT span
 * per upstream attempt, whose context goes to the provider as its {@code traceparent}. {@link #OFF}
 * (no collector configured) creates nothing at all. Spans never carry prompts, answers or keys.
 */
// opentelemetry-semconv-incubating 1.43.0-alpha flags every gen_ai.* key as deprecated; the names
// themselves are the GenAI conventions' current ones (checked against the jar), so we keep using them
@SuppressWarnings("deprecation")
public final class Tracing {
    public static final Tracing OFF = new Tracing(null);
    /** Span names carry the model the client asked for; an absurdly long one is cut. */
    private static final int MAX_NAME_MODEL = 128;

    private final Tracer tracer;

    /** Traces with {@code openTelemetry} (null: {@link #OFF}). */
    public Tracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry == null ? null : openTelemetry.getTracer("dev.switchboard");
    }

    /** The W3C trace context a request arrived with (both null without one). */
    public record Parent(String traceparent, String tracestate) {
        public static final Parent NONE = new Parent(null, null);
    }

    private static final TextMapGetter<Parent> PARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Parent carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(Parent carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return switch (key) {
                case "traceparent" -> carrier.traceparent();
                case "tracestate" -> carrier.tracestate();
                default -> null;
            };
        }
    };

    /** Starts the SERVER span of one request. */
    RequestSpan request(String operation, String requestedModel, Parent parent) {
        if (tracer == null) {
            return RequestSpan.NOOP;
        }
        Context context = parent.traceparent() == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), parent, PARENT);
        String model = requestedModel == null ? "" : requestedModel.length() > MAX_NAME_MODEL
                ? requestedModel.substring(0, MAX_NAME_MODEL) : requestedModel;
        Span span = tracer.spanBuilder(model.isEmpty() ? operation : operation + " " + model)
                .setSpanKind(SpanKind.SERVER)
                .setParent(context)
                .setAttribute(GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME, operation)
                .setAttribute(GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL, model)
                .startSpan();
        return new RequestSpan(tracer, operation, span);
    }

    /** The SERVER span of one request; event-loop confined. */
    static class RequestSpan {
        static final RequestSpan NOOP = new RequestSpan(null, null, null);

        private final Tracer tracer;
        private final String operation;
        private final Span span;

        RequestSpan(Tracer tracer, String operation, Span span) {
            this.tracer = tracer;
            this.operation = operation;
            this.span = span;
        }

        /** Starts a CLIENT span for one attempt at {@code endpoint}. */
        AttemptSpan attempt(Endpoint endpoint) {
            if (span == null) {
                return AttemptSpan.NOOP;
            }
            Span attempt = tracer.spanBuilder(operation + " " + endpoint.upstreamModel())
                    .setSpanKind(SpanKind.CLIENT)
                    .setParent(Context.root().with(span))
                    .setAttribute(GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME, operation)
                    .setAttribute(GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME, endpoint.provider().id().value())
                    .setAttribute(GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL, endpoint.upstreamModel())
                    .startSpan();
            return new AttemptSpan(attempt);
        }

        /** Ends the request's span with what served it (null: nothing did) and how it ended. */
        void end(Endpoint served, RequestSummary summary, String upstreamId, String errorType) {
            if (span == null) {
                return;
            }
            if (served != null) {
                span.setAttribute(GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME, served.provider().id().value());
                span.setAttribute(GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL, served.model().value());
                span.setAttribute(GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS, summary.promptTokens());
                span.setAttribute(GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, summary.completionTokens());
            }
            span.setAttribute(GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID, summary.generationId());
            if (upstreamId != null) {
                span.setAttribute("switchboard.upstream.response_id", upstreamId);
            }
            if (summary.finishReason() != null) {
                span.setAttribute(GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS, List.of(summary.finishReason()));
            }
            if (summary.firstTokenMs() != null) {
                span.setAttribute(GenAiIncubatingAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
                        summary.firstTokenMs() / 1000.0);
            }
            span.setAttribute("http.response.status_code", summary.status());
            span.setAttribute("switchboard.attempts", summary.attempts());
            if (errorType != null) {
                span.setAttribute(ErrorAttributes.ERROR_TYPE, errorType);
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }
    }

    /** The CLIENT span of one upstream attempt; ended exactly once. */
    static class AttemptSpan {
        static final AttemptSpan NOOP = new AttemptSpan(null);

        private final Span span;

        AttemptSpan(Span span) {
            this.span = span;
        }

        /** The W3C {@code traceparent} that makes the provider's work a child of this attempt (null when not tracing). */
        String traceparent() {
            if (span == null) {
                return null;
            }
            SpanContext context = span.getSpanContext();
            return context.isValid()
                    ? "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex()
                    : null;
        }

        void succeeded(Endpoint endpoint, String upstreamId, String finishReason, long inputTokens, long outputTokens) {
            if (span == null) {
                return;
            }
            span.setAttribute(GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL, endpoint.upstreamModel());
            if (upstreamId != null) {
                span.setAttribute(GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID, upstreamId);
            }
            if (finishReason != null) {
                span.setAttribute(GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS, List.of(finishReason));
            }
            span.setAttribute(GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS, inputTokens);
            span.setAttribute(GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, outputTokens);
            span.end();
        }

        void failed(UpstreamFailure failure) {
            if (span == null) {
                return;
            }
            span.setAttribute(ErrorAttributes.ERROR_TYPE, errorType(failure));
            if (failure instanceof UpstreamFailure.ErrorStatus error) {
                span.setAttribute("http.response.status_code", error.status());
            }
            span.setStatus(StatusCode.ERROR, failure.getMessage());
            span.end();
        }

        /** Ended without a result of its own: the client left ({@code error.type} "cancelled"), or the request gave up on it. */
        void abandoned(String errorType) {
            if (span == null) {
                return;
            }
            span.setAttribute(ErrorAttributes.ERROR_TYPE, errorType);
            span.setStatus(StatusCode.ERROR);
            span.end();
        }
    }

    /** A low-cardinality name of an upstream failure, as {@code error.type} wants: the HTTP status, or the kind. */
    static String errorType(UpstreamFailure failure) {
        return switch (failure) {
            case UpstreamFailure.ErrorStatus e -> Integer.toString(e.status());
            case UpstreamFailure.NotReached e -> "not_reached";
            case UpstreamFailure.AtCapacity e -> "at_capacity";
            case UpstreamFailure.TimedOut e -> "timeout";
            case UpstreamFailure.InvalidResponse e -> "invalid_response";
            case UpstreamFailure.StreamBroken e -> "stream_broken";
        };
    }
}
