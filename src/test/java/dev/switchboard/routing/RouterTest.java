package dev.switchboard.routing;

import dev.switchboard.catalog.Model;
import dev.switchboard.protocol.openai.ProviderPreferences.PercentileCutoffs;
import dev.switchboard.protocol.openai.ProviderPreferences.SortBy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static dev.switchboard.routing.RoutingFixtures.endpoint;
import static dev.switchboard.routing.RoutingFixtures.id;
import static dev.switchboard.routing.RoutingFixtures.ids;
import static dev.switchboard.routing.RoutingFixtures.model;
import static dev.switchboard.routing.RoutingFixtures.prefs;
import static dev.switchboard.routing.RoutingFixtures.providers;
import static dev.switchboard.routing.RoutingFixtures.query;
import static dev.switchboard.routing.RoutingFixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** How the endpoints that fit are ordered: load balancing, {@code order}, {@code sort}, fallbacks and model lists. */
class RouterTest {
    private static final int RUNS = 49_000;

    /** Provider A costs $1, B $2 and C $3 per million tokens (OpenRouter's load balancing example). */
    private static Model abc() {
        return model(endpoint("c").price("2", "1"), endpoint("a").price("0.25", "0.75"), endpoint("b").price("2"));
    }

    private static Map<String, Integer> firstPicks(Model model, RoutingSignals signals, long seed) {
        Router router = new Router(new SplittableRandom(seed));
        RouteQuery query = query(model).build();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < RUNS; i++) {
            counts.merge(providers(router.plan(query, signals)).getFirst(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void picksTheFirstEndpointWithProbabilityInverseToTheSquareOfItsBlendedPrice() {
        Map<String, Integer> counts = firstPicks(abc(), RoutingSignals.NONE, 42);

        // weights 1, 1/4, 1/9 → 36/49, 9/49, 4/49
        assertThat(counts.get("a") / (double) RUNS).isCloseTo(36 / 49.0, within(0.01));
        assertThat(counts.get("b") / (double) RUNS).isCloseTo(9 / 49.0, within(0.01));
        assertThat(counts.get("c") / (double) RUNS).isCloseTo(4 / 49.0, within(0.01));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void keepsTheOtherEndpointsAfterTheRandomPickInPriceOrder(long seed) {
        RoutePlan plan = router(seed).plan(query(abc()).build(), RoutingSignals.NONE);

        List<String> order = providers(plan);
        assertThat(order).hasSize(3).containsExactlyInAnyOrder("a", "b", "c");
        List<String> rest = order.subList(1, 3);
        assertThat(rest).isEqualTo(List.of("a", "b", "c").stream().filter(rest::contains).toList());
    }

    @Test
    void triesEndpointsThatAreCoolingDownLast() {
        // the documented example: B recently saw outages, so A or C first, the other of them next, B last
        var signals = new RoutingFixtures.FakeSignals().markCoolingDown(id("b"));
        Router router = router(3);
        Set<List<String>> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            seen.add(providers(router.plan(query(abc()).build(), signals)));
        }

        assertThat(seen).containsExactlyInAnyOrder(List.of("a", "c", "b"), List.of("c", "a", "b"));
    }

    @Test
    void loadBalancesOnlyAmongHealthyEndpoints() {
        var signals = new RoutingFixtures.FakeSignals().markCoolingDown(id("a"));

        Map<String, Integer> counts = firstPicks(abc(), signals, 9);

        // among B ($2) and C ($3): 1/4 : 1/9 → 9/13, 4/13; A ($1) is cooling down and never first
        assertThat(counts).doesNotContainKey("a");
        assertThat(counts.get("b") / (double) RUNS).isCloseTo(9 / 13.0, within(0.01));
        assertThat(counts.get("c") / (double) RUNS).isCloseTo(4 / 13.0, within(0.01));
    }

    @Test
    void putsFreeEndpointsFirst() {
        var model = model(endpoint("cheap").price("0.01"), endpoint("free").price("0", "0"), endpoint("dear").price("3"));
        Router router = router(11);

        for (int i = 0; i < 1_000; i++) {
            assertThat(providers(router.plan(query(model).build(), RoutingSignals.NONE)))
                    .containsExactly("free", "cheap", "dear");
        }
    }

    @Test
    void spreadsTheFirstPickOverSeveralFreeEndpoints() {
        var model = model(endpoint("paid").price("0.01"), endpoint("free-1").price("0"), endpoint("free-2").price("0"));

        Map<String, Integer> counts = firstPicks(model, RoutingSignals.NONE, 5);

        assertThat(counts).containsOnlyKeys("free-1", "free-2");
        assertThat(counts.get("free-1") / (double) RUNS).isCloseTo(0.5, within(0.02));
    }

    @Test
    void orderPutsTheNamedProvidersFirstInThatOrderThenTheRest() {
        var model = model(endpoint("a").price("1"), endpoint("b").price("2"), endpoint("c").price("3"),
                endpoint("d").price("4"));
        var query = query(model).preferences(prefs().order("c", "missing", "a")).build();

        for (long seed = 0; seed < 50; seed++) {
            List<String> order = providers(router(seed).plan(query, RoutingSignals.NONE));
            assertThat(order.subList(0, 2)).containsExactly("c", "a");
            assertThat(order.subList(2, 4)).containsExactlyInAnyOrder("b", "d");
        }
    }

    @Test
    void orderMatchesProvidersByBaseSlug() {
        var model = model(endpoint("openai").price("1"), endpoint("azure/eu").price("2"), endpoint("azure2").price("3"),
                endpoint("azure").price("4"));

        RoutePlan plan = router(1).plan(query(model).preferences(prefs().order("azure").noFallbacks()).build(),
                RoutingSignals.NONE);

        assertThat(providers(plan)).containsExactlyInAnyOrder("azure/eu", "azure");
        assertThat(plan.rejections()).extracting(Rejection::endpoint).containsExactlyInAnyOrder(id("openai"), id("azure2"));
    }

    @Test
    void withoutFallbacksOnlyTheOrderedProvidersAreKept() {
        var model = model(endpoint("a").price("1"), endpoint("b").price("2"), endpoint("c").price("3"));

        RoutePlan plan = router(1).plan(query(model).preferences(prefs().order("c", "b").noFallbacks()).build(),
                RoutingSignals.NONE);

        assertThat(providers(plan)).containsExactly("c", "b");
        assertThat(plan.rejections()).containsExactly(new Rejection.FallbacksDisabled(id("a")));
        assertThat(plan.rejections().getFirst().reason()).isEqualTo("allow_fallbacks");
    }

    @Test
    void withoutFallbacksNothingIsPlannedWhenNoOrderedProviderServesTheModel() {
        // OpenRouter: order [openai, together] without fallbacks "tries Together, and then fails"; with none of
        // the ordered providers available there is nothing to try, never an unordered provider
        var model = model(endpoint("a").price("1"), endpoint("b").price("2"));

        RoutePlan plan = router(1).plan(query(model).preferences(prefs().order("together").noFallbacks()).build(),
                RoutingSignals.NONE);

        assertThat(providers(plan)).isEmpty();
        assertThat(plan.rejections()).containsExactlyInAnyOrder(new Rejection.FallbacksDisabled(id("a")),
                new Rejection.FallbacksDisabled(id("b")));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void withoutFallbacksAndWithoutOrderOnlyTheFirstEndpointIsKept(long seed) {
        RoutePlan plan = router(seed).plan(query(abc()).preferences(prefs().noFallbacks()).build(), RoutingSignals.NONE);

        assertThat(plan.endpoints()).hasSize(1);
        String chosen = providers(plan).getFirst();
        assertThat(plan.rejections()).hasSize(2).allSatisfy(r -> {
            assertThat(r).isInstanceOf(Rejection.FallbacksDisabled.class);
            assertThat(r.endpoint()).isNotEqualTo(id(chosen));
        });
    }

    @Test
    void sortByPriceIsDeterministicAscendingWithCoolingDownEndpointsLast() {
        var model = model(endpoint("c").price("3"), endpoint("a").price("1"), endpoint("d").price("0.5", "3.5"),
                endpoint("b").price("1", "1"));
        var signals = new RoutingFixtures.FakeSignals().markCoolingDown(id("a"));
        var query = query(model).preferences(prefs().sort(SortBy.PRICE)).build();

        for (long seed = 0; seed < 20; seed++) {
            assertThat(providers(router(seed).plan(query, RoutingSignals.NONE))).containsExactly("a", "b", "c", "d");
            assertThat(providers(router(seed).plan(query, signals))).containsExactly("b", "c", "d", "a");
        }
    }

    @Test
    void sortByLatencyPutsMeasuredEndpointsFirstFastestFirstThenUnmeasuredByPrice() {
        var model = model(endpoint("slow").price("1"), endpoint("fast").price("5"), endpoint("unmeasured-dear").price("4"),
                endpoint("unmeasured-cheap").price("2"), endpoint("medium").price("3"));
        var signals = new RoutingFixtures.FakeSignals().latency(id("slow"), 50, 4.0).latency(id("fast"), 50, 0.3)
                .latency(id("medium"), 50, 1.2);

        RoutePlan plan = router(1).plan(query(model).preferences(prefs().sort(SortBy.LATENCY)).build(), signals);

        assertThat(providers(plan)).containsExactly("fast", "medium", "slow", "unmeasured-cheap", "unmeasured-dear");
    }

    @Test
    void sortByThroughputPutsMeasuredEndpointsFirstHighestFirstThenUnmeasuredByPrice() {
        var model = model(endpoint("slow").price("1"), endpoint("fast").price("5"), endpoint("unmeasured-dear").price("4"),
                endpoint("unmeasured-cheap").price("2"), endpoint("medium").price("3"));
        var signals = new RoutingFixtures.FakeSignals().throughput(id("slow"), 50, 20).throughput(id("fast"), 50, 200)
                .throughput(id("medium"), 50, 80);

        RoutePlan plan = router(1).plan(query(model).preferences(prefs().sort(SortBy.THROUGHPUT)).build(), signals);

        assertThat(providers(plan)).containsExactly("fast", "medium", "slow", "unmeasured-cheap", "unmeasured-dear");
    }

    @Test
    void sortByLatencyStillTriesCoolingDownEndpointsLast() {
        var model = model(endpoint("fast").price("1"), endpoint("slow").price("2"));
        var signals = new RoutingFixtures.FakeSignals().latency(id("fast"), 50, 0.2).latency(id("slow"), 50, 3)
                .markCoolingDown(id("fast"));

        RoutePlan plan = router(1).plan(query(model).preferences(prefs().sort(SortBy.LATENCY)).build(), signals);

        assertThat(providers(plan)).containsExactly("slow", "fast");
    }

    @Test
    void preferredMaxLatencyMovesEndpointsMeasuredAboveItToTheEnd() {
        var model = model(endpoint("cheap-slow").price("1"), endpoint("unmeasured").price("2"),
                endpoint("fast").price("3"), endpoint("dear-slow").price("4"));
        var signals = new RoutingFixtures.FakeSignals().latency(id("cheap-slow"), 50, 5).latency(id("fast"), 50, 0.5)
                .latency(id("dear-slow"), 50, 2.5);
        var prefs = prefs().sort(SortBy.PRICE).preferredMaxLatency(cutoffs(2.0, null, null, null));

        RoutePlan plan = router(1).plan(query(model).preferences(prefs).build(), signals);

        assertThat(providers(plan)).containsExactly("unmeasured", "fast", "cheap-slow", "dear-slow");
        assertThat(plan.rejections()).isEmpty();
    }

    @Test
    void preferredMinThroughputMovesEndpointsMeasuredBelowItToTheEnd() {
        var model = model(endpoint("cheap-slow").price("1"), endpoint("unmeasured").price("2"),
                endpoint("fast").price("3"));
        var signals = new RoutingFixtures.FakeSignals().throughput(id("cheap-slow"), 50, 10)
                .throughput(id("fast"), 50, 120);
        var prefs = prefs().sort(SortBy.PRICE).preferredMinThroughput(cutoffs(50.0, null, null, null));

        RoutePlan plan = router(1).plan(query(model).preferences(prefs).build(), signals);

        assertThat(providers(plan)).containsExactly("unmeasured", "fast", "cheap-slow");
    }

    @Test
    void preferredCutoffsMustAllBeMetAtEachPercentile() {
        // "cheap" is fine at p50 but misses the p90 cutoff
        var model = model(endpoint("cheap").price("1"), endpoint("steady").price("2"));
        var signals = new RoutingFixtures.FakeSignals().latency(id("cheap"), 50, 0.5).latency(id("cheap"), 90, 6)
                .latency(id("steady"), 50, 0.9).latency(id("steady"), 90, 2);
        var prefs = prefs().sort(SortBy.PRICE).preferredMaxLatency(cutoffs(1.0, null, 3.0, null));

        RoutePlan plan = router(1).plan(query(model).preferences(prefs).build(), signals);

        assertThat(providers(plan)).containsExactly("steady", "cheap");
    }

    @Test
    void endpointsOfTheFirstModelComeBeforeThoseOfTheNext() {
        Model primary = model("acme/primary", endpoint("p1").price("5"), endpoint("p2").price("6"));
        Model fallback = model("acme/fallback", endpoint("f1").price("1"), endpoint("f2").price("2"));

        for (long seed = 0; seed < 30; seed++) {
            List<String> order = ids(router(seed).plan(query(primary, fallback).build(), RoutingSignals.NONE));
            assertThat(order.subList(0, 2)).containsExactlyInAnyOrder("acme/primary@p1", "acme/primary@p2");
            assertThat(order.subList(2, 4)).containsExactlyInAnyOrder("acme/fallback@f1", "acme/fallback@f2");
        }
    }

    @Test
    void sortByPriceSortsWithinEachModelByDefault() {
        Model primary = model("acme/primary", endpoint("p2").price("6"), endpoint("p1").price("5"));
        Model fallback = model("acme/fallback", endpoint("f2").price("2"), endpoint("f1").price("1"));

        RoutePlan plan = router(1).plan(query(primary, fallback).preferences(prefs().sort(SortBy.PRICE)).build(),
                RoutingSignals.NONE);

        assertThat(ids(plan)).containsExactly("acme/primary@p1", "acme/primary@p2", "acme/fallback@f1",
                "acme/fallback@f2");
    }

    @Test
    void sortWithoutPartitionSortsEndpointsOfAllModelsTogether() {
        Model primary = model("acme/primary", endpoint("p2").price("6"), endpoint("p1").price("1.5"));
        Model fallback = model("acme/fallback", endpoint("f2").price("2"), endpoint("f1").price("1"));

        RoutePlan plan = router(1).plan(
                query(primary, fallback).preferences(prefs().sortAcrossModels(SortBy.PRICE)).build(), RoutingSignals.NONE);

        assertThat(ids(plan)).containsExactly("acme/fallback@f1", "acme/primary@p1", "acme/fallback@f2",
                "acme/primary@p2");
    }

    @Test
    void rejectionsOfEveryModelAreCollected() {
        Model primary = model("acme/primary", endpoint("p1").disabled("off"));
        Model fallback = model("acme/fallback", endpoint("f1"));

        RoutePlan plan = router(1).plan(query(primary, fallback).build(), RoutingSignals.NONE);

        assertThat(ids(plan)).containsExactly("acme/fallback@f1");
        assertThat(plan.rejections()).extracting(r -> r.endpoint().toString()).containsExactly("acme/primary@p1");
    }

    private static PercentileCutoffs cutoffs(Double p50, Double p75, Double p90, Double p99) {
        return new PercentileCutoffs(p50, p75, p90, p99);
    }
}
