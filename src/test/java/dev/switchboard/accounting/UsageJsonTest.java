package dev.switchboard.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class UsageJsonTest {

    private static final String OPENAI_CACHED = """
            {"prompt_tokens": 2006, "completion_tokens": 300, "total_tokens": 2306,
             "prompt_tokens_details": {"cached_tokens": 1920, "audio_tokens": 0},
             "completion_tokens_details": {"reasoning_tokens": 192, "audio_tokens": 0,
               "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}}""";

    @Test
    void readsOpenAiUsageWithCachedAndReasoningTokens() {
        assertThat(UsageJson.read(Json.parse(OPENAI_CACHED))).isEqualTo(new Usage(2006, 300, 1920, 0, 192, false));
    }

    @Test
    void readsTheUsageOfTheFixtures() {
        assertThat(UsageJson.read(Json.parse(Fixtures.bytes("openai/chat_nonstream.json")).get("usage")))
                .isEqualTo(Usage.of(19, 10));
        assertThat(UsageJson.read(Json.parse(Fixtures.bytes("azure/chat_output_filtered.json")).get("usage")))
                .isEqualTo(Usage.of(20, 12));
    }

    @Test
    void readsCacheWriteTokens() {
        Usage usage = UsageJson.read(Json.parse(
                "{\"prompt_tokens\":1000,\"completion_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":200,"
                        + "\"cache_write_tokens\":300}}"));

        assertThat(usage).isEqualTo(new Usage(1000, 5, 200, 300, 0, false));
        assertThat(usage.uncachedPromptTokens()).isEqualTo(500);
    }

    @Test
    void keepsDetailCountsWithinTheirTotals() {
        Usage usage = UsageJson.read(Json.parse(
                "{\"prompt_tokens\":100,\"completion_tokens\":10,\"prompt_tokens_details\":{\"cached_tokens\":80,"
                        + "\"cache_write_tokens\":50},\"completion_tokens_details\":{\"reasoning_tokens\":25}}"));

        assertThat(usage).isEqualTo(new Usage(100, 10, 80, 20, 10, false));
    }

    @Test
    void readsMissingNullOrNonsenseCountsAsZero() {
        assertThat(UsageJson.read(Json.parse("{}"))).isEqualTo(Usage.ZERO);
        assertThat(UsageJson.read(Json.parse("{\"prompt_tokens\":null,\"completion_tokens\":-4,"
                + "\"prompt_tokens_details\":null,\"completion_tokens_details\":{\"reasoning_tokens\":\"many\"}}")))
                .isEqualTo(Usage.ZERO);
    }

    @Test
    void writesNormalisedCountsAndKeepsUpstreamExtras() {
        JsonNode upstream = Json.parse("""
                {"prompt_tokens": 2006, "completion_tokens": 300, "total_tokens": 9999,
                 "prompt_tokens_details": {"cached_tokens": 1920, "audio_tokens": 7},
                 "completion_tokens_details": {"reasoning_tokens": 192, "accepted_prediction_tokens": 3},
                 "x_vendor": {"queue_ms": 12}}""");
        Usage usage = UsageJson.read(upstream);

        ObjectNode out = UsageJson.write(upstream, usage, new BigDecimal("0.001234"));

        assertThat(out.path("prompt_tokens").asLong()).isEqualTo(2006);
        assertThat(out.path("completion_tokens").asLong()).isEqualTo(300);
        assertThat(out.path("total_tokens").asLong()).isEqualTo(2306);
        assertThat(out.path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(1920);
        assertThat(out.path("prompt_tokens_details").path("audio_tokens").asLong()).isEqualTo(7);
        assertThat(out.path("completion_tokens_details").path("reasoning_tokens").asLong()).isEqualTo(192);
        assertThat(out.path("completion_tokens_details").path("accepted_prediction_tokens").asLong()).isEqualTo(3);
        assertThat(out.path("x_vendor")).isEqualTo(upstream.path("x_vendor"));
        assertThat(out.path("cost").isNumber()).isTrue();
        assertThat(out.path("cost").decimalValue()).isEqualByComparingTo("0.001234");
        assertThat(out.has("estimated")).isFalse();
        assertThat(upstream.path("total_tokens").asLong()).as("upstream node untouched").isEqualTo(9999);
    }

    @Test
    void writesCostAsAPlainJsonNumber() {
        for (String cost : new String[] {"2.5E-7", "0.000000025", "2E+1", "12.8"}) {
            String json = Json.string(UsageJson.write(null, Usage.of(1, 1), new BigDecimal(cost)));

            assertThat(json).as(cost).contains("\"cost\":" + new BigDecimal(cost).toPlainString())
                    .doesNotContainIgnoringCase("e-").doesNotContainIgnoringCase("e+");
        }
    }

    @Test
    void writesAUsageObjectWhenTheUpstreamSentNone() {
        ObjectNode out = UsageJson.write(null, new Usage(50, 20, 0, 10, 5, false), new BigDecimal("0.0001"));

        assertThat(out.path("total_tokens").asLong()).isEqualTo(70);
        assertThat(out.path("prompt_tokens_details").path("cached_tokens").asLong()).isZero();
        assertThat(out.path("prompt_tokens_details").path("cache_write_tokens").asLong()).isEqualTo(10);
        assertThat(out.path("completion_tokens_details").path("reasoning_tokens").asLong()).isEqualTo(5);
    }

    @Test
    void marksOnlyEstimatedUsage() {
        Usage estimated = new Usage(12, 34, 0, 0, 0, true);

        ObjectNode out = UsageJson.write(null, estimated, BigDecimal.ZERO);

        assertThat(out.path("estimated").isBoolean()).isTrue();
        assertThat(out.path("estimated").booleanValue()).isTrue();
        assertThat(UsageJson.write(null, Usage.of(12, 34), BigDecimal.ZERO).has("estimated")).isFalse();
    }

    @Test
    void readsBackWhatItWrites() {
        Usage usage = new Usage(1000, 200, 300, 100, 50, false);

        assertThat(UsageJson.read(UsageJson.write(Json.parse(OPENAI_CACHED), usage, BigDecimal.ONE))).isEqualTo(usage);
    }
}
