package dev.switchboard.catalog;

import dev.switchboard.protocol.openai.ProviderPreferences;

import java.util.List;

/**
 * The quantization levels OpenRouter names for an endpoint's weights (its OpenAPI schema
 * {@code Quantization}). An endpoint that declares none counts as {@code unknown}.
 */
public final class Quantization {
    public static final String UNKNOWN = "unknown";
    public static final List<String> LEVELS = ProviderPreferences.QUANTIZATION_LEVELS;

    private Quantization() {
    }

    public static boolean known(String level) {
        return LEVELS.contains(level);
    }
}
