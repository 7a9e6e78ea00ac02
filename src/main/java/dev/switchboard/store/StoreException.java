package dev.switchboard.store;

/** The store failed (connection lost, constraint violated, disk full); the message says which operation. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
