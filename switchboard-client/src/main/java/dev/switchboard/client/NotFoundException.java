package dev.switchboard.client;

/** 404: no such model, generation or route. */
public final class NotFoundException extends SwitchboardException {
    NotFoundException(ErrorDetails details, Throwable cause) {
        super(details, cause);
    }
}
