package dev.switchboard.catalog;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * A catalog model: what it is, its list price and limits, the endpoints that serve it, and the
 * example prompts its page shows. {@code inputModalitiesDeclared} is false when the configuration
 * named none ({@code inputModalities} is then just {@code text} for display, and routing does not
 * filter by it); {@code variant} is {@link ModelVariant#BASE} except for a model derived for a
 * {@code :suffix} request.
 */
public record Model(ModelId id, String name, List<String> aliases, LocalDate created, String description,
                    long contextLength, Long maxOutputTokens, List<String> inputModalities,
                    List<String> outputModalities, String tokenizer, Pricing pricing,
                    Set<String> supportedParameters, List<Endpoint> endpoints, Set<String> categories,
                    boolean inputModalitiesDeclared, ModelVariant variant, List<ModelExample> examples) {

    /** OpenRouter's use-case categories (openapi.yaml, {@code GET /models?category=}): what {@code categories} may hold. */
    public static final Set<String> CATEGORIES = Set.of("programming", "roleplay", "marketing", "marketing/seo",
            "technology", "science", "translation", "legal", "finance", "health", "trivia", "academia");

    public Model {
        examples = examples == null ? List.of() : List.copyOf(examples);
    }

    /** A model in no use-case category, without example prompts of its own. */
    public Model(ModelId id, String name, List<String> aliases, LocalDate created, String description,
                 long contextLength, Long maxOutputTokens, List<String> inputModalities, List<String> outputModalities,
                 String tokenizer, Pricing pricing, Set<String> supportedParameters, List<Endpoint> endpoints) {
        this(id, name, aliases, created, description, contextLength, maxOutputTokens, inputModalities, outputModalities,
                tokenizer, pricing, supportedParameters, endpoints, Set.of(), true, ModelVariant.BASE, List.of());
    }

    /** This model under another id with other endpoints: a variant or a dated snapshot of it. */
    public Model derived(ModelId derivedId, String derivedName, long derivedContext, Pricing derivedPricing,
                         List<Endpoint> derivedEndpoints, ModelVariant derivedVariant) {
        return new Model(derivedId, derivedName, List.of(), created, description, derivedContext, maxOutputTokens,
                inputModalities, outputModalities, tokenizer, derivedPricing, supportedParameters,
                List.copyOf(derivedEndpoints), categories, inputModalitiesDeclared, derivedVariant, examples);
    }

    /** Whether routing may send a request with input of this kind ({@code image}, {@code file}, {@code audio}). */
    public boolean accepts(String inputModality) {
        return !inputModalitiesDeclared || inputModalities.contains(inputModality);
    }

    public List<Endpoint> enabledEndpoints() {
        return endpoints.stream().filter(Endpoint::enabled).toList();
    }

    /** Listed in {@code /models} only when at least one endpoint can serve it. */
    public boolean listed() {
        return endpoints.stream().anyMatch(Endpoint::enabled);
    }
}
