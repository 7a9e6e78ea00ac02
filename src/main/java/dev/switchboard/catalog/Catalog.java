package dev.switchboard.catalog;

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
 * slug when it names exactly one model, all case-insensitively.
 */
public final class Catalog {
    private final List<Model> models;
    private final List<Provider> providers;
    private final Map<String, Model> byName;

    public Catalog(List<Model> models, List<Provider> providers) {
        this.models = List.copyOf(models);
        this.providers = List.copyOf(providers);
        this.byName = index(this.models);
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
        return Map.copyOf(index);
    }

    /** The model a client's id names, listed or not. */
    public Optional<Model> find(String requested) {
        if (requested == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(byName.get(requested.trim().toLowerCase(Locale.ROOT)));
    }

    public List<Model> models() {
        return models;
    }

    /** Models with at least one enabled endpoint, in catalog order. */
    public List<Model> listedModels() {
        return models.stream().filter(Model::listed).toList();
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
