package dev.switchboard.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The response-healing plugin's repair of a model's JSON answer: the fixes OpenRouter lists
 * (features/plugins/response-healing.mdx) — a markdown code fence or text around the JSON, trailing
 * commas, unquoted keys, missing closing brackets — plus single-quoted strings and a string cut at
 * the end. A lenient recursive-descent reader builds the tree, which is then written as strict JSON.
 */
public final class JsonRepair {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Nesting beyond this is not a model's answer; refusing it keeps the reader's stack bounded. */
    private static final int MAX_DEPTH = 200;

    private final String text;
    private int pos;

    private JsonRepair(String text, int start) {
        this.text = text;
        this.pos = start;
    }

    /**
     * The answer as strict JSON: unchanged when it already is, repaired when it can be, empty when
     * no JSON object or array can be found in it.
     */
    public static Optional<String> heal(String answer) {
        if (isStrictJson(answer)) {
            return Optional.of(answer);
        }
        int start = firstBracket(answer);
        if (start < 0) {
            return Optional.empty();
        }
        try {
            JsonNode repaired = new JsonRepair(answer, start).value(0);
            return Optional.of(Json.string(repaired));
        } catch (Unrepairable e) {
            return Optional.empty();
        }
    }

    private static boolean isStrictJson(String answer) {
        String trimmed = answer.strip();
        // the parser stops after one value: text after it must be caught here
        if (trimmed.isEmpty() || "{[".indexOf(trimmed.charAt(0)) < 0 || "}]".indexOf(trimmed.charAt(trimmed.length() - 1)) < 0) {
            return false;
        }
        try {
            JsonNode node = Json.parse(answer);
            return node != null && (node.isObject() || node.isArray());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Where the JSON starts: after a ```json fence when there is one, else at the first { or [. */
    private static int firstBracket(String answer) {
        int fence = answer.indexOf("```");
        int from = fence < 0 ? 0 : fence;
        int object = answer.indexOf('{', from);
        int array = answer.indexOf('[', from);
        if (object < 0 || array < 0) {
            return Math.max(object, array);
        }
        return Math.min(object, array);
    }

    private JsonNode value(int depth) {
        if (depth > MAX_DEPTH) {
            throw new Unrepairable();
        }
        skipSpace();
        if (atEnd()) {
            throw new Unrepairable();
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"', '\'' -> NODES.textNode(string());
            default -> bare();
        };
    }

    private ObjectNode object(int depth) {
        ObjectNode object = NODES.objectNode();
        pos++;
        while (true) {
            skipSpaceAndCommas();
            if (atEnd() || text.charAt(pos) == '}' || text.charAt(pos) == ']') {
                if (!atEnd() && text.charAt(pos) == '}') {
                    pos++;
                }
                return object; // a missing } is added
            }
            String key = key();
            skipSpace();
            if (atEnd()) {
                object.putNull(key);
                return object;
            }
            if (text.charAt(pos) == ':') {
                pos++;
            }
            object.set(key, value(depth + 1));
        }
    }

    private ArrayNode array(int depth) {
        ArrayNode array = NODES.arrayNode();
        pos++;
        while (true) {
            skipSpaceAndCommas();
            if (atEnd() || text.charAt(pos) == ']' || text.charAt(pos) == '}') {
                if (!atEnd() && text.charAt(pos) == ']') {
                    pos++;
                }
                return array;
            }
            array.add(value(depth + 1));
        }
    }

    private String key() {
        char c = text.charAt(pos);
        if (c == '"' || c == '\'') {
            return string();
        }
        int start = pos;
        while (!atEnd() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
                || text.charAt(pos) == '$' || text.charAt(pos) == '-')) {
            pos++;
        }
        if (start == pos) {
            throw new Unrepairable();
        }
        return text.substring(start, pos);
    }

    /** A double- or single-quoted string with JSON escapes; one cut off by the end of the text is closed. */
    private String string() {
        char quote = text.charAt(pos++);
        StringBuilder out = new StringBuilder();
        while (!atEnd()) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return out.toString();
            }
            if (c != '\\' || atEnd()) {
                out.append(c);
                continue;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw new Unrepairable();
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw new Unrepairable();
                    }
                    pos += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    /** A number, true, false or null; anything else unquoted is not JSON we can trust. */
    private JsonNode bare() {
        int start = pos;
        while (!atEnd() && ",}]\n\r".indexOf(text.charAt(pos)) < 0) {
            pos++;
        }
        String word = text.substring(start, pos).strip();
        switch (word) {
            case "true" -> {
                return NODES.booleanNode(true);
            }
            case "false" -> {
                return NODES.booleanNode(false);
            }
            case "null" -> {
                return NODES.nullNode();
            }
            default -> {
                try {
                    return NODES.numberNode(new BigDecimal(word));
                } catch (NumberFormatException e) {
                    throw new Unrepairable();
                }
            }
        }
    }

    private void skipSpace() {
        while (!atEnd() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private void skipSpaceAndCommas() {
        while (!atEnd() && (Character.isWhitespace(text.charAt(pos)) || text.charAt(pos) == ',')) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private static final class Unrepairable extends RuntimeException {
        Unrepairable() {
            super(null, null, false, false);
        }
    }
}
