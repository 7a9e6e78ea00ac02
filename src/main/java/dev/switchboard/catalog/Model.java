package dev.switchboard.catalog;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/** A catalog model: what it is, its list price and limits, and the endpoints that serve it. */
public record Model(ModelId id, String name, List<String> aliases, LocalDate created, String description,
                    long contextLength, Long maxOutputTokens, List<String> inputModalities,
                    List<String> outputModalities, String tokenizer, Pricing pricing,
                    Set<String> supportedParameters, List<Endpoint> endpoints, Set<String> categories) {

    /** OpenRouter's use-case categories (openapi.yaml, {@code GET /models?category=}): what {@code categories} may hold. */
    public static final Set<String> CATEGORIES = Set.of("programming", "roleplay", "marketing", "marketing/seo",
            "technology", "science", "translation", "legal", "finance", "health", "trivia", "academia");

    /** A model in no use-case category. */
    public Model(ModelId id, String name, List<String> aliases, LocalDate created, String description,
                 long contextLength, Long maxOutputTokens, List<String> inputModalities, List<String> outputModalities,
                 String tokenizer, Pricing pricing, Set<String> supportedParameters, List<Endpoint> endpoints) {
        this(id, name, aliases, created, description, contextLength, maxOutputTokens, inputModalities, outputModalities,
                tokenizer, pricing, supportedParameters, endpoints, Set.of());
    }

    public List<Endpoint> enabledEndpoints() {
        return endpoints.stream().filter(Endpoint::enabled).toList();
    }

    /** Listed in {@code /models} only when at least one endpoint can serve it. */
    public boolean listed() {
        return endpoints.stream().anyMatch(Endpoint::enabled);
    }
}
