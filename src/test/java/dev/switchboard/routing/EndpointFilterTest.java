package dev.switchboard.routing;

import dev.switchboard.catalog.Model;
import dev.switchboard.protocol.openai.ProviderPreferences.MaxPrice;
import dev.switchboard.protocol.openai.ProviderPreferences.SortBy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static dev.switchboard.routing.RoutingFixtures.endpoint;
import static dev.switchboard.routing.RoutingFixtures.id;
import static dev.switchboard.routing.RoutingFixtures.model;
import static dev.switchboard.routing.RoutingFixtures.prefs;
import static dev.switchboard.routing.RoutingFixtures.providers;
import static dev.switchboard.routing.RoutingFixtures.query;
import static dev.switchboard.routing.RoutingFixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The hard filters and the soft parameter preference, seen through {@link Router#plan}. */
class EndpointFilterTest {

    private static RoutePlan plan(RoutingFixtures.QuerySpec query) {
        return router(7).plan(query.build(), RoutingSignals.NONE);
    }

    private static RoutingFixtures.Prefs byPrice() {
        return prefs().sort(SortBy.PRICE);
    }

    @Test
    void dropsDisabledEndpointsWithTheirReason() {
        var model = model(endpoint("openai").disabled("openai: api_key is empty (set OPENAI_API_KEY)"),
                endpoint("azure"));

        RoutePlan plan = plan(query(model));

        assertThat(providers(plan)).containsExactly("azure");
        assertThat(plan.rejections()).singleElement().satisfies(r -> {
            assertThat(r).isInstanceOf(Rejection.ProviderDisabled.class);
            assertThat(r.endpoint()).isEqualTo(id("openai"));
            assertThat(r.reason()).isEqualTo("provider_disabled");
            assertThat(r.detail()).isEqualTo("openai: api_key is empty (set OPENAI_API_KEY)");
        });
    }

    @ParameterizedTest(name = "prompt {0} + max_tokens {1} in context {2}: fits={3}")
    @CsvSource({
            "100, 28, 128, true",
            "100, 29, 128, false",
            "128000, 1000, 128000, false",
            "127000, 1000, 128000, true",
    })
    void keepsOnlyEndpointsWhoseContextHoldsPromptPlusMaxTokens(long prompt, long maxTokens, long context, boolean fits) {
        var model = model(endpoint("small").context(context), endpoint("huge").context(10_000_000));

        RoutePlan plan = plan(query(model).promptTokens(prompt).maxTokens(maxTokens));

        if (fits) {
            assertThat(providers(plan)).containsExactlyInAnyOrder("small", "huge");
            assertThat(plan.rejections()).isEmpty();
        } else {
            assertThat(providers(plan)).containsExactly("huge");
            assertThat(plan.rejections()).singleElement().isEqualTo(
                    new Rejection.ContextExceeded(id("small"), prompt + maxTokens, context));
            assertThat(plan.rejections().getFirst().reason()).isEqualTo("context_length");
        }
    }

    @Test
    void doesNotCountThePromptExactlyWhenTheUpperBoundFitsEveryContext() {
        var prompt = new CountingPromptSize(1_000, 500);
        var model = model(endpoint("a").context(2_000), endpoint("b").context(4_000));

        RoutePlan plan = plan(query(model).prompt(prompt).maxTokens(1_000));

        assertThat(providers(plan)).containsExactlyInAnyOrder("a", "b");
        assertThat(prompt.exactCounts).isEmpty();
    }

    @Test
    void countsThePromptExactlyWhenTheUpperBoundDoesNotFitAndKeepsTheEndpointIfTheExactCountDoes() {
        var prompt = new CountingPromptSize(1_000, 500);
        var model = model(endpoint("tight").context(700), endpoint("roomy").context(5_000));

        RoutePlan plan = plan(query(model).prompt(prompt).maxTokens(100));

        assertThat(providers(plan)).containsExactlyInAnyOrder("tight", "roomy");
        assertThat(prompt.exactCounts).containsExactly("o200k_base");
    }

    @Test
    void rejectsOnTheExactCountWhenEvenThatDoesNotFit() {
        var prompt = new CountingPromptSize(1_000, 650);

        RoutePlan plan = plan(query(model(endpoint("tight").context(700))).prompt(prompt).maxTokens(100));

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.rejections()).containsExactly(new Rejection.ContextExceeded(id("tight"), 750, 700));
        assertThat(prompt.exactCounts).hasSize(1);
    }

    @Test
    void keepsEndpointsWhoseMaxOutputIsBelowTheRequestedMaxTokensTheyAreAskedForLess() {
        var model = model(endpoint("short").maxOutput(4_096), endpoint("exact").maxOutput(8_000),
                endpoint("long").maxOutput(16_384), endpoint("unlimited"));

        RoutePlan plan = plan(query(model).maxTokens(8_000));

        assertThat(providers(plan)).containsExactlyInAnyOrder("short", "exact", "long", "unlimited");
        assertThat(plan.rejections()).isEmpty();
    }

    @Test
    void theContextCheckCountsTheOutputTheEndpointWillBeAskedFor() {
        // 600 prompt tokens + 128000 requested would not fit 100000; + the 4096 it is cut to does
        var model = model(endpoint("clamped").context(100_000).maxOutput(4_096), endpoint("open").context(100_000));

        RoutePlan plan = plan(query(model).promptTokens(600).maxTokens(128_000));

        assertThat(providers(plan)).containsExactly("clamped");
        assertThat(plan.rejections()).containsExactly(new Rejection.ContextExceeded(id("open"), 128_600, 100_000));
    }

    static Stream<Arguments> requiredParameters() {
        return Stream.of(
                arguments(Set.of("temperature"), Set.of("temperature", "top_p"), Set.of()),
                arguments(Set.of("temperature", "top_k"), Set.of("temperature"), Set.of("top_k")),
                arguments(Set.of("stop", "seed"), Set.of("temperature"), Set.of("stop", "seed")),
                arguments(Set.of("max_tokens"), Set.of("max_completion_tokens"), Set.of()),
                arguments(Set.of("max_completion_tokens"), Set.of("max_tokens"), Set.of()),
                arguments(Set.of("tools", "seed", "top_k"), Set.of(), Set.of()),
                arguments(Set.of("user", "metadata", "temperature"), Set.of("temperature"), Set.of()));
    }

    @ParameterizedTest(name = "request {0}, endpoint lists {1}: missing {2}")
    @MethodSource("requiredParameters")
    void requireParametersDropsEndpointsThatDoNotListEveryLlmParameterOfTheRequest(Set<String> sent, Set<String> listed,
                                                                                  Set<String> missing) {
        var model = model(endpoint("candidate").supports(listed.toArray(String[]::new)));

        RoutePlan plan = plan(query(model).parameters(sent.toArray(String[]::new)).preferences(prefs().requireParameters()));

        if (missing.isEmpty()) {
            assertThat(providers(plan)).containsExactly("candidate");
            assertThat(plan.rejections()).isEmpty();
        } else {
            assertThat(plan.isEmpty()).isTrue();
            assertThat(plan.rejections()).singleElement()
                    .isEqualTo(new Rejection.ParametersUnsupported(id("candidate"), missing, true));
            assertThat(plan.rejections().getFirst().reason()).isEqualTo("require_parameters");
        }
    }

    @Test
    void withoutRequireParametersUnlistedParametersDoNotDropAnEndpoint() {
        var model = model(endpoint("candidate").supports("temperature"));

        RoutePlan plan = plan(query(model).parameters("top_k", "logit_bias"));

        assertThat(providers(plan)).containsExactly("candidate");
        assertThat(plan.rejections()).isEmpty();
    }

    @ParameterizedTest(name = "training={0}, retention={1}: kept={2}")
    @CsvSource(nullValues = "unknown", value = {
            "false, 30, true",
            "false, unknown, true",
            "true, 30, false",
            "true, unknown, false",
            "unknown, 0, false",
            "unknown, unknown, false",
    })
    void dropsEndpointsWhoseProviderMayTrainWhenDataCollectionIsDenied(Boolean training, Integer retention, boolean kept) {
        var model = model(endpoint("candidate").dataPolicy(training, retention));

        RoutePlan denied = plan(query(model).preferences(prefs().denyDataCollection()));
        RoutePlan allowed = plan(query(model));

        assertThat(allowed.endpoints()).hasSize(1);
        if (kept) {
            assertThat(providers(denied)).containsExactly("candidate");
        } else {
            assertThat(denied.isEmpty()).isTrue();
            assertThat(denied.rejections()).containsExactly(new Rejection.DataCollectionDenied(id("candidate")));
            assertThat(denied.rejections().getFirst().reason()).isEqualTo("data_collection");
        }
    }

    @ParameterizedTest(name = "training={0}, retention={1}: kept={2}")
    @CsvSource(nullValues = "unknown", value = {
            "false, 0, true",
            "true, 0, true",
            "false, 30, false",
            "false, unknown, false",
            "unknown, unknown, false",
    })
    void zdrKeepsOnlyProvidersKnownToRetainNothing(Boolean training, Integer retention, boolean kept) {
        var model = model(endpoint("candidate").dataPolicy(training, retention));

        RoutePlan plan = plan(query(model).preferences(prefs().zdr()));

        if (kept) {
            assertThat(providers(plan)).containsExactly("candidate");
        } else {
            assertThat(plan.rejections()).containsExactly(new Rejection.NotZeroDataRetention(id("candidate")));
            assertThat(plan.rejections().getFirst().reason()).isEqualTo("zdr");
        }
    }

    private static final List<String> AZURE_LIKE = List.of("azure", "azure/eu", "azure2", "openai");

    private static Model azureLikeModel() {
        return model(endpoint("azure").price("1"), endpoint("azure/eu").price("2"), endpoint("azure2").price("3"),
                endpoint("openai").price("4"));
    }

    @ParameterizedTest(name = "only {0} keeps {1}")
    @CsvSource({
            "azure,     azure;azure/eu",
            "azure/eu,  azure/eu",
            "azure2,    azure2",
            "openai,    openai",
            "azure;openai, azure;azure/eu;openai",
    })
    void onlyMatchesProvidersByBaseSlug(String only, String kept) {
        RoutePlan plan = plan(query(azureLikeModel()).preferences(byPrice().only(only.split(";"))));

        List<String> expected = List.of(kept.split(";"));
        assertThat(providers(plan)).containsExactlyElementsOf(expected);
        List<String> dropped = new ArrayList<>(AZURE_LIKE);
        dropped.removeAll(expected);
        assertThat(plan.rejections()).containsExactlyElementsOf(
                dropped.stream().map(p -> (Rejection) new Rejection.NotInOnly(id(p))).toList());
        assertThat(plan.rejections()).allSatisfy(r -> assertThat(r.reason()).isEqualTo("provider_only"));
    }

    @ParameterizedTest(name = "ignore {0} keeps {1}")
    @CsvSource({
            "azure,     azure2;openai",
            "azure/eu,  azure;azure2;openai",
            "azure2,    azure;azure/eu;openai",
    })
    void ignoreMatchesProvidersByBaseSlug(String ignore, String kept) {
        RoutePlan plan = plan(query(azureLikeModel()).preferences(byPrice().ignore(ignore.split(";"))));

        List<String> expected = List.of(kept.split(";"));
        assertThat(providers(plan)).containsExactlyElementsOf(expected);
        List<String> dropped = new ArrayList<>(AZURE_LIKE);
        dropped.removeAll(expected);
        assertThat(plan.rejections()).containsExactlyElementsOf(
                dropped.stream().map(p -> (Rejection) new Rejection.Ignored(id(p))).toList());
        assertThat(plan.rejections()).allSatisfy(r -> assertThat(r.reason()).isEqualTo("provider_ignore"));
    }

    @ParameterizedTest(name = "max_price prompt={0} completion={1} request={2} image={3}: rejected on {4}")
    @CsvSource(nullValues = "-", value = {
            "1,    2,    0.01,  0.02,  -",
            "5,    5,    1,     1,     -",
            "-,    -,    -,     -,     -",
            "0.99, -,    -,     -,     prompt",
            "-,    1.99, -,     -,     completion",
            "-,    -,    0.005, -,     request",
            "-,    -,    -,     0.019, image",
    })
    void maxPriceDropsEndpointsPricedAboveAnyLimit(BigDecimal prompt, BigDecimal completion, BigDecimal request,
                                                   BigDecimal image, String rejectedOn) {
        var model = model(endpoint("priced").price("1", "2").requestPrice("0.01").imagePrice("0.02"));

        RoutePlan plan = plan(query(model).preferences(prefs().maxPrice(new MaxPrice(prompt, completion, request, image))));

        if (rejectedOn == null) {
            assertThat(providers(plan)).containsExactly("priced");
        } else {
            assertThat(plan.rejections()).containsExactly(new Rejection.PriceAboveMax(id("priced"), rejectedOn));
            assertThat(plan.rejections().getFirst().reason()).isEqualTo("max_price");
        }
    }

    @Test
    void maxRequestPriceDoesNotDropEndpointsThatChargeNoRequestFee() {
        var model = model(endpoint("per-token").price("1", "2"), endpoint("per-request").requestPrice("0.01"));

        RoutePlan plan = plan(query(model).preferences(prefs().maxPrice(new MaxPrice(null, null, new BigDecimal("0.001"), null))));

        assertThat(providers(plan)).containsExactly("per-token");
        assertThat(plan.rejections()).containsExactly(new Rejection.PriceAboveMax(id("per-request"), "request"));
    }

    @Test
    void withToolsPrefersEndpointsThatDeclareToolSupport() {
        var model = model(endpoint("tools").supports("tools", "temperature"), endpoint("plain").supports("temperature"),
                endpoint("lists-nothing"));

        RoutePlan plan = plan(query(model).parameters("tools").withTools());

        assertThat(providers(plan)).containsExactlyInAnyOrder("tools", "lists-nothing");
        assertThat(plan.rejections()).containsExactly(
                new Rejection.ParametersUnsupported(id("plain"), Set.of("tools"), false));
        assertThat(plan.rejections().getFirst().reason()).isEqualTo("unsupported_parameters");
    }

    @Test
    void withToolsKeepsEveryEndpointWhenNoneDeclaresToolSupport() {
        var model = model(endpoint("a").supports("temperature"), endpoint("b").supports("seed"));

        RoutePlan plan = plan(query(model).parameters("tools").withTools());

        assertThat(providers(plan)).containsExactlyInAnyOrder("a", "b");
        assertThat(plan.rejections()).isEmpty();
    }

    @Test
    void withoutToolsEndpointsLackingToolSupportStay() {
        var model = model(endpoint("tools").supports("tools"), endpoint("plain").supports("temperature"));

        RoutePlan plan = plan(query(model).parameters("temperature"));

        assertThat(providers(plan)).containsExactlyInAnyOrder("tools", "plain");
    }

    @Test
    void withResponseFormatPrefersEndpointsThatDeclareIt() {
        var model = model(endpoint("json").supports("response_format"), endpoint("plain").supports("temperature"));

        RoutePlan plan = plan(query(model).parameters("response_format").withResponseFormat());

        assertThat(providers(plan)).containsExactly("json");
        assertThat(plan.rejections()).containsExactly(
                new Rejection.ParametersUnsupported(id("plain"), Set.of("response_format"), false));
    }

    @Test
    void plansNothingWhenEveryEndpointIsFilteredAndSaysWhyForEach() {
        var model = model(endpoint("off").disabled("disabled in the configuration"), endpoint("small").context(50),
                endpoint("ignored"), endpoint("trainer").dataPolicy(true, null));

        RoutePlan plan = plan(query(model).maxTokens(100).preferences(prefs().denyDataCollection().ignore("ignored")));

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.endpoints()).isEmpty();
        assertThat(plan.rejections()).extracting(Rejection::endpoint)
                .containsExactly(id("off"), id("small"), id("ignored"), id("trainer"));
        assertThat(plan.rejections()).extracting(Rejection::reason)
                .containsExactly("provider_disabled", "context_length", "provider_ignore", "data_collection");
    }

    /** A prompt whose cheap bound and exact count differ, recording each exact count asked for. */
    private static final class CountingPromptSize implements RouteQuery.PromptSize {
        private final long upperBound;
        private final long exact;
        final List<String> exactCounts = new ArrayList<>();

        CountingPromptSize(long upperBound, long exact) {
            this.upperBound = upperBound;
            this.exact = exact;
        }

        @Override
        public long upperBound() {
            return upperBound;
        }

        @Override
        public long tokens(String tokenizer) {
            exactCounts.add(tokenizer);
            return exact;
        }
    }
}
