package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Scans the top level of a JSON object with Jackson's streaming parser and remembers where each
 * member's bytes are, so a body can be forwarded with a few members replaced and everything else
 * byte-for-byte as the client sent it (no tree, no re-serialization of messages).
 */
public final class JsonMembers {

    /** One top-level member: bytes {@code [start, end)} hold {@code "name": value}, the value from {@code valueStart}. */
    public record Member(String name, int start, int valueStart, int end) {
    }

    /**
     * Looks at a member's value. The parser stands on the value's first token; the inspector
     * either reads the whole value (leaving the parser on its last token) or leaves it alone.
     */
    @FunctionalInterface
    public interface Inspector {
        void inspect(String name, JsonParser parser) throws IOException;
    }

    private JsonMembers() {
    }

    /** Thrown by an inspector when a value has the wrong type or shape. */
    public static final class InvalidMember extends RuntimeException {
        private final String field;

        public InvalidMember(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** The members of an object, and whether its text spans several lines. */
    public record Scanned(List<Member> members, boolean multiLine) {
    }

    public static List<Member> scan(byte[] json, Inspector inspector) {
        return scanDocument(json, inspector).members();
    }

    public static Scanned scanDocument(byte[] json, Inspector inspector) {
        try (JsonParser parser = Json.FACTORY.createParser(json)) {
            requireUtf8(parser);
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedJsonException("expected a JSON object", 1, 1);
            }
            List<Member> members = new ArrayList<>(16);
            String name = null;
            int start = 0;
            int valueStart = 0;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME || token == JsonToken.END_OBJECT) {
                // a member ends where the next token starts, less the comma and whitespace between;
                // untouched strings are thereby skipped by the parser, never decoded
                int next = (int) parser.currentTokenLocation().getByteOffset();
                if (name != null) {
                    members.add(new Member(name, start, valueStart, endBefore(json, next)));
                }
                if (token == JsonToken.END_OBJECT) {
                    break;
                }
                name = parser.currentName();
                start = next;
                JsonToken value = parser.nextToken();
                valueStart = (int) parser.currentTokenLocation().getByteOffset();
                inspector.inspect(name, parser);
                if (parser.currentToken() == value && (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY)) {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new MalformedJsonException("unexpected content after the JSON object", parser.currentLocation().getLineNr(),
                        parser.currentLocation().getColumnNr());
            }
            return new Scanned(members, parser.currentLocation().getLineNr() > 1);
        } catch (StreamReadException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new MalformedJsonException(e.getMessage(), 0, 0);
        }
    }

    /**
     * Walks the top-level members of an object without recording where they are: cheaper when
     * the inspector only needs a few values (and their positions, which it can ask the parser for).
     *
     * @return true when the object's text spans several lines
     */
    public static boolean visit(byte[] json, Inspector inspector) {
        try (JsonParser parser = Json.FACTORY.createParser(json)) {
            requireUtf8(parser);
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedJsonException("expected a JSON object", 1, 1);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                inspector.inspect(name, parser);
                if (parser.currentToken() == value && (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY)) {
                    parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new MalformedJsonException("unexpected content after the JSON object", parser.currentLocation().getLineNr(),
                        parser.currentLocation().getColumnNr());
            }
            return parser.currentLocation().getLineNr() > 1;
        } catch (StreamReadException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new MalformedJsonException(e.getMessage(), 0, 0);
        }
    }

    /**
     * Refuses a body Jackson detected as UTF-16 or UTF-32 (by its BOM or its zero bytes): JSON
     * exchanged between systems is UTF-8 (RFC 8259 §8.1), and member positions are byte offsets
     * only for UTF-8, so any other encoding would be forwarded cut at the wrong places.
     */
    static void requireUtf8(JsonParser parser) {
        if (!(parser instanceof UTF8StreamJsonParser)) {
            throw new MalformedJsonException("Invalid JSON: the body must be encoded in UTF-8 (RFC 8259 section 8.1)", 1, 1);
        }
    }

    /** The end of a value that is followed, at {@code next}, by the next member's name or the closing brace. */
    private static int endBefore(byte[] json, int next) {
        int end = next;
        while (end > 0 && isWhitespace(json[end - 1])) {
            end--;
        }
        if (end > 0 && json[end - 1] == ',') {
            end--;
            while (end > 0 && isWhitespace(json[end - 1])) {
                end--;
            }
        }
        return end;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    static MalformedJsonException malformed(StreamReadException e) {
        var location = e.getLocation();
        int line = location == null ? 0 : location.getLineNr();
        int column = location == null ? 0 : location.getColumnNr();
        String what = e instanceof JsonParseException p ? p.getOriginalMessage() : e.getOriginalMessage();
        return new MalformedJsonException("Invalid JSON at line " + line + ", column " + column + ": " + firstLine(what),
                line, column);
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        // Jackson names the (redacted) source inside nested locations; only line and column help
        return line.replaceAll("\\[Source: [^;]*; ", "[");
    }
}
