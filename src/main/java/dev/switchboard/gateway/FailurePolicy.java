package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.MalformedJsonException;
import dev.switchboard.providers.UpstreamFailure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed attempt means for the request: try the next endpoint, or answer the client now.
 * Retried: anything that did not reach the provider, timeouts, invalid bodies, broken streams,
 * 408, 409, 429 and 5xx, and 401/403/404, which say this endpoint's key or model name is wrong
 * rather than the client's request. Other 4xx describe the request itself and would fail anywhere,
 * except a context-length error, which a larger endpoint may not have.
 */
final class FailurePolicy {
    private static final Logger LOG = LoggerFactory.getLogger(FailurePolicy.class);

    private FailurePolicy() {
    }

    /**
     * The client's error for an exception thrown on our side after admission (reading the request,
     * building an upstream body): a 400 when the request is at fault, else a 500 whose cause is
     * logged once. Neither is the provider's fault.
     */
    static GatewayError unexpected(RuntimeException e, String generationId) {
        return switch (e) {
            case GatewayError error -> error;
            case InvalidRequestException invalid -> GatewayError.badRequest(invalid.param(), invalid.getMessage());
            case MalformedJsonException malformed -> GatewayError.badRequest(null, malformed.getMessage());
            default -> {
                LOG.error("Request {} failed inside Switchboard before reaching a provider", generationId, e);
                yield GatewayError.internal("Switchboard failed to prepare the request (generation " + generationId
                        + "); nothing was charged");
            }
        };
    }

    static boolean tryNextEndpoint(UpstreamFailure failure) {
        if (!(failure instanceof UpstreamFailure.ErrorStatus error)) {
            return true;
        }
        int status = error.status();
        return status >= 500 || status == 408 || status == 409 || status == 429 || status == 401 || status == 403
                || status == 404 || "context_length_exceeded".equals(error.code());
    }

    /**
     * Whether an error status describes the client's request rather than the endpoint: any 4xx but
     * 401/403/404 (this endpoint's key or model name), 408 and 409 (its state) and 429 (its load).
     * A context-length error is the request's too, although a larger endpoint may still serve it.
     */
    static boolean clientsFault(UpstreamFailure.ErrorStatus error) {
        int status = error.status();
        return status >= 400 && status < 500 && status != 401 && status != 403 && status != 404 && status != 408
                && status != 409 && status != 429;
    }

    /** The client's error for a failure that is not retried: the provider's status and message. */
    static GatewayError passThrough(UpstreamFailure.ErrorStatus error, String providerName) {
        ObjectNode metadata = Json.object().put("provider_name", providerName);
        if (error.code() != null) {
            metadata.put("provider_code", error.code());
        }
        if (error.details() != null) {
            metadata.set("provider_details", error.details());
        }
        String type = error.type() != null && !error.type().isBlank() ? error.type() : "invalid_request_error";
        return new GatewayError(error.status(), type, error.getMessage(), error.param(), metadata, null);
    }

    /** The client's error when every attempt failed. */
    static GatewayError allFailed(List<FailedAttempt> attempts) {
        ObjectNode metadata = Json.object();
        ArrayNode list = metadata.putArray("attempts");
        for (FailedAttempt a : attempts) {
            list.addObject()
                    .put("provider", a.provider())
                    .put("model", a.model())
                    .put("status", a.failure().status())
                    .put("message", a.failure().getMessage());
        }
        FailedAttempt last = attempts.getLast();
        String summary = (attempts.size() == 1 ? "The provider failed" : "All " + attempts.size() + " attempts failed")
                + "; last: " + last.provider() + ": " + last.failure().getMessage();
        if (attempts.stream().allMatch(a -> a.failure().status() == 429)) {
            Duration wait = attempts.stream()
                    .map(a -> ((UpstreamFailure.ErrorStatus) a.failure()).retryAfter())
                    .filter(d -> d != null)
                    .min(Duration::compareTo)
                    .orElse(Duration.ofSeconds(1));
            String seconds = Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000));
            return new GatewayError(429, "rate_limit_error", "Rate limited by every provider: " + summary, null,
                    metadata, Map.of("Retry-After", seconds));
        }
        if (attempts.stream().allMatch(a -> a.failure() instanceof UpstreamFailure.AtCapacity)) {
            return new GatewayError(503, "service_unavailable", "Switchboard is at a limit of its own for "
                    + (attempts.size() == 1 ? "this provider" : "every provider of this model")
                    + "; retry shortly: " + summary, null, metadata, Map.of("Retry-After", "1"));
        }
        if (attempts.stream().allMatch(a -> a.failure() instanceof UpstreamFailure.TimedOut)) {
            return new GatewayError(504, "timeout_error", summary, null, metadata, null);
        }
        return new GatewayError(502, "upstream_error", summary, null, metadata, null);
    }

    /** One failed attempt, for {@code metadata.attempts}. */
    record FailedAttempt(String provider, String model, UpstreamFailure failure) {
    }

    /** No endpoint is left to try, or the time budget is spent: why every attempt failed, or a 504. */
    static GatewayError exhausted(List<FailedAttempt> failures) {
        return failures.isEmpty()
                ? new GatewayError(504, "timeout_error", "request time budget exhausted", null, null, null)
                : allFailed(failures);
    }
}
