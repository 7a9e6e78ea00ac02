package dev.switchboard.catalog;

import java.util.Locale;
import java.util.Objects;

/** A provider slug as used in routing preferences and stats (e.g. {@code openai}, {@code azure}). */
public record ProviderId(String value) {
    public ProviderId {
        Objects.requireNonNull(value, "value");
        value = value.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return value;
    }
}
