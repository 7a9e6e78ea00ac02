package dev.switchboard.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The immutable set of models and providers. Lookups accept the id, any alias, and the bare
 * slug when it names exactly one model, all case-insensitively; a dated alias names a pinned
 * snapshot ({@link Snapshots}) and a {@code :variant} suffix a derived model ({@link ModelVariants}).
 */
public final class Catalog {
    private final List<Model> models;
    private final List<Provider> providers;
    private final Map<String, Model> byName;
    /** Listed models, each followed by its {@code :free} variant where it has free and paid endpoints. */
    private final List<Model> listedWithVariants;

    public Catalog(List<Model> models, List<Provider> providers) {
        this.models = List.copyOf(models);
        this.providers = List.copyOf(providers);
        this.byName = index(this.models);
        this.listedWithVariants = listedWithVariants(this.models);
    }

    /** A model whose every endpoint is free gains nothing from a {@code :free} entry, so it gets none. */
    private static List<Model> listedWithVariants(List<Model> models) {
        List<Model> listed = new ArrayList<>();
        for (Model m : models.stream().filter(Model::listed).toList()) {
            listed.add(m);
            if (!m.endpoints().stream().allMatch(Endpoint::free)) {
                ModelVariants.derive(m, ModelVariant.FREE).found().filter(Model::listed).ifPresent(listed::add);
            }
        }
        return List.copyOf(listed);
    }

    private static Map<String, Model> index(List<Model> models) {
        Map<String, Model> index = new HashMap<>();
        for (Model m : models) {
            index.put(m.id().value(), m);
            for (String alias : m.aliases()) {
                index.putIfAbsent(alias.toLowerCase(Locale.ROOT), m);
            }
        }
        Map<String, Model> bySlug = new HashMap<>();
        Set<String> ambiguous = new HashSet<>();
        for (Model m : models) {
            if (bySlug.putIfAbsent(m.id().slug(), m) != null) {
                ambiguous.add(m.id().slug());
            }
        }
        bySlug.forEach((slug, m) -> {
            if (!ambiguous.contains(slug)) {
                index.putIfAbsent(slug, m);
            }
        });
        for (Model m : models) {
            Snapshots.of(m).forEach((alias, snapshot) -> index.replace(alias, m, snapshot));
        }
        return Map.copyOf(index);
    }

    /** The model a client's id names, listed or not. */
    public Optional<Model> find(String requested) {
        return lookup(requested).found();
    }

    /** The model a client's id names, or why there is none: unknown, or a variant this catalog cannot serve. */
    public ModelLookup lookup(String requested) {
        if (requested == null) {
            return new ModelLookup.Unknown("");
        }
        String name = requested.trim().toLowerCase(Locale.ROOT);
        Model exact = byName.get(name);
        if (exact != null) {
            return new ModelLookup.Found(exact);
        }
        Optional<ModelVariant> variant = ModelVariant.of(name);
        Model base = variant.map(v -> byName.get(name.substring(0, name.lastIndexOf(':')))).orElse(null);
        return base == null ? new ModelLookup.Unknown(requested) : ModelVariants.derive(base, variant.get());
    }

    public List<Model> models() {
        return models;
    }

    /** Models with at least one enabled endpoint, in catalog order. */
    public List<Model> listedModels() {
        return models.stream().filter(Model::listed).toList();
    }

    /** {@link #listedModels()}, each followed by its {@code :free} variant where it has free and paid endpoints. */
    public List<Model> listedWithVariants() {
        return listedWithVariants;
    }

    public List<Provider> providers() {
        return providers;
    }

    public Optional<Provider> provider(ProviderId id) {
        return providers.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    public Collection<Endpoint> endpoints() {
        return models.stream().flatMap(m -> m.endpoints().stream()).toList();
    }
}
