package dev.switchboard.server.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.Money;
import dev.switchboard.protocol.Json;
import dev.switchboard.store.ActivityRow;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** The activity page: tokens, requests and cost per day, grouped by model, provider or app. */
final class ActivityPage {
    static final List<Integer> DAY_CHOICES = List.of(1, 7, 30, 90);
    /** Series drawn per chart; the rest are summed as "other". */
    static final int MAX_SERIES = 8;

    enum Group {
        MODEL("model", "Model", ActivityRow::model),
        PROVIDER("provider", "Provider", ActivityRow::providerName),
        APP("app", "App", r -> r.app() == null || r.app().isBlank() ? "(no app)" : r.app());

        final String slug;
        final String label;
        final Function<ActivityRow, String> key;

        Group(String slug, String label, Function<ActivityRow, String> key) {
            this.slug = slug;
            this.label = label;
            this.key = key;
        }

        static Group of(String slug) {
            for (Group g : values()) {
                if (g.slug.equals(slug)) {
                    return g;
                }
            }
            return MODEL;
        }
    }

    record Total(String name, String requests, String promptTokens, String completionTokens, String reasoningTokens,
                 String cost) {
    }

    record DayTotal(String day, String requests, String tokens, String cost) {
    }

    record Choice(String value, String label, boolean selected) {
    }

    record View(int days, String group, String groupLabel, String scope, List<Choice> dayChoices,
                List<Choice> groups, List<Choice> keys, String tokensChart, String requestsChart, String costChart, List<Total> totals,
                List<DayTotal> daily, Total overall, boolean empty) {
    }

    private ActivityPage() {
    }

    /** {@code keys}: the admin's key filter (empty for anyone else). */
    static View build(List<ActivityRow> rows, int days, long today, Group group, String scope, List<Choice> keys) {
        long from = today - days + 1;
        List<String> labels = new ArrayList<>();
        for (long d = from; d <= today; d++) {
            labels.add(LocalDate.ofEpochDay(d).toString());
        }
        List<String> series = topSeries(rows, group);
        String tokens = chart(rows, labels, from, group, series, r -> r.promptTokens() + r.completionTokens(), false);
        String requests = chart(rows, labels, from, group, series, ActivityRow::requests, false);
        String cost = chart(rows, labels, from, group, series, ActivityRow::costPico, true);
        List<Total> totals = totals(rows, group);
        List<DayTotal> daily = daily(rows, from, today);
        Total overall = total("All", rows);
        List<Choice> dayChoices = DAY_CHOICES.stream()
                .map(d -> new Choice(Integer.toString(d), d == 1 ? "Today" : "Last " + d + " days", d == days)).toList();
        List<Choice> groups = java.util.Arrays.stream(Group.values())
                .map(g -> new Choice(g.slug, "By " + g.label.toLowerCase(java.util.Locale.ROOT), g == group)).toList();
        return new View(days, group.slug, group.label, scope, dayChoices, groups, keys, tokens, requests, cost, totals,
                daily, overall, rows.isEmpty());
    }

    /** The names with the most tokens, biggest first; charts draw these and lump the rest. */
    private static List<String> topSeries(List<ActivityRow> rows, Group group) {
        Map<String, Long> tokens = new LinkedHashMap<>();
        for (ActivityRow r : rows) {
            tokens.merge(group.key.apply(r), r.promptTokens() + r.completionTokens() + r.requests(), Long::sum);
        }
        return tokens.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(MAX_SERIES).map(Map.Entry::getKey).toList();
    }

    /** Chart.js data: one stacked series per name, one bar per day; money in USD. */
    private static String chart(List<ActivityRow> rows, List<String> labels, long from, Group group, List<String> series,
                                ToLongFunction<ActivityRow> value, boolean money) {
        Map<String, long[]> bySeries = new LinkedHashMap<>();
        series.forEach(s -> bySeries.put(s, new long[labels.size()]));
        for (ActivityRow r : rows) {
            int i = (int) (r.day() - from);
            if (i < 0 || i >= labels.size()) {
                continue;
            }
            String name = group.key.apply(r);
            long[] values = bySeries.computeIfAbsent(series.contains(name) ? name : "other", k -> new long[labels.size()]);
            values[i] += value.applyAsLong(r);
        }
        ObjectNode chart = Json.object();
        ArrayNode labelArray = chart.putArray("labels");
        labels.forEach(labelArray::add);
        ArrayNode datasets = chart.putArray("datasets");
        bySeries.forEach((name, values) -> {
            ArrayNode data = datasets.addObject().put("label", name).putArray("data");
            for (long v : values) {
                if (money) {
                    data.add(Money.toUsd(v).setScale(6, java.math.RoundingMode.HALF_UP));
                } else {
                    data.add(v);
                }
            }
        });
        return chart.toString();
    }

    private static List<Total> totals(List<ActivityRow> rows, Group group) {
        Map<String, List<ActivityRow>> byName = new LinkedHashMap<>();
        for (ActivityRow r : rows) {
            byName.computeIfAbsent(group.key.apply(r), k -> new ArrayList<>()).add(r);
        }
        return byName.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, List<ActivityRow>> e) ->
                        e.getValue().stream().mapToLong(ActivityRow::costPico).sum()).reversed()
                        .thenComparing(Map.Entry::getKey))
                .map(e -> total(e.getKey(), e.getValue())).toList();
    }

    private static Total total(String name, List<ActivityRow> rows) {
        long requests = 0;
        long prompt = 0;
        long completion = 0;
        long reasoning = 0;
        long cost = 0;
        for (ActivityRow r : rows) {
            requests += r.requests();
            prompt += r.promptTokens();
            completion += r.completionTokens();
            reasoning += r.reasoningTokens();
            cost += r.costPico();
        }
        return new Total(name, Formats.count(requests), Formats.count(prompt), Formats.count(completion),
                Formats.count(reasoning), Formats.cost(Money.toUsd(cost)));
    }

    private static List<DayTotal> daily(List<ActivityRow> rows, long from, long today) {
        List<DayTotal> days = new ArrayList<>();
        for (long d = today; d >= from; d--) {
            long day = d;
            List<ActivityRow> ofDay = rows.stream().filter(r -> r.day() == day).toList();
            if (ofDay.isEmpty()) {
                continue;
            }
            long requests = ofDay.stream().mapToLong(ActivityRow::requests).sum();
            long tokens = ofDay.stream().mapToLong(r -> r.promptTokens() + r.completionTokens()).sum();
            BigDecimal cost = Money.toUsd(ofDay.stream().mapToLong(ActivityRow::costPico).sum());
            days.add(new DayTotal(LocalDate.ofEpochDay(day).toString(), Formats.count(requests), Formats.count(tokens),
                    Formats.cost(cost)));
        }
        return days;
    }
}
