package dev.switchboard.routing;

import dev.switchboard.catalog.Model;
import dev.switchboard.catalog.ModelVariant;
import dev.switchboard.protocol.openai.ProviderPreferences.SortBy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.switchboard.routing.RoutingFixtures.endpoint;
import static dev.switchboard.routing.RoutingFixtures.id;
import static dev.switchboard.routing.RoutingFixtures.model;
import static dev.switchboard.routing.RoutingFixtures.prefs;
import static dev.switchboard.routing.RoutingFixtures.providers;
import static dev.switchboard.routing.RoutingFixtures.query;
import static dev.switchboard.routing.RoutingFixtures.router;
import static org.assertj.core.api.Assertions.assertThat;

/** The routing side of model variants, {@code provider.quantizations} and the input modality filter. */
class VariantAndFilterRoutingTest {
    private static final List<String> TEXT_ONLY = List.of("text");

    private static Model variant(ModelVariant variant) {
        return model(RoutingFixtures.MODEL, null, variant,
                endpoint("cheap-slow").price("1"), endpoint("dear-fast").price("9"), endpoint("mid").price("5"));
    }

    private static RoutingFixtures.FakeSignals throughputs() {
        return new RoutingFixtures.FakeSignals().throughput(id("cheap-slow"), 50, 10).throughput(id("dear-fast"), 50, 300)
                .throughput(id("mid"), 50, 100);
    }

    @Test
    void nitroSortsByThroughput() {
        RoutePlan plan = router(1).plan(query(variant(ModelVariant.NITRO)).build(), throughputs());

        assertThat(providers(plan)).containsExactly("dear-fast", "mid", "cheap-slow");
    }

    @Test
    void floorSortsByPriceWhateverTheRandomDraw() {
        for (long seed = 0; seed < 20; seed++) {
            RoutePlan plan = router(seed).plan(query(variant(ModelVariant.FLOOR)).build(), throughputs());

            assertThat(providers(plan)).containsExactly("cheap-slow", "mid", "dear-fast");
        }
    }

    @Test
    void anExplicitSortTakesPrecedenceOverTheVariant() {
        RoutePlan plan = router(1).plan(query(variant(ModelVariant.NITRO)).preferences(prefs().sort(SortBy.PRICE)).build(),
                throughputs());

        assertThat(providers(plan)).containsExactly("cheap-slow", "mid", "dear-fast");
    }

    @Test
    void eachModelOfAFallbackListKeepsItsOwnVariant() {
        Model nitro = model("a/fast", null, ModelVariant.NITRO, endpoint("slow").price("1"), endpoint("quick").price("9"));
        Model floor = model("b/cheap", null, ModelVariant.FLOOR, endpoint("dear").price("9"), endpoint("thrifty").price("1"));
        var signals = new RoutingFixtures.FakeSignals()
                .throughput(new dev.switchboard.catalog.EndpointId(nitro.id(), new dev.switchboard.catalog.ProviderId("quick")), 50, 500)
                .throughput(new dev.switchboard.catalog.EndpointId(nitro.id(), new dev.switchboard.catalog.ProviderId("slow")), 50, 5);

        RoutePlan plan = router(3).plan(query(nitro, floor).build(), signals);

        assertThat(providers(plan)).containsExactly("quick", "slow", "thrifty", "dear");
    }

    @Test
    void quantizationsKeepOnlyTheListedLevelsAndCountAnUndeclaredOneAsUnknown() {
        Model model = model(endpoint("fp8-host").quantization("fp8"), endpoint("int4-host").quantization("int4"),
                endpoint("silent"));

        RoutePlan fp8 = router(1).plan(query(model).preferences(prefs().quantizations("fp8")).build(), RoutingSignals.NONE);
        RoutePlan unknown = router(1).plan(query(model).preferences(prefs().quantizations("unknown", "int4")).build(),
                RoutingSignals.NONE);

        assertThat(providers(fp8)).containsExactly("fp8-host");
        assertThat(fp8.rejections()).extracting(Rejection::reason).containsOnly("quantization");
        assertThat(fp8.rejections()).extracting(Rejection::detail)
                .containsExactlyInAnyOrder("quantization int4 is not in provider.quantizations",
                        "quantization unknown is not in provider.quantizations");
        assertThat(providers(unknown)).containsExactlyInAnyOrder("int4-host", "silent");
    }

    @Test
    void withoutQuantizationsEveryEndpointStays() {
        Model model = model(endpoint("fp8-host").quantization("fp8"), endpoint("silent"));

        assertThat(providers(router(1).plan(query(model).build(), RoutingSignals.NONE)))
                .containsExactlyInAnyOrder("fp8-host", "silent");
    }

    @Test
    void anImageIsNeverSentToAModelDeclaringTextOnly() {
        Model textOnly = model("a/text", TEXT_ONLY, ModelVariant.BASE, endpoint("one"), endpoint("two"));

        RoutePlan plan = router(1).plan(query(textOnly).inputModalities("image").build(), RoutingSignals.NONE);

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.rejections()).hasSize(2).allSatisfy(r -> {
            assertThat(r.reason()).isEqualTo("input_modality");
            assertThat(r.detail()).isEqualTo("the model does not accept image input (its input modalities: text)");
        });
    }

    @Test
    void aFileGoesToTheFallbackModelThatAcceptsFiles() {
        Model textOnly = model("a/text", TEXT_ONLY, ModelVariant.BASE, endpoint("one"));
        Model reader = model("b/reader", List.of("text", "image", "file"), ModelVariant.BASE, endpoint("two"));

        RoutePlan plan = router(1).plan(query(textOnly, reader).inputModalities("file").build(), RoutingSignals.NONE);

        assertThat(RoutingFixtures.ids(plan)).containsExactly("b/reader@two");
        assertThat(plan.rejections()).singleElement().extracting(Rejection::reason).isEqualTo("input_modality");
    }

    @Test
    void aModelDeclaringNoInputModalitiesIsNotFiltered() {
        Model ownVllm = model("me/vllm", null, ModelVariant.BASE, endpoint("vllm"));

        RoutePlan plan = router(1).plan(query(ownVllm).inputModalities("image", "audio").build(), RoutingSignals.NONE);

        assertThat(providers(plan)).containsExactly("vllm");
    }

    @Test
    void namesEveryModalityTheModelLacks() {
        Model vision = model("a/vision", List.of("text", "image"), ModelVariant.BASE, endpoint("one"));

        RoutePlan plan = router(1).plan(query(vision).inputModalities("image", "audio", "file").build(), RoutingSignals.NONE);

        assertThat(plan.rejections()).singleElement().extracting(Rejection::detail)
                .isEqualTo("the model does not accept audio, file input (its input modalities: text, image)");
    }
}
