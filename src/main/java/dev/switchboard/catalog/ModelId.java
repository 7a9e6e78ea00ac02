package dev.switchboard.catalog;

import java.util.Locale;
import java.util.Objects;

/** A catalog model id, {@code author/slug} (e.g. {@code openai/gpt-4.1}), always lower case. */
public record ModelId(String value) {
    public ModelId {
        Objects.requireNonNull(value, "value");
        value = value.toLowerCase(Locale.ROOT);
    }

    public String author() {
        int slash = value.indexOf('/');
        return slash < 0 ? "" : value.substring(0, slash);
    }

    public String slug() {
        return value.substring(value.indexOf('/') + 1);
    }

    @Override
    public String toString() {
        return value;
    }
}
