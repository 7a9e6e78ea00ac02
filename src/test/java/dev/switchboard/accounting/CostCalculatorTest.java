package dev.switchboard.accounting;

import dev.switchboard.catalog.Pricing;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class CostCalculatorTest {
    private static final Pricing GPT_41 = new Pricing(new BigDecimal("2.00"), new BigDecimal("8.00"),
            new BigDecimal("0.50"), null, null, null, new BigDecimal("0.025"), null);

    @Test
    void pricesCachedPromptTokensAtTheCacheReadPrice() {
        Usage usage = new Usage(1_000_000, 100_000, 200_000, 0, 0, false);

        assertThat(CostCalculator.cost(usage, GPT_41)).isEqualByComparingTo("2.50");
    }
}
