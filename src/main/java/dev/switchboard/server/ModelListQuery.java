package dev.switchboard.server;

import dev.switchboard.catalog.Model;
import dev.switchboard.catalog.ModelFilter;
import dev.switchboard.gateway.GatewayError;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The query of {@code GET /models}, {@code /models/user} and {@code /models/count}: OpenRouter's filters
 * (openapi.yaml, operation getModels) and its offset / limit page. A value outside the documented ones is a
 * 400 naming the parameter. Documented parameters Switchboard has no data for ({@code sort}, {@code arch},
 * {@code region}, the benchmark indices, ...) are ignored, like unknown ones.
 */
record ModelListQuery(ModelFilter filter, int offset, Integer limit) {
    static final Set<String> INPUT_MODALITIES = Set.of("text", "image", "audio", "file", "video");
    static final Set<String> OUTPUT_MODALITIES = Set.of("text", "image", "audio", "embeddings");
    static final int MAX_LIMIT = 1000;
    private static final int DEFAULT_LIMIT = 500;

    /** Reads the query; {@code param} gives a parameter's value or null. */
    static ModelListQuery parse(Function<String, String> param) {
        ModelFilter filter = new ModelFilter(list(param, "supported_parameters"),
                modalities(param, "input_modalities", INPUT_MODALITIES),
                outputModalities(param), category(param), param.apply("q"), positiveLong(param, "context"),
                price(param, "min_price"), price(param, "max_price"), price(param, "min_output_price"),
                price(param, "max_output_price"), list(param, "model_authors"), list(param, "providers"),
                zeroRetention(param));
        String offset = param.apply("offset");
        String limit = param.apply("limit");
        int from = offset == null ? 0 : (int) whole(offset, "offset", 0, Integer.MAX_VALUE);
        Integer size = limit == null ? (offset == null ? null : DEFAULT_LIMIT)
                : Integer.valueOf((int) whole(limit, "limit", 1, MAX_LIMIT));
        return new ModelListQuery(filter, from, size);
    }

    /** The models that pass the filter, then the page asked for (all of them without offset and limit). */
    List<Model> select(List<Model> models) {
        List<Model> passed = filter.apply(models);
        if (limit == null) {
            return passed;
        }
        return passed.stream().skip(offset).limit(limit).toList();
    }

    private static Set<String> list(Function<String, String> param, String name) {
        String value = param.apply(name);
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        Set<String> values = new LinkedHashSet<>();
        Arrays.stream(value.split(",")).map(String::strip).filter(v -> !v.isEmpty()).forEach(values::add);
        return values;
    }

    private static Set<String> modalities(Function<String, String> param, String name, Set<String> known) {
        Set<String> values = new LinkedHashSet<>();
        for (String v : list(param, name)) {
            String modality = v.toLowerCase(Locale.ROOT);
            if (!known.contains(modality)) {
                throw GatewayError.badRequest(name, name + ": unknown modality \"" + v + "\" (expected a comma-separated list of "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
            values.add(modality);
        }
        return values;
    }

    /** Without the parameter, every model: {@code /v1/models} also serves OpenAI SDKs, which expect embeddings models too. */
    private static Set<String> outputModalities(Function<String, String> param) {
        if ("all".equalsIgnoreCase(String.valueOf(param.apply("output_modalities")).strip())) {
            return Set.of();
        }
        return modalities(param, "output_modalities", OUTPUT_MODALITIES);
    }

    private static String category(Function<String, String> param) {
        String value = param.apply("category");
        if (value == null || value.isBlank()) {
            return null;
        }
        String category = value.strip().toLowerCase(Locale.ROOT);
        if (!Model.CATEGORIES.contains(category)) {
            throw GatewayError.badRequest("category", "category: unknown category \"" + value + "\" (expected one of "
                    + String.join(", ", Model.CATEGORIES.stream().sorted().toList()) + ")");
        }
        return category;
    }

    private static Long positiveLong(Function<String, String> param, String name) {
        String value = param.apply(name);
        return value == null ? null : whole(value, name, 1, Long.MAX_VALUE);
    }

    private static long whole(String value, String name, long min, long max) {
        try {
            long n = Long.parseLong(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw GatewayError.badRequest(name, name + " must be a whole number from " + min
                + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? " up" : " to " + max) + " (got \"" + value + "\")");
    }

    /** USD per million tokens, 0 or more. */
    private static BigDecimal price(Function<String, String> param, String name) {
        String value = param.apply(name);
        if (value == null) {
            return null;
        }
        try {
            BigDecimal price = new BigDecimal(value.strip());
            if (price.signum() >= 0) {
                return price;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw GatewayError.badRequest(name, name + " must be a price of 0 or more in USD per million tokens (got \""
                + value + "\")");
    }

    private static boolean zeroRetention(Function<String, String> param) {
        String value = param.apply("zdr");
        if (value == null) {
            return false;
        }
        if (!value.strip().equalsIgnoreCase("true")) {
            throw GatewayError.badRequest("zdr", "zdr: the only value is \"true\" (got \"" + value + "\")");
        }
        return true;
    }
}
