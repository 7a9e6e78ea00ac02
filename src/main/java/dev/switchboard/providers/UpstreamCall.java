package dev.switchboard.providers;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.protocol.openai.ChatRequest;

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

    /** A provider timeout, cut to the remaining budget. */
    public long within(long timeoutMs) {
        return Math.max(1, Math.min(timeoutMs, budgetMs));
    }
}
