package dev.switchboard.catalog;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which listed models a catalog listing shows: OpenRouter's {@code GET /models} filters. Empty sets and
 * null bounds filter nothing. Prices are USD per million tokens of the model's list price.
 *
 * @param supportedParameters the model supports every one of them
 * @param inputModalities     the model accepts every one of them
 * @param outputModalities    the model produces at least one of them (empty: any output, OpenRouter's "all")
 * @param category            a use-case category the model is tagged with ({@code categories} in the configuration)
 * @param text                part of the id or the name, any case
 * @param authors             author slugs (the part of the id before the slash)
 * @param providers           provider slugs or names: the model has an enabled endpoint on one of them
 * @param zeroRetention       only models with an enabled endpoint on a provider known to keep nothing
 */
public record ModelFilter(Set<String> supportedParameters, Set<String> inputModalities, Set<String> outputModalities,
                          String category, String text, Long minContext, BigDecimal minPrompt, BigDecimal maxPrompt,
                          BigDecimal minCompletion, BigDecimal maxCompletion, Set<String> authors,
                          Set<String> providers, boolean zeroRetention) {

    public static final ModelFilter NONE = new ModelFilter(Set.of(), Set.of(), Set.of(), null, null, null, null, null,
            null, null, Set.of(), Set.of(), false);

    public ModelFilter {
        supportedParameters = Set.copyOf(supportedParameters);
        inputModalities = Set.copyOf(inputModalities);
        outputModalities = Set.copyOf(outputModalities);
        authors = lowerCase(authors);
        providers = lowerCase(providers);
        text = text == null || text.isBlank() ? null : text.strip().toLowerCase(Locale.ROOT);
    }

    public List<Model> apply(List<Model> models) {
        return models.stream().filter(this::matches).toList();
    }

    public boolean matches(Model m) {
        return (category == null || m.categories().contains(category))
                && m.supportedParameters().containsAll(supportedParameters)
                && m.inputModalities().containsAll(inputModalities)
                && (outputModalities.isEmpty() || m.outputModalities().stream().anyMatch(outputModalities::contains))
                && (text == null || m.id().value().contains(text) || m.name().toLowerCase(Locale.ROOT).contains(text))
                && (minContext == null || m.contextLength() >= minContext)
                && within(m.pricing().prompt(), minPrompt, maxPrompt)
                && within(m.pricing().completion(), minCompletion, maxCompletion)
                && (authors.isEmpty() || authors.contains(m.id().author().toLowerCase(Locale.ROOT)))
                && (providers.isEmpty() || m.enabledEndpoints().stream().anyMatch(this::onChosenProvider))
                && (!zeroRetention || m.enabledEndpoints().stream().anyMatch(e -> e.provider().dataPolicy().zeroRetention()));
    }

    private boolean onChosenProvider(Endpoint e) {
        return providers.contains(e.provider().id().value().toLowerCase(Locale.ROOT))
                || providers.contains(e.provider().name().toLowerCase(Locale.ROOT));
    }

    private static boolean within(BigDecimal price, BigDecimal min, BigDecimal max) {
        return (min == null || price.compareTo(min) >= 0) && (max == null || price.compareTo(max) <= 0);
    }

    private static Set<String> lowerCase(Set<String> values) {
        return Set.copyOf(values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList());
    }
}
