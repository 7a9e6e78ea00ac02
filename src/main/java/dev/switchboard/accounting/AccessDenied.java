package dev.switchboard.accounting;

/** A key was missing, unknown, disabled, expired or of the wrong kind: 401 or 403 with a reason. */
public final class AccessDenied extends RuntimeException {
    private final int status;

    public AccessDenied(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public static AccessDenied unauthenticated(String message) {
        return new AccessDenied(401, message);
    }

    public static AccessDenied forbidden(String message) {
        return new AccessDenied(403, message);
    }

    public int status() {
        return status;
    }
}
