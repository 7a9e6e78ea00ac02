package dev.switchboard.accounting;

import dev.switchboard.catalog.Pricing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class CostCalculatorTest {
    private static final Pricing GPT_41 = new Pricing(new BigDecimal("2.00"), new BigDecimal("8.00"),
            new BigDecimal("0.50"), null, null, null, new BigDecimal("0.025"), null);
    /** Anthropic-like list prices: cache writes cost more than fresh input, cache reads a tenth. */
    private static final Pricing SONNET = new Pricing(new BigDecimal("3"), new BigDecimal("15"),
            new BigDecimal("0.30"), new BigDecimal("3.75"), null, null, null, null);

    private static Pricing prices(String prompt, String completion) {
        return new Pricing(new BigDecimal(prompt), new BigDecimal(completion), null, null, null, null, null, null);
    }

    @Test
    void pricesCachedPromptTokensAtTheCacheReadPrice() {
        Usage usage = new Usage(1_000_000, 100_000, 200_000, 0, 0, false);

        assertThat(CostCalculator.cost(usage, GPT_41)).isEqualByComparingTo("2.50");
    }

    @Test
    void pricesCacheWritesAtTheCacheWritePrice() {
        // 5,000 fresh x $3 + 2,000 read x $0.30 + 3,000 written x $3.75 + 1,000 out x $15, per million
        Usage usage = new Usage(10_000, 1_000, 2_000, 3_000, 0, false);

        assertThat(CostCalculator.cost(usage, SONNET)).isEqualByComparingTo("0.04185");
    }

    @Test
    void pricesCacheTokensAtThePromptPriceWhenNoCachePriceIsListed() {
        Usage cached = new Usage(1_000_000, 0, 400_000, 300_000, 0, false);

        assertThat(CostCalculator.cost(cached, prices("2", "8"))).isEqualByComparingTo("2");
    }

    @Test
    void pricesReasoningTokensAtTheInternalReasoningPriceWhenListed() {
        Pricing withReasoningPrice = new Pricing(new BigDecimal("2"), new BigDecimal("8"), null, null, null, null, null,
                new BigDecimal("20"));
        Usage usage = new Usage(0, 1_000_000, 0, 0, 400_000, false);

        // 600,000 x $8 + 400,000 x $20
        assertThat(CostCalculator.cost(usage, withReasoningPrice)).isEqualByComparingTo("12.8");
        assertThat(CostCalculator.cost(usage, GPT_41)).as("no reasoning price: all output at $8").isEqualByComparingTo("8");
    }

    @Test
    void neverBillsMoreReasoningTokensThanCompletionTokens() {
        Pricing withReasoningPrice = new Pricing(new BigDecimal("2"), new BigDecimal("8"), null, null, null, null, null,
                new BigDecimal("20"));
        Usage inconsistent = new Usage(0, 1_000_000, 0, 0, 3_000_000, false);

        assertThat(CostCalculator.cost(inconsistent, withReasoningPrice)).isEqualByComparingTo("20");
    }

    @Test
    void addsThePerRequestFee() {
        Pricing withFee = new Pricing(new BigDecimal("2"), new BigDecimal("8"), null, null, new BigDecimal("0.005"), null,
                null, null);

        assertThat(CostCalculator.cost(Usage.of(1_000_000, 0), withFee)).isEqualByComparingTo("2.005");
        assertThat(CostCalculator.cost(Usage.ZERO, withFee)).as("fee alone").isEqualByComparingTo("0.005");
    }

    @Test
    void costsNothingForNoTokens() {
        assertThat(CostCalculator.cost(Usage.ZERO, GPT_41)).isEqualByComparingTo("0");
        assertThat(CostCalculator.cost(Usage.ZERO, GPT_41).signum()).isZero();
        assertThat(CostCalculator.cost(Usage.of(123_456, 7_890), Pricing.FREE)).isEqualByComparingTo("0");
    }

    @Test
    void sumsSmallCostsWithoutDrift() {
        Pricing mini = prices("0.15", "0.60");
        BigDecimal mixed = BigDecimal.ZERO;
        BigDecimal prompt = BigDecimal.ZERO;
        for (int i = 0; i < 1000; i++) {
            mixed = mixed.add(CostCalculator.cost(Usage.of(7, 7), mini));
            prompt = prompt.add(CostCalculator.cost(new Usage(7, 0, 3, 0, 0, false), GPT_41));
        }

        assertThat(mixed).isEqualByComparingTo(CostCalculator.cost(Usage.of(7_000, 7_000), mini))
                .isEqualByComparingTo("0.00525");
        assertThat(prompt).isEqualByComparingTo(CostCalculator.cost(new Usage(7_000, 0, 3_000, 0, 0, false), GPT_41))
                .isEqualByComparingTo("0.0095");
    }

    @Test
    void keepsEveryDigitOfATinyCost() {
        BigDecimal oneToken = CostCalculator.cost(Usage.of(1, 0), prices("0.025", "0"));

        assertThat(oneToken).isEqualByComparingTo("0.000000025");
        assertThat(oneToken.toPlainString()).isEqualTo("0.000000025");
    }

    @ParameterizedTest
    @CsvSource({
            "2, 0.000002",
            "8.00, 0.000008",
            "0.50, 0.0000005",
            "0.025, 0.000000025",
            "3.75, 0.00000375",
            "15, 0.000015",
            "1000000, 1",
            "12000000, 12",
            "0, 0",
            "0.000, 0"})
    void quotesPricePerTokenAsAPlainDecimal(String perMillion, String perToken) {
        assertThat(CostCalculator.perToken(new BigDecimal(perMillion))).isEqualTo(perToken);
    }

    @Test
    void quotesAnUnlistedPriceAsZero() {
        assertThat(CostCalculator.perToken(null)).isEqualTo("0");
    }
}
