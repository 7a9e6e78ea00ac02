package dev.switchboard.server.ui;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;
import dev.switchboard.catalog.Provider;
import dev.switchboard.stats.EndpointStats;
import dev.switchboard.stats.LiveStats;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/** The catalog page: every listed model, searched, filtered and sorted as the query asks. */
final class CatalogPage {
    /** The filter form's values; empty strings mean "any". */
    record Query(String q, String modality, String context, String maxPrice, String provider, String sort) {
        static Query of(Function<String, String> param) {
            return new Query(value(param, "q"), value(param, "modality"), value(param, "context"),
                    value(param, "max_price"), value(param, "provider"), value(param, "sort"));
        }

        private static String value(Function<String, String> param, String name) {
            String v = param.apply(name);
            return v == null ? "" : v.strip();
        }
    }

    record Row(String id, String name, String href, String context, String inputPrice, String outputPrice,
               String modalities, int providers, String throughput, String latency, String created) {
    }

    record Option(String value, String label, boolean selected) {
    }

    record View(Query query, List<Row> rows, int total, List<Option> modalities, List<Option> contexts,
                List<Option> prices, List<Option> providers, List<Option> sorts) {
    }

    private static final List<String[]> CONTEXTS = List.of(new String[] {"", "Any context"},
            new String[] {"16000", "16K or more"}, new String[] {"64000", "64K or more"},
            new String[] {"128000", "128K or more"}, new String[] {"200000", "200K or more"},
            new String[] {"1000000", "1M or more"});
    private static final List<String[]> PRICES = List.of(new String[] {"", "Any price"},
            new String[] {"0", "Free"}, new String[] {"0.5", "≤ $0.50 / M input"}, new String[] {"1", "≤ $1 / M input"},
            new String[] {"3", "≤ $3 / M input"}, new String[] {"10", "≤ $10 / M input"});
    private static final List<String[]> SORTS = List.of(new String[] {"", "Catalog order"},
            new String[] {"newest", "Newest"}, new String[] {"price", "Price: low to high"},
            new String[] {"context", "Context: high to low"}, new String[] {"throughput", "Throughput: high to low"},
            new String[] {"latency", "Latency: low to high"});

    private CatalogPage() {
    }

    /** A model's live figures: the best median over its endpoints in the last 30 minutes, null without data. */
    private record Live(Long throughput, Long latency) {
    }

    static View build(Catalog catalog, LiveStats stats, Query query) {
        List<Model> listed = catalog.listedModels();
        // once per model and page: sorting must not recompute percentiles at every comparison
        Map<Model, Live> live = new IdentityHashMap<>();
        listed.forEach(m -> live.put(m, live(m, stats)));
        List<Model> shown = new ArrayList<>(listed.stream().filter(matches(query)).toList());
        Comparator<Model> order = order(query.sort(), live);
        if (order != null) {
            shown.sort(order);
        }
        List<Row> rows = shown.stream().map(m -> row(m, live.get(m))).toList();
        TreeSet<String> modalities = new TreeSet<>();
        listed.forEach(m -> modalities.addAll(m.inputModalities()));
        List<Option> modalityOptions = new ArrayList<>();
        modalityOptions.add(new Option("", "Any input", query.modality().isEmpty()));
        modalities.forEach(m -> modalityOptions.add(new Option(m, m, m.equals(query.modality()))));
        List<Option> providerOptions = new ArrayList<>();
        providerOptions.add(new Option("", "Any provider", query.provider().isEmpty()));
        for (Provider p : catalog.providers()) {
            if (p.enabled()) {
                providerOptions.add(new Option(p.id().value(), p.name(), p.id().value().equals(query.provider())));
            }
        }
        return new View(query, rows, listed.size(), modalityOptions, options(CONTEXTS, query.context()),
                options(PRICES, query.maxPrice()), providerOptions, options(SORTS, query.sort()));
    }

    /** The highest median throughput (tokens/s) and lowest median latency (ms) among the model's endpoints. */
    private static Live live(Model m, LiveStats stats) {
        OptionalLong throughput = m.enabledEndpoints().stream().map(e -> stats.throughput30m(e.id()))
                .filter(Objects::nonNull).mapToLong(EndpointStats.Percentiles::p50).max();
        OptionalLong latency = m.enabledEndpoints().stream().map(e -> stats.latency30m(e.id()))
                .filter(Objects::nonNull).mapToLong(EndpointStats.Percentiles::p50).min();
        return new Live(throughput.isPresent() ? throughput.getAsLong() : null,
                latency.isPresent() ? latency.getAsLong() : null);
    }

    private static List<Option> options(List<String[]> choices, String selected) {
        return choices.stream().map(c -> new Option(c[0], c[1], c[0].equals(selected))).toList();
    }

    private static Predicate<Model> matches(Query query) {
        String q = query.q().toLowerCase(Locale.ROOT);
        long minContext = parseLong(query.context());
        BigDecimal maxPrice = parseDecimal(query.maxPrice());
        return m -> (q.isEmpty() || m.id().value().toLowerCase(Locale.ROOT).contains(q)
                        || m.name().toLowerCase(Locale.ROOT).contains(q)
                        || m.description() != null && m.description().toLowerCase(Locale.ROOT).contains(q))
                && (query.modality().isEmpty() || m.inputModalities().contains(query.modality()))
                && m.contextLength() >= minContext
                && (maxPrice == null || m.pricing().prompt().compareTo(maxPrice) <= 0)
                && (query.provider().isEmpty() || m.enabledEndpoints().stream()
                        .anyMatch(e -> e.provider().id().value().equals(query.provider())));
    }

    /** The order the sort asks for; null keeps the catalog's. Models without data for a live sort go last. */
    private static Comparator<Model> order(String sort, Map<Model, Live> live) {
        return switch (sort) {
            case "price" -> Comparator.comparing((Model m) -> m.pricing().prompt())
                    .thenComparing(m -> m.pricing().completion());
            case "context" -> Comparator.comparingLong(Model::contextLength).reversed();
            case "newest" -> Comparator.comparing(Model::created, Comparator.nullsLast(Comparator.<LocalDate>reverseOrder()));
            case "throughput" -> Comparator.comparing((Model m) -> live.get(m).throughput(),
                    Comparator.nullsLast(Comparator.<Long>reverseOrder()));
            case "latency" -> Comparator.comparing((Model m) -> live.get(m).latency(),
                    Comparator.nullsLast(Comparator.<Long>naturalOrder()));
            default -> null;
        };
    }

    private static Row row(Model m, Live live) {
        List<Endpoint> endpoints = m.enabledEndpoints();
        String modalities = String.join(", ", m.inputModalities()) + " → " + String.join(", ", m.outputModalities());
        return new Row(m.id().value(), m.name(), "/models/" + m.id().value(), Formats.tokens(m.contextLength()),
                Formats.usd(m.pricing().prompt()), Formats.usd(m.pricing().completion()), modalities,
                endpoints.size(), Formats.tokensPerSecond(live.throughput()), Formats.seconds(live.latency()),
                Formats.date(m.created()));
    }

    private static long parseLong(String value) {
        try {
            return value.isEmpty() ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static BigDecimal parseDecimal(String value) {
        try {
            return value.isEmpty() ? null : new BigDecimal(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
