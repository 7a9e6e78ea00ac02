package dev.switchboard.protocol;

/** A body is not valid JSON; the message says where (line, column) and what was wrong. */
public final class MalformedJsonException extends RuntimeException {
    private final int line;
    private final int column;

    public MalformedJsonException(String message, int line, int column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
