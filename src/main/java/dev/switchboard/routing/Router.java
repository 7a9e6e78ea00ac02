package dev.switchboard.routing;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;
import dev.switchboard.protocol.openai.ProviderPreferences;
import dev.switchboard.protocol.openai.ProviderPreferences.PercentileCutoffs;
import dev.switchboard.protocol.openai.ProviderPreferences.Sort;
import dev.switchboard.protocol.openai.ProviderPreferences.SortBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.random.RandomGenerator;

/**
 * Chooses, for one request, the endpoints to try and their order (OpenRouter's provider
 * routing): filter out endpoints that cannot serve the request, then order the rest by the
 * client's {@code order} and {@code sort}, or by default pick the first healthy endpoint at
 * random weighted by the inverse square of its price and keep the others as fallbacks.
 * Pure: the only inputs are the query, the signals and the random source.
 */
public final class Router {
    private static final Comparator<Endpoint> BY_PRICE = Comparator.comparing(e -> e.pricing().blended());

    private final RandomGenerator random;

    public Router(RandomGenerator random) {
        this.random = random;
    }

    public RoutePlan plan(RouteQuery query, RoutingSignals signals) {
        List<Rejection> rejections = new ArrayList<>();
        List<List<Endpoint>> perModel = new ArrayList<>();
        for (Model model : query.models()) {
            perModel.add(EndpointFilter.endpointsThatFit(model, query, rejections));
        }
        ProviderPreferences prefs = query.preferences();
        Sort sort = prefs.sort();
        List<Endpoint> ordered = new ArrayList<>();
        if (sort != null && !sort.partitionByModel()) {
            List<Endpoint> all = perModel.stream().flatMap(List::stream).toList();
            ordered.addAll(order(all, prefs, signals, rejections));
        } else {
            for (int i = 0; i < perModel.size(); i++) {
                ProviderPreferences modelPrefs = VariantSort.preferences(query.models().get(i), prefs);
                ordered.addAll(order(perModel.get(i), modelPrefs, signals, rejections));
            }
        }
        return new RoutePlan(List.copyOf(ordered), List.copyOf(rejections));
    }

