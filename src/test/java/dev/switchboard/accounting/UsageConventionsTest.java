package dev.switchboard.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.protocol.Json;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

/** OpenAI counts cached tokens inside prompt_tokens, Anthropic outside input_tokens: both must cost the same. */
class UsageConventionsTest {
    private static final Pricing SONNET = new Pricing(new BigDecimal("3"), new BigDecimal("15"), new BigDecimal("0.30"),
            new BigDecimal("3.75"), null, null, null, null);

    @Test
    void theSameGenerationCostsTheSameInEitherConvention() {
        // Anthropic: 1,000 fresh input tokens, 50,000 read from cache, 2,000 written to it, 500 output
        Usage anthropic = Usage.fromAnthropic(1_000, 500, 50_000, 2_000);
        JsonNode openAiShape = Json.parse("""
                {"prompt_tokens": 53000, "completion_tokens": 500, "total_tokens": 53500,
                 "prompt_tokens_details": {"cached_tokens": 50000, "cache_write_tokens": 2000}}""");
        Usage openAi = UsageJson.read(openAiShape);

        assertThat(anthropic.promptTokens()).isEqualTo(53_000);
        assertThat(openAi).isEqualTo(anthropic);
        // 1,000 × 3 + 50,000 × 0.30 + 2,000 × 3.75 + 500 × 15 = 3,000 + 15,000 + 7,500 + 7,500 per million
        assertThat(CostCalculator.cost(anthropic, SONNET)).isEqualByComparingTo("0.033");
        assertThat(CostCalculator.cost(openAi, SONNET)).isEqualByComparingTo("0.033");
    }
}
