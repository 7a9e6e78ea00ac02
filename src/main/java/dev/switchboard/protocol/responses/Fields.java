package dev.switchboard.protocol.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.InvalidRequestException;

/** Type checks that fail with the field's path ({@code input[3].content[0].type: expected a string}). */
final class Fields {
    private Fields() {
    }

    static InvalidRequestException invalid(String path, String problem) {
        return new InvalidRequestException(path, path + ": " + problem);
    }

    static boolean absent(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode();
    }

    /** A required string member. */
    static String string(JsonNode parent, String member, String path) {
        JsonNode value = parent.get(member);
        String at = path + "." + member;
        if (absent(value)) {
            throw invalid(at, "field required (a string)");
        }
        if (!value.isTextual()) {
            throw invalid(at, "expected a string");
        }
        return value.asText();
    }

    /** An optional member that must be a string when present; null when absent. */
    static String optionalString(JsonNode parent, String member, String path) {
        JsonNode value = parent.get(member);
        if (absent(value)) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(path.isEmpty() ? member : path + "." + member, "expected a string");
        }
        return value.asText();
    }

    static void optionalBoolean(JsonNode parent, String member) {
        JsonNode value = parent.get(member);
        if (!absent(value) && !value.isBoolean()) {
            throw invalid(member, "expected true or false");
        }
    }

    static void optionalNumber(JsonNode parent, String member) {
        JsonNode value = parent.get(member);
        if (!absent(value) && !value.isNumber()) {
            throw invalid(member, "expected a number");
        }
    }

    static void optionalObject(JsonNode parent, String member, String path) {
        JsonNode value = parent.get(member);
        if (!absent(value) && !value.isObject()) {
            throw invalid(path.isEmpty() ? member : path + "." + member, "expected an object");
        }
    }

    static Long optionalPositiveCount(JsonNode parent, String member) {
        JsonNode value = parent.get(member);
        if (absent(value)) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1) {
            throw invalid(member, "expected a positive integer");
        }
        return value.asLong();
    }

    /** A string or a list: the two shapes of {@code content} and {@code output}. */
    static JsonNode stringOrArray(JsonNode parent, String member, String path, String what) {
        JsonNode value = parent.get(member);
        String at = path + "." + member;
        if (absent(value)) {
            throw invalid(at, "field required (" + what + ")");
        }
        if (!value.isTextual() && !value.isArray()) {
            throw invalid(at, "expected " + what);
        }
        return value;
    }
}
