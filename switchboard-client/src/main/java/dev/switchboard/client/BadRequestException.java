package dev.switchboard.client;

/** 400 (and any other 4xx not below): the request itself is wrong; sending it again cannot help. */
public final class BadRequestException extends SwitchboardException {
    BadRequestException(ErrorDetails details, Throwable cause) {
        super(details, cause);
    }
}
