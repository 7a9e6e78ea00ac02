package dev.switchboard.client;

/** 403: the key may not do this (an admin key on inference, a disabled key). */
public final class PermissionDeniedException extends SwitchboardException {
    PermissionDeniedException(ErrorDetails details, Throwable cause) {
        super(details, cause);
    }
}