    private List<Endpoint> order(List<Endpoint> candidates, ProviderPreferences prefs, RoutingSignals signals,
                                 List<Rejection> rejections) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        List<Endpoint> named = new ArrayList<>();
        for (String slug : prefs.order()) {
            for (Endpoint e : candidates) {
                if (EndpointFilter.slugMatches(slug, e) && !named.contains(e)) {
                    named.add(e);
                }
            }
        }
        List<Endpoint> rest = new ArrayList<>(candidates);
        rest.removeAll(named);
        List<Endpoint> result = new ArrayList<>(named);
        // as OpenRouter: an explicit order or sort turns load balancing off; the rest then go by price
        SortBy by = prefs.sort() != null ? prefs.sort().by() : prefs.order().isEmpty() ? null : SortBy.PRICE;
        result.addAll(by != null ? sorted(rest, by, signals) : loadBalanced(rest, signals));
        result = preferPerformance(result, prefs, signals, named.size());
        if (!prefs.allowFallbacks()) {
            // without fallbacks only the ordered providers may serve; with no order, only the first choice
            int keep = prefs.order().isEmpty() ? 1 : named.size();
            for (Endpoint dropped : result.subList(Math.min(keep, result.size()), result.size())) {
                rejections.add(new Rejection.FallbacksDisabled(dropped.id()));
            }
            result = result.subList(0, Math.min(keep, result.size()));
        }
        return result;
    }

    /** Explicit sort: healthy endpoints by the attribute, measured ones before unmeasured, cooling-down ones last. */
    private static List<Endpoint> sorted(List<Endpoint> endpoints, SortBy by, RoutingSignals signals) {
        Comparator<Endpoint> comparator = switch (by) {
            case PRICE -> BY_PRICE;
            case LATENCY -> measuredFirst(e -> signals.latencySeconds(e.id(), 50), false);
            case THROUGHPUT -> measuredFirst(e -> signals.throughput(e.id(), 50), true);
        };
        Comparator<Endpoint> healthyFirst = Comparator.comparing(e -> signals.coolingDown(e.id()));
        return endpoints.stream().sorted(healthyFirst.thenComparing(comparator)).toList();
    }

    private static Comparator<Endpoint> measuredFirst(java.util.function.Function<Endpoint, OptionalDouble> metric,
                                                      boolean higherIsBetter) {
        return (a, b) -> {
            OptionalDouble x = metric.apply(a);
            OptionalDouble y = metric.apply(b);
            if (x.isPresent() && y.isPresent()) {
                int c = Double.compare(x.getAsDouble(), y.getAsDouble());
                return higherIsBetter ? -c : c;
            }
            if (x.isPresent() != y.isPresent()) {
                return x.isPresent() ? -1 : 1;
            }
            return BY_PRICE.compare(a, b);
        };
    }

    /**
     * The default: one healthy endpoint chosen with probability proportional to 1/price², then the
     * other healthy ones by price, then those cooling down. Free endpoints win over paid ones.
     */
    private List<Endpoint> loadBalanced(List<Endpoint> endpoints, RoutingSignals signals) {
        List<Endpoint> healthy = new ArrayList<>();
        List<Endpoint> coolingDown = new ArrayList<>();
        for (Endpoint e : endpoints) {
            (signals.coolingDown(e.id()) ? coolingDown : healthy).add(e);
        }
        healthy.sort(BY_PRICE);
        coolingDown.sort(BY_PRICE);
        if (healthy.size() > 1) {
            Endpoint first = pickByInverseSquarePrice(healthy);
            healthy.remove(first);
            healthy.addFirst(first);
        }
        healthy.addAll(coolingDown);
        return healthy;
    }

    private Endpoint pickByInverseSquarePrice(List<Endpoint> byPrice) {
        List<Endpoint> free = byPrice.stream().filter(e -> e.pricing().blended().signum() == 0).toList();
        if (!free.isEmpty()) {
            return free.get(random.nextInt(free.size()));
        }
        double[] weights = new double[byPrice.size()];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            double price = byPrice.get(i).pricing().blended().doubleValue();
            weights[i] = 1.0 / (price * price);
            total += weights[i];
        }
        double point = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            point -= weights[i];
            if (point < 0) {
                return byPrice.get(i);
            }
        }
        return byPrice.getLast();
    }

    /**
     * {@code preferred_max_latency} / {@code preferred_min_throughput}: endpoints measured to miss a
     * cutoff move to the end, keeping their relative order; an explicitly ordered prefix stays put.
     */
    private static List<Endpoint> preferPerformance(List<Endpoint> endpoints, ProviderPreferences prefs,
                                                    RoutingSignals signals, int fixedPrefix) {
        if (prefs.preferredMaxLatency() == null && prefs.preferredMinThroughput() == null) {
            return endpoints;
        }
        List<Endpoint> meets = new ArrayList<>(endpoints.subList(0, fixedPrefix));
        List<Endpoint> misses = new ArrayList<>();
        for (Endpoint e : endpoints.subList(fixedPrefix, endpoints.size())) {
            boolean slow = misses(prefs.preferredMaxLatency(), p -> signals.latencySeconds(e.id(), p), false)
                    || misses(prefs.preferredMinThroughput(), p -> signals.throughput(e.id(), p), true);
            (slow ? misses : meets).add(e);
        }
        meets.addAll(misses);
        return meets;
    }

    private static boolean misses(PercentileCutoffs cutoffs, java.util.function.IntFunction<OptionalDouble> measured,
                                  boolean isMinimum) {
        if (cutoffs == null) {
            return false;
        }
        return misses(cutoffs.p50(), measured.apply(50), isMinimum) || misses(cutoffs.p75(), measured.apply(75), isMinimum)
                || misses(cutoffs.p90(), measured.apply(90), isMinimum) || misses(cutoffs.p99(), measured.apply(99), isMinimum);
    }

    private static boolean misses(Double cutoff, OptionalDouble value, boolean isMinimum) {
        if (cutoff == null || value.isEmpty()) {
            return false;
        }
        return isMinimum ? value.getAsDouble() < cutoff : value.getAsDouble() > cutoff;
    }
}
