package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Optional;

/**
 * A request Switchboard refused or could not serve, or that never reached it. The subclass says
 * what kind (and so whether trying again can help); {@link #status()}, {@link #type()},
 * {@link #getMessage()} and {@link #metadata()} come from the gateway's error body
 * {@code {"error": {"code", "message", "type", "metadata"}}}.
 */
public abstract sealed class SwitchboardException extends RuntimeException
        permits BadRequestException, AuthenticationException, InsufficientCreditsException,
        PermissionDeniedException, NotFoundException, RateLimitedException, UpstreamException,
        TimeoutException, ConnectionFailedException {

    private final transient ErrorDetails details;

    SwitchboardException(ErrorDetails details, Throwable cause) {
        super(details.message(), cause);
        this.details = details;
    }

    /** The HTTP status (or the {@code code} of an error chunk in a stream); 0 when no answer came. */
    public int status() {
        return details.status();
    }

    /** The error's {@code type} in OpenAI's vocabulary ({@code rate_limit_error}, {@code upstream_error}, ...). */
    public String type() {
        return details.type();
    }

    /** The request member the error is about ({@code messages[2].role}), when the gateway named one. */
    public Optional<String> param() {
        return Optional.ofNullable(details.param());
    }

    /** The error's {@code metadata} (e.g. {@code attempts}); an empty object when it had none. */
    public JsonNode metadata() {
        return details.metadata();
    }

    /** The generation the error belongs to ({@code X-Generation-Id}, or the id of the failed stream). */
    public Optional<String> generationId() {
        return Optional.ofNullable(details.generationId());
    }

    /** How long the gateway asked to wait before trying again ({@code Retry-After}). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(details.retryAfter());
    }

    /** True when the stream had begun: the request was served in part and is never retried. */
    public boolean duringStream() {
        return details.duringStream();
    }

    /** Whether the same request may succeed later: 408, 429, 502, 503, 504 and connection failures. */
    public boolean isRetryable() {
        return false;
    }
}
