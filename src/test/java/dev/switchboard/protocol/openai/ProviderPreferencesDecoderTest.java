package dev.switchboard.protocol.openai;

import dev.switchboard.protocol.openai.ProviderPreferences.DataCollection;
import dev.switchboard.protocol.openai.ProviderPreferences.PercentileCutoffs;
import dev.switchboard.protocol.openai.ProviderPreferences.Sort;
import dev.switchboard.protocol.openai.ProviderPreferences.SortBy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;

import static dev.switchboard.protocol.openai.StrictJson.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code provider} object, decoded through {@link ChatRequest#decode} as clients send it. */
class ProviderPreferencesDecoderTest {

    private static ProviderPreferences provider(String json) {
        return ChatRequest.decode(utf8("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}],\"provider\":" + json + "}"))
                .provider();
    }

    @Test
    void defaultsAnEmptyObjectToNoPreferences() {
        assertThat(provider("{}")).isEqualTo(ProviderPreferences.NONE);
        assertThat(ProviderPreferences.NONE.allowFallbacks()).isTrue();
        assertThat(ProviderPreferences.NONE.dataCollection()).isEqualTo(DataCollection.ALLOW);
    }

    @Test
    void treatsNullMembersAsAbsent() {
        assertThat(provider("{\"order\":null,\"only\":null,\"ignore\":null,\"allow_fallbacks\":null,"
                + "\"require_parameters\":null,\"data_collection\":null,\"zdr\":null,\"sort\":null,\"max_price\":null,"
                + "\"preferred_min_throughput\":null,\"preferred_max_latency\":null}"))
                .isEqualTo(ProviderPreferences.NONE);
    }

    @Test
    void ignoresMembersItDoesNotKnow() {
        assertThat(provider("{\"enforce_distillable_text\":true,\"experimental\":{\"x\":1}}"))
                .isEqualTo(ProviderPreferences.NONE);
    }

    @Test
    void readsQuantizations() {
        assertThat(provider("{\"quantizations\":[\"fp8\",\"int4\",\"unknown\"]}").quantizations())
                .containsExactly("fp8", "int4", "unknown");
        assertThat(provider("{\"quantizations\":null}").quantizations()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"\"fp8\"", "[\"q4_k_m\"]", "[8]", "[\"FP8\"]"})
    void refusesQuantizationsThatAreNotOpenRoutersLevels(String value) {
        var error = org.assertj.core.api.Assertions.catchThrowableOfType(dev.switchboard.protocol.InvalidRequestException.class,
                () -> provider("{\"quantizations\":" + value + "}"));

        assertThat(error.param()).isEqualTo("provider.quantizations");
        assertThat(error.getMessage()).startsWith("provider.quantizations: expected an array of quantization levels (int4, ");
    }

    @Test
    void lowerCasesProviderSlugs() {
        ProviderPreferences p = provider("{\"order\":[\"OpenAI\",\"Azure\"],\"only\":[\"DeepInfra\"],\"ignore\":[\"TOGETHER\"]}");

        assertThat(p.order()).containsExactly("openai", "azure");
        assertThat(p.only()).containsExactly("deepinfra");
        assertThat(p.ignore()).containsExactly("together");
    }

    @Test
    void readsTheBooleans() {
        ProviderPreferences p = provider("{\"allow_fallbacks\":false,\"require_parameters\":true,\"zdr\":true}");

        assertThat(p.allowFallbacks()).isFalse();
        assertThat(p.requireParameters()).isTrue();
        assertThat(p.zdr()).isTrue();
        assertThat(provider("{\"allow_fallbacks\":true}").allowFallbacks()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"allow, ALLOW", "deny, DENY"})
    void readsDataCollection(String value, DataCollection expected) {
        assertThat(provider("{\"data_collection\":\"" + value + "\"}").dataCollection()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"price, PRICE", "throughput, THROUGHPUT", "latency, LATENCY"})
    void readsSortAsAStringPartitionedByModel(String value, SortBy by) {
        assertThat(provider("{\"sort\":\"" + value + "\"}").sort()).isEqualTo(new Sort(by, true));
    }

    @Test
    void readsSortAsAnObject() {
        assertThat(provider("{\"sort\":{\"by\":\"throughput\",\"partition\":\"none\"}}").sort())
                .isEqualTo(new Sort(SortBy.THROUGHPUT, false));
        assertThat(provider("{\"sort\":{\"by\":\"latency\",\"partition\":\"model\"}}").sort())
                .isEqualTo(new Sort(SortBy.LATENCY, true));
        assertThat(provider("{\"sort\":{\"by\":\"price\"}}").sort()).isEqualTo(new Sort(SortBy.PRICE, true));
        assertThat(provider("{\"sort\":{\"by\":\"price\",\"partition\":null}}").sort()).isEqualTo(new Sort(SortBy.PRICE, true));
    }

    @Test
    void appliesANumericLatencyCutoffToTheMedian() {
        assertThat(provider("{\"preferred_max_latency\":2.5}").preferredMaxLatency())
                .isEqualTo(new PercentileCutoffs(2.5, null, null, null));
        assertThat(provider("{\"preferred_min_throughput\":100}").preferredMinThroughput())
                .isEqualTo(new PercentileCutoffs(100.0, null, null, null));
    }

    @Test
    void readsPercentileCutoffsFromAnObject() {
        ProviderPreferences p = provider("{\"preferred_max_latency\":{\"p50\":1,\"p90\":3.5},"
                + "\"preferred_min_throughput\":{\"p75\":40,\"p99\":null}}");

        assertThat(p.preferredMaxLatency()).isEqualTo(new PercentileCutoffs(1.0, null, 3.5, null));
        assertThat(p.preferredMinThroughput()).isEqualTo(new PercentileCutoffs(null, 40.0, null, null));
    }

    @Test
    void readsMaxPricesExactly() {
        ProviderPreferences.MaxPrice max = provider("{\"max_price\":{\"prompt\":0.15,\"completion\":2,\"request\":0,"
                + "\"image\":null}}").maxPrice();

        assertThat(max.prompt()).isEqualByComparingTo(new BigDecimal("0.15"));
        assertThat(max.prompt().toPlainString()).isEqualTo("0.15");
        assertThat(max.completion()).isEqualByComparingTo("2");
        assertThat(max.request()).isEqualByComparingTo("0");
        assertThat(max.image()).isNull();
    }
}
