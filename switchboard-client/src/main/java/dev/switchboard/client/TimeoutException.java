package dev.switchboard.client;

/** No answer within the client's timeout, or the gateway's 408; only the 408 is retried (a timed-out request may still be running, and billed). */
public final class TimeoutException extends SwitchboardException {
    TimeoutException(ErrorDetails details, Throwable cause) {
        super(details, cause);
    }

    @Override
    public boolean isRetryable() {
        return !duringStream() && status() == 408;
    }
}
