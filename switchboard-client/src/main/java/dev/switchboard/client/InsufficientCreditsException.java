package dev.switchboard.client;

/** 402: the key's limit or the account's credits cannot pay for the request. */
public final class InsufficientCreditsException extends SwitchboardException {
    InsufficientCreditsException(ErrorDetails details, Throwable cause) {
        super(details, cause);
    }
}
