package dev.switchboard.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static dev.switchboard.routing.RoutingFixtures.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class RejectionTest {

    static Stream<Arguments> rejections() {
        var e = id("openai");
        return Stream.of(
                arguments(new Rejection.ProviderDisabled(e, "openai: api_key is empty"), "provider_disabled",
                        "openai: api_key is empty"),
                arguments(new Rejection.ContextExceeded(e, 130_000, 128_000), "context_length", "130000"),
                arguments(new Rejection.ParametersUnsupported(e, Set.of("top_k"), true), "require_parameters", "top_k"),
                arguments(new Rejection.ParametersUnsupported(e, Set.of("tools"), false), "unsupported_parameters",
                        "tools"),
                arguments(new Rejection.DataCollectionDenied(e), "data_collection", "data_collection"),
                arguments(new Rejection.NotZeroDataRetention(e), "zdr", "retain"),
                arguments(new Rejection.NotInOnly(e), "provider_only", "provider.only"),
                arguments(new Rejection.Ignored(e), "provider_ignore", "provider.ignore"),
                arguments(new Rejection.PriceAboveMax(e, "completion"), "max_price", "completion"),
                arguments(new Rejection.FallbacksDisabled(e), "allow_fallbacks", "allow_fallbacks"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("rejections")
    void carriesAStableReasonCodeAndAHumanDetail(Rejection rejection, String reason, String detailMentions) {
        assertThat(rejection.endpoint()).isEqualTo(id("openai"));
        assertThat(rejection.reason()).isEqualTo(reason);
        assertThat(rejection.detail()).contains(detailMentions);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("rejections")
    void everyKindOfRejectionHasItsOwnReasonCode(Rejection rejection, String reason, String ignored) {
        List<String> codes = rejections().map(a -> ((Rejection) a.get()[0]).reason()).toList();

        assertThat(codes).containsOnlyOnce(reason);
    }

    @Test
    void listsUnsupportedParametersInAlphabeticalOrder() {
        var missing = new LinkedHashSet<>(List.of("top_k", "logit_bias", "min_p"));

        assertThat(new Rejection.ParametersUnsupported(id("openai"), missing, true).detail())
                .isEqualTo("does not support logit_bias, min_p, top_k");
    }
}
