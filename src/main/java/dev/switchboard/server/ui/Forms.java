package dev.switchboard.server.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * HTML form bodies ({@code application/x-www-form-urlencoded}), and the key forms turned into the
 * JSON bodies of {@code POST /keys} and {@code PATCH /keys/{hash}}, so the UI and the API share
 * one validation ({@code KeyRequests}).
 */
final class Forms {
    private Forms() {
    }

    /** The first value of each field; a field sent empty is {@code ""}. */
    static Map<String, String> parse(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        Map<String, List<String>> fields = new QueryStringDecoder(text, StandardCharsets.UTF_8, false).parameters();
        Map<String, String> first = new java.util.HashMap<>();
        fields.forEach((name, values) -> first.put(name, values.isEmpty() ? "" : values.getFirst()));
        return first;
    }

    /** The create form as a {@code POST /keys} body: empty fields are left out. */
    static byte[] createKeyJson(Map<String, String> form) {
        ObjectNode json = Json.object();
        json.put("name", form.getOrDefault("name", ""));
        putNumber(json, "limit", form.get("limit"), false);
        putText(json, "limit_reset", form.get("limit_reset"), false);
        putText(json, "expires_at", form.get("expires_at"), false);
        ObjectNode rate = Json.object();
        putNumber(rate, "requests_per_minute", form.get("requests_per_minute"), false);
        putNumber(rate, "tokens_per_minute", form.get("tokens_per_minute"), false);
        if (!rate.isEmpty()) {
            json.set("rate_limit", rate);
        }
        return Json.bytes(json);
    }

    /** The edit form as a {@code PATCH /keys/{hash}} body: an empty field clears its setting. */
    static byte[] updateKeyJson(Map<String, String> form) {
        ObjectNode json = Json.object();
        if (form.containsKey("name")) {
            json.put("name", form.get("name"));
        }
        putNumber(json, "limit", form.get("limit"), true);
        putText(json, "limit_reset", form.get("limit_reset"), true);
        if (form.containsKey("requests_per_minute") || form.containsKey("tokens_per_minute")) {
            ObjectNode rate = json.putObject("rate_limit");
            putNumber(rate, "requests_per_minute", form.get("requests_per_minute"), true);
            putNumber(rate, "tokens_per_minute", form.get("tokens_per_minute"), true);
        }
        return Json.bytes(json);
    }

    /** {@code {"disabled": true|false}}. */
    static byte[] disabledJson(boolean disabled) {
        return Json.bytes(Json.object().put("disabled", disabled));
    }

    /**
     * A number as JSON wants it, so the API's checks apply unchanged; text that is no number is
     * passed as text and gets the API's own error message.
     */
    private static void putNumber(ObjectNode json, String field, String value, boolean emptyIsNull) {
        String text = filled(json, field, value, emptyIsNull);
        if (text == null) {
            return;
        }
        try {
            json.put(field, Long.parseLong(text));
            return;
        } catch (NumberFormatException e) {
            // not a whole number
        }
        try {
            json.put(field, new BigDecimal(text));
        } catch (NumberFormatException e) {
            json.put(field, text);
        }
    }

    private static void putText(ObjectNode json, String field, String value, boolean emptyIsNull) {
        String text = filled(json, field, value, emptyIsNull);
        if (text != null) {
            json.put(field, text);
        }
    }

    /**
     * The field's stripped text, or null when there is nothing to put: absent, or empty (then set
     * to JSON null when {@code emptyIsNull}, so the API clears it).
     */
    private static String filled(ObjectNode json, String field, String value, boolean emptyIsNull) {
        if (value == null) {
            return null;
        }
        String text = value.strip();
        if (text.isEmpty()) {
            if (emptyIsNull) {
                json.putNull(field);
            }
            return null;
        }
        return text;
    }
}
