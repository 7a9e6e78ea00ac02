package dev.switchboard.client;

/** 429: the key's rate limit; {@link #retryAfter()} says when a request can pass again. */
public final class RateLimitedException extends SwitchboardException {
    RateLimitedException(ErrorDetails details, Throwable cause) {
        super(details, cause);
    }

    @Override
    public boolean isRetryable() {
        return !duringStream();
    }
}
