package dev.switchboard.protocol;

/** A well-formed body whose content breaks the API contract: a missing or wrong-typed field. */
public final class InvalidRequestException extends RuntimeException {
    private final String param;

    public InvalidRequestException(String param, String message) {
        super(message);
        this.param = param;
    }

    /** The offending field as a dotted path ({@code provider.sort}), or null when not about one field. */
    public String param() {
        return param;
    }
}
