package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.JsonMembers.InvalidMember;
import dev.switchboard.protocol.openai.ProviderPreferences.DataCollection;
import dev.switchboard.protocol.openai.ProviderPreferences.MaxPrice;
import dev.switchboard.protocol.openai.ProviderPreferences.PercentileCutoffs;
import dev.switchboard.protocol.openai.ProviderPreferences.Sort;
import dev.switchboard.protocol.openai.ProviderPreferences.SortBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Type-checks the {@code provider} object; fields Switchboard does not use yet are ignored, as OpenRouter adds new ones. */
final class ProviderPreferencesDecoder {

    private ProviderPreferencesDecoder() {
    }

    static ProviderPreferences decode(ObjectNode node) {
        return new ProviderPreferences(
                slugs(node, "order"),
                slugs(node, "only"),
                slugs(node, "ignore"),
                bool(node, "allow_fallbacks", true),
                bool(node, "require_parameters", false),
                dataCollection(node),
                bool(node, "zdr", false),
                sort(node),
                maxPrice(node),
                cutoffs(node, "preferred_min_throughput"),
                cutoffs(node, "preferred_max_latency"),
                quantizations(node));
    }

    /** OpenRouter's {@code Quantization} values; anything else is a typo that would silently filter everything out. */
    private static List<String> quantizations(ObjectNode node) {
        JsonNode value = node.get("quantizations");
        if (value == null || value.isNull()) {
            return List.of();
        }
        String expected = "expected an array of quantization levels (" + String.join(", ", ProviderPreferences.QUANTIZATION_LEVELS) + ")";
        if (!value.isArray()) {
            throw invalid("quantizations", expected);
        }
        List<String> levels = new ArrayList<>(value.size());
        for (JsonNode level : value) {
            if (!level.isTextual() || !ProviderPreferences.QUANTIZATION_LEVELS.contains(level.asText())) {
                throw invalid("quantizations", expected + "; got " + level);
            }
            levels.add(level.asText());
        }
        return List.copyOf(levels);
    }

    private static List<String> slugs(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw invalid(field, "expected an array of provider slugs");
        }
        List<String> slugs = new ArrayList<>(value.size());
        for (JsonNode slug : value) {
            if (!slug.isTextual() || slug.asText().isBlank()) {
                throw invalid(field, "expected an array of provider slugs");
            }
            slugs.add(slug.asText().toLowerCase(Locale.ROOT));
        }
        return List.copyOf(slugs);
    }

    private static boolean bool(ObjectNode node, String field, boolean absent) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw invalid(field, "expected true or false");
        }
        return value.booleanValue();
    }

    private static DataCollection dataCollection(ObjectNode node) {
        String value = oneOf(node, "data_collection", "allow", "deny");
        return value == null || value.equals("allow") ? DataCollection.ALLOW : DataCollection.DENY;
    }

    private static Sort sort(ObjectNode node) {
        JsonNode value = node.get("sort");
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return new Sort(sortBy("sort", value.asText()), true);
        }
        if (!value.isObject()) {
            throw invalid("sort", "expected \"price\", \"throughput\", \"latency\" or {by, partition}");
        }
        JsonNode by = value.get("by");
        if (by == null || !by.isTextual()) {
            throw invalid("sort.by", "expected one of price, throughput, latency");
        }
        String partition = oneOf((ObjectNode) value, "sort.partition", "model", "none");
        return new Sort(sortBy("sort.by", by.asText()), partition == null || partition.equals("model"));
    }

    private static SortBy sortBy(String field, String value) {
        return switch (value) {
            case "price" -> SortBy.PRICE;
            case "throughput" -> SortBy.THROUGHPUT;
            case "latency" -> SortBy.LATENCY;
            default -> throw invalid(field, "expected one of price, throughput, latency (got \"" + value + "\")");
        };
    }

    private static MaxPrice maxPrice(ObjectNode node) {
        JsonNode value = node.get("max_price");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw invalid("max_price", "expected an object {prompt, completion, request, image}");
        }
        return new MaxPrice(price(value, "prompt"), price(value, "completion"), price(value, "request"),
                price(value, "image"));
    }

    private static BigDecimal price(JsonNode maxPrice, String field) {
        JsonNode value = maxPrice.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.decimalValue().signum() < 0) {
            throw invalid("max_price." + field, "expected a non-negative number (USD)");
        }
        return value.decimalValue();
    }

    private static PercentileCutoffs cutoffs(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isNumber()) {
            return new PercentileCutoffs(value.doubleValue(), null, null, null);
        }
        if (!value.isObject()) {
            throw invalid(field, "expected a number or an object {p50, p75, p90, p99}");
        }
        return new PercentileCutoffs(percentile(value, field, "p50"), percentile(value, field, "p75"),
                percentile(value, field, "p90"), percentile(value, field, "p99"));
    }

    private static Double percentile(JsonNode cutoffs, String field, String percentile) {
        JsonNode value = cutoffs.get(percentile);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw invalid(field + "." + percentile, "expected a number");
        }
        return value.doubleValue();
    }

    /** {@code path} may be dotted ({@code sort.partition}); its last part is the field read from {@code node}. */
    private static String oneOf(ObjectNode node, String path, String... allowed) {
        String field = path.substring(path.lastIndexOf('.') + 1);
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        for (String candidate : allowed) {
            if (candidate.equals(value.asText()) && value.isTextual()) {
                return candidate;
            }
        }
        throw invalid(path, "expected one of " + String.join(", ", allowed) + " (got " + value + ")");
    }

    private static InvalidMember invalid(String field, String message) {
        return new InvalidMember("provider." + field, "provider." + field + ": " + message);
    }
}
