package dev.switchboard.client;

/** 5xx: the providers failed (502), none is available now (503), or one timed out (504). */
public final class UpstreamException extends SwitchboardException {
    UpstreamException(ErrorDetails details, Throwable cause) {
        super(details, cause);
    }

    @Override
    public boolean isRetryable() {
        return !duringStream() && (status() == 502 || status() == 503 || status() == 504);
    }
}
