package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.accounting.Accounts;
import dev.switchboard.accounting.Money;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.protocol.Json;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.LimitReset;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Decodes and checks the bodies of {@code POST /keys} and {@code PATCH /keys/{hash}}: every field
 * is checked before anything is written, so a bad body changes nothing. Unknown fields are
 * refused (a typo must not silently leave a limit unset). The web UI's key forms go through
 * here too.
 */
public final class KeyRequests {
    static final int MAX_NAME_LENGTH = 200;
    /** Money is kept in pico-dollars in a 64-bit integer; a million dollars leaves ample headroom. */
    static final BigDecimal MAX_LIMIT_USD = BigDecimal.valueOf(1_000_000);
    static final long MAX_REQUESTS_PER_MINUTE = 1_000_000_000L;
    static final long MAX_TOKENS_PER_MINUTE = 1_000_000_000_000L;

    private static final Set<String> CREATE_FIELDS = Set.of("name", "limit", "limit_reset", "expires_at", "rate_limit",
            "include_byok_in_limit");
    private static final Set<String> UPDATE_FIELDS = Set.of("name", "disabled", "limit", "limit_reset", "expires_at",
            "rate_limit", "include_byok_in_limit");
    private static final Set<String> RATE_LIMIT_FIELDS = Set.of("requests_per_minute", "tokens_per_minute");

    private KeyRequests() {
    }

    /** A new key's settings from a {@code POST /keys} body. */
    public static Accounts.NewKey create(byte[] body, long nowMillis) {
        JsonNode json = object(body, CREATE_FIELDS);
        if (!json.has("name")) {
            throw GatewayError.badRequest("name", "name is required");
        }
        String name = name(json.get("name"));
        Long limit = limit(json.get("limit"));
        LimitReset reset = limitReset(json.get("limit_reset"));
        Long expiresAt = expiresAt(json.get("expires_at"), nowMillis);
        RateLimit rate = rateLimit(json.get("rate_limit"));
        bool(json, "include_byok_in_limit");
        return new Accounts.NewKey(name, limit, reset, expiresAt, rate.requestsPerMinute(), rate.tokensPerMinute());
    }

    /**
     * A {@code PATCH /keys/{hash}} body as a change to apply: fields absent keep their value,
     * {@code null} clears an optional setting. Checked in full here, applied later.
     */
    public static java.util.function.UnaryOperator<KeyRecord> update(byte[] body, long nowMillis) {
        JsonNode json = object(body, UPDATE_FIELDS);
        String name = json.has("name") ? name(json.get("name")) : null;
        Boolean disabled = bool(json, "disabled");
        Long limit = limit(json.get("limit"));
        LimitReset reset = limitReset(json.get("limit_reset"));
        Long expiresAt = expiresAt(json.get("expires_at"), nowMillis);
        RateLimit rate = rateLimit(json.get("rate_limit"));
        bool(json, "include_byok_in_limit");
        // inside rate_limit too, an absent field keeps its value; "rate_limit": null clears both
        JsonNode rateJson = json.get("rate_limit");
        boolean clearRate = rateJson != null && rateJson.isNull();
        boolean setRpm = clearRate || rateJson != null && rateJson.has("requests_per_minute");
        boolean setTpm = clearRate || rateJson != null && rateJson.has("tokens_per_minute");
        return k -> new KeyRecord(k.hash(), name != null ? name : k.name(), k.label(), k.role(),
                json.has("limit") ? limit : k.limitPico(),
                json.has("limit_reset") ? reset : k.limitReset(),
                json.has("expires_at") ? expiresAt : k.expiresAt(),
                setRpm ? rate.requestsPerMinute() : k.requestsPerMinute(),
                setTpm ? rate.tokensPerMinute() : k.tokensPerMinute(),
                disabled != null ? disabled : k.disabled(), k.usagePico(), k.createdAt(), k.updatedAt());
    }

    private static JsonNode object(byte[] body, Set<String> known) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw GatewayError.badRequest(null, "the body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (json == null || !json.isObject()) {
            throw GatewayError.badRequest(null, "the body must be a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            String field = it.next().getKey();
            if (!known.contains(field)) {
                throw GatewayError.badRequest(field, "unknown field \"" + field + "\" (expected one of: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
        return json;
    }

    private static String name(JsonNode node) {
        if (node == null || !node.isTextual()) {
            throw GatewayError.badRequest("name", "name must be a string");
        }
        String name = node.asText().strip();
        if (name.isEmpty()) {
            throw GatewayError.badRequest("name", "name must not be empty");
        }
        if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
            throw GatewayError.badRequest("name", "name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw GatewayError.badRequest("name", "name must not contain control characters");
        }
        return name;
    }

    private static Long limit(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw GatewayError.badRequest("limit", "limit must be a number of US dollars or null");
        }
        BigDecimal usd = node.decimalValue();
        if (usd.signum() < 0) {
            throw GatewayError.badRequest("limit", "limit must not be negative (got " + usd.toPlainString() + ")");
        }
        if (usd.compareTo(MAX_LIMIT_USD) > 0) {
            throw GatewayError.badRequest("limit", "limit must be at most " + MAX_LIMIT_USD.toPlainString() + " USD");
        }
        return Money.toPico(usd);
    }

    private static LimitReset limitReset(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return LimitReset.fromSlug(node.isTextual() ? node.asText() : "").orElseThrow(() ->
                GatewayError.badRequest("limit_reset", "limit_reset must be daily, weekly, monthly or null"));
    }

    /** An ISO 8601 date-time (or date, meaning its start in UTC) in the future. */
    private static Long expiresAt(JsonNode node, long nowMillis) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw GatewayError.badRequest("expires_at", "expires_at must be an ISO 8601 date-time string or null");
        }
        long at;
        try {
            String text = node.asText().trim();
            at = text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()
                    : OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw GatewayError.badRequest("expires_at",
                    "expires_at must be an ISO 8601 date-time such as 2027-12-31T23:59:59Z (got \"" + node.asText() + "\")");
        }
        if (at <= nowMillis) {
            throw GatewayError.badRequest("expires_at", "expires_at is in the past (" + Instant.ofEpochMilli(at) + ")");
        }
        return at;
    }

    private record RateLimit(Integer requestsPerMinute, Long tokensPerMinute) {
        static final RateLimit NONE = new RateLimit(null, null);
    }

    private static RateLimit rateLimit(JsonNode node) {
        if (node == null || node.isNull()) {
            return RateLimit.NONE;
        }
        if (!node.isObject()) {
            throw GatewayError.badRequest("rate_limit",
                    "rate_limit must be an object {requests_per_minute, tokens_per_minute} or null");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!RATE_LIMIT_FIELDS.contains(field)) {
                throw GatewayError.badRequest("rate_limit." + field, "unknown field \"rate_limit." + field
                        + "\" (expected requests_per_minute, tokens_per_minute)");
            }
        }
        Long rpm = positiveInteger(node.get("requests_per_minute"), "rate_limit.requests_per_minute", MAX_REQUESTS_PER_MINUTE);
        Long tpm = positiveInteger(node.get("tokens_per_minute"), "rate_limit.tokens_per_minute", MAX_TOKENS_PER_MINUTE);
        return new RateLimit(rpm == null ? null : rpm.intValue(), tpm);
    }

    private static Long positiveInteger(JsonNode node, String param, long max) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() <= 0 || node.longValue() > max) {
            throw GatewayError.badRequest(param, param + " must be a whole number between 1 and " + max + " or null");
        }
        return node.longValue();
    }

    private static Boolean bool(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            throw GatewayError.badRequest(field, field + " must be true or false");
        }
        return node.booleanValue();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
