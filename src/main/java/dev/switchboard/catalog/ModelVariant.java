package dev.switchboard.catalog;

import java.util.Arrays;
import java.util.Optional;

/**
 * OpenRouter's model variants: a {@code :suffix} on a model id that changes how it is routed
 * (routing/model-variants/*.mdx). {@link #BASE} is the model as declared, without a suffix.
 */
public enum ModelVariant {
    BASE(""),
    /** Only the endpoints that cost nothing. */
    FREE("free"),
    /** Endpoints sorted by throughput, as {@code provider.sort: "throughput"}. */
    NITRO("nitro"),
    /** Endpoints sorted by price, as {@code provider.sort: "price"}. */
    FLOOR("floor"),
    /** Only the endpoints that accept reasoning parameters. */
    THINKING("thinking"),
    /** The web search plugin; served only where that plugin exists. */
    ONLINE("online"),
    /** Quality-first sorting by tool-calling signals. */
    EXACTO("exacto"),
    /** Only the endpoints with a longer context than the model's standard one. */
    EXTENDED("extended");

    private final String suffix;

    ModelVariant(String suffix) {
        this.suffix = suffix;
    }

    /** The suffix without its colon ({@code free}); empty for {@link #BASE}. */
    public String suffix() {
        return suffix;
    }

    /** The variant a requested id ends with ({@code openai/gpt-4.1:nitro}), if any. */
    public static Optional<ModelVariant> of(String requested) {
        int colon = requested.lastIndexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String suffix = requested.substring(colon + 1);
        return Arrays.stream(values()).filter(v -> v != BASE && v.suffix.equals(suffix)).findFirst();
    }

    /** {@code model} with this variant's suffix. */
    public String apply(String model) {
        return this == BASE ? model : model + ":" + suffix;
    }
}
