package dev.switchboard.client;

/** 401: the API key is missing, unknown or revoked. */
public final class AuthenticationException extends SwitchboardException {
    AuthenticationException(ErrorDetails details, Throwable cause) {
        super(details, cause);
    }
}
