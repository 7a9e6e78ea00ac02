package dev.switchboard.client;

/** The gateway could not be reached or the connection broke before an answer, or a stream broke off. */
public final class ConnectionFailedException extends SwitchboardException {
    ConnectionFailedException(ErrorDetails details, Throwable cause) {
        super(details, cause);
    }

    @Override
    public boolean isRetryable() {
        return !duringStream();
    }
}
