package dev.switchboard.providers;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.protocol.ClientOriginal;
import dev.switchboard.protocol.openai.ChatRequest;

import java.util.Set;

/**
 * One attempt at one endpoint: the client's chat request (null for an embeddings call, whose
 * body is passed beside it), how many milliseconds the attempt may still take (the request's
 * overall budget caps every provider timeout), the signal the gateway uses to abort it, and the
 * W3C {@code traceparent} to send the provider (null when not tracing).
 */
public record UpstreamCall(Endpoint endpoint, ChatRequest request, long budgetMs, CancelSignal cancel,
                           String traceparent) {

    public UpstreamCall(Endpoint endpoint, ChatRequest request, long budgetMs, CancelSignal cancel) {
        this(endpoint, request, budgetMs, cancel, null);
    }

    /** The request's output limit cut to the endpoint's maximum output ({@link Endpoint#outputLimit}); null when it set none. */
    public Long maxTokens() {
        return request == null ? null : endpoint.outputLimit(request.maxTokens());
    }

    /**
     * Whether {@code reasoning_effort} goes upstream: a chat client's own always; one Switchboard
     * derived from a Messages request ({@code output_config.effort}, {@code thinking}) only to an
     * endpoint that declares {@code reasoning_effort} or {@code reasoning} (or lists no parameters),
     * since models without reasoning refuse it.
     */
    public boolean sendsReasoningEffort() {
        if (request == null || !request.cameAs(ClientOriginal.Api.MESSAGES)) {
            return true;
        }
        return reasons();
    }

    /**
     * Whether the endpoint reasons: it declares {@code reasoning_effort} or {@code reasoning} (or lists no
     * parameters). An effort Switchboard derives (from OpenRouter's {@code reasoning}, say) goes only to
     * such endpoints, as OpenRouter ignores reasoning for a model without it.
     */
    public boolean reasons() {
        Set<String> supported = endpoint.supportedParameters();
        return supported.isEmpty() || supported.contains("reasoning_effort") || supported.contains("reasoning");
    }

    /** A provider timeout, cut to the remaining budget. */
    public long within(long timeoutMs) {
        return Math.max(1, Math.min(timeoutMs, budgetMs));
    }
}
