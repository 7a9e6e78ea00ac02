package dev.switchboard.providers.http;

import io.vertx.core.MultiMap;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads how long a provider asked us to wait: {@code retry-after-ms}, or {@code retry-after} in seconds or as an HTTP date. */
public final class RetryAfter {
    private static final Duration MAX = Duration.ofHours(1);

    private RetryAfter() {
    }

    /** The requested wait, capped at an hour, or null when the provider gave none. */
    public static Duration from(MultiMap headers, Clock clock) {
        String ms = headers.get("retry-after-ms");
        if (ms != null) {
            try {
                return cap(Duration.ofMillis((long) Double.parseDouble(ms.trim())));
            } catch (NumberFormatException ignored) {
                // fall through to retry-after
            }
        }
        String value = headers.get("retry-after");
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return cap(Duration.ofMillis((long) (Double.parseDouble(value.trim()) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return cap(Duration.between(clock.instant(), at.toInstant()));
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static Duration cap(Duration d) {
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
