package dev.switchboard.catalog;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * A catalog model: what it is, its list price and limits, the endpoints that serve it, and the
 * example prompts its page shows.
 */
public record Model(ModelId id, String name, List<String> aliases, LocalDate created, String description,
                    long contextLength, Long maxOutputTokens, List<String> inputModalities,
                    List<String> outputModalities, String tokenizer, Pricing pricing,
                    Set<String> supportedParameters, List<Endpoint> endpoints, List<ModelExample> examples) {

    public Model {
        examples = examples == null ? List.of() : List.copyOf(examples);
    }

    /** A model without example prompts of its own. */
    public Model(ModelId id, String name, List<String> aliases, LocalDate created, String description,
                 long contextLength, Long maxOutputTokens, List<String> inputModalities,
                 List<String> outputModalities, String tokenizer, Pricing pricing,
                 Set<String> supportedParameters, List<Endpoint> endpoints) {
        this(id, name, aliases, created, description, contextLength, maxOutputTokens, inputModalities,
                outputModalities, tokenizer, pricing, supportedParameters, endpoints, List.of());
    }

    public List<Endpoint> enabledEndpoints() {
        return endpoints.stream().filter(Endpoint::enabled).toList();
    }

    /** Listed in {@code /models} only when at least one endpoint can serve it. */
    public boolean listed() {
        return endpoints.stream().anyMatch(Endpoint::enabled);
    }
}
