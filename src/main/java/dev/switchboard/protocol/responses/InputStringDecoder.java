package dev.switchboard.protocol.responses;

/**
 * Decodes, fragment by fragment, the string value of {@code input} in the arguments
 * {@code {"input": "..."}} that a chat model streams for a custom tool, so the client gets
 * {@code custom_tool_call_input.delta} events as the input is written rather than all at the end.
 * Arguments of another shape (another key first) are left to the end of the call
 * ({@link OutputItems#customInput}). A surrogate pair is never split between two deltas.
 */
final class InputStringDecoder {
    private enum State { OPEN, KEY, COLON, VALUE_START, VALUE, ESCAPE, UNICODE, DONE, OTHER_SHAPE }

    private State state = State.OPEN;
    private final StringBuilder key = new StringBuilder();
    private int unicode;
    private int unicodeDigits;
    private char heldHighSurrogate;
    private final StringBuilder decoded = new StringBuilder();

    /** The text of {@code input} that this fragment completes (possibly empty). */
    String feed(String fragment) {
        StringBuilder out = new StringBuilder(fragment.length());
        for (int i = 0; i < fragment.length(); i++) {
            step(fragment.charAt(i), out);
        }
        decoded.append(out);
        return out.toString();
    }

    /** Everything decoded so far. */
    String decoded() {
        return decoded.toString();
    }

    private void step(char c, StringBuilder out) {
        switch (state) {
            case OPEN -> {
                if (c == '{') {
                    state = State.KEY;
                } else if (!Character.isWhitespace(c)) {
                    state = State.OTHER_SHAPE;
                }
            }
            case KEY -> key(c);
            case COLON -> {
                if (c == ':') {
                    state = State.VALUE_START;
                } else if (!Character.isWhitespace(c)) {
                    state = State.OTHER_SHAPE;
                }
            }
            case VALUE_START -> {
                if (c == '"') {
                    state = State.VALUE;
                } else if (!Character.isWhitespace(c)) {
                    state = State.OTHER_SHAPE;
                }
            }
            case VALUE -> {
                if (c == '\\') {
                    state = State.ESCAPE;
                } else if (c == '"') {
                    flushHeld(out);
                    state = State.DONE;
                } else {
                    emit(c, out);
                }
            }
            case ESCAPE -> escape(c, out);
            case UNICODE -> {
                int digit = Character.digit(c, 16);
                if (digit < 0) {
                    state = State.OTHER_SHAPE;
                    return;
                }
                unicode = unicode * 16 + digit;
                if (++unicodeDigits == 4) {
                    state = State.VALUE;
                    emit((char) unicode, out);
                }
            }
            default -> {
                // DONE or OTHER_SHAPE: nothing more to stream
            }
        }
    }

    private void key(char c) {
        if (key.isEmpty() && c != '"' && Character.isWhitespace(c)) {
            return;
        }
        if (key.isEmpty() && c != '"') {
            state = State.OTHER_SHAPE; // "{}" or not JSON
            return;
        }
        key.append(c);
        if (key.length() > 1 && c == '"') {
            state = key.toString().equals("\"input\"") ? State.COLON : State.OTHER_SHAPE;
        } else if (key.length() > 8) {
            state = State.OTHER_SHAPE;
        }
    }

    private void escape(char c, StringBuilder out) {
        state = State.VALUE;
        switch (c) {
            case 'n' -> emit('\n', out);
            case 't' -> emit('\t', out);
            case 'r' -> emit('\r', out);
            case 'b' -> emit('\b', out);
            case 'f' -> emit('\f', out);
            case 'u' -> {
                state = State.UNICODE;
                unicode = 0;
                unicodeDigits = 0;
            }
            default -> emit(c, out); // \" \\ \/
        }
    }

    private void emit(char c, StringBuilder out) {
        flushHeld(out);
        if (Character.isHighSurrogate(c)) {
            heldHighSurrogate = c;
        } else {
            out.append(c);
        }
    }

    private void flushHeld(StringBuilder out) {
        if (heldHighSurrogate != 0) {
            out.append(heldHighSurrogate);
            heldHighSurrogate = 0;
        }
    }
}
