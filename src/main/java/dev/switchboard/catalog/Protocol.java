package dev.switchboard.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The wire protocol a provider speaks. */
public enum Protocol {
    OPENAI, AZURE, ANTHROPIC, GEMINI, BEDROCK, DEMO;

    public String slug() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Protocol> fromSlug(String slug) {
        return Arrays.stream(values()).filter(p -> p.slug().equalsIgnoreCase(slug)).findFirst();
    }

    public static String slugs() {
        return Arrays.stream(values()).map(Protocol::slug).collect(Collectors.joining(", "));
    }
}
