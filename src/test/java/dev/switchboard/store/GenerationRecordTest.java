package dev.switchboard.store;

import org.junit.jupiter.api.Test;

import static dev.switchboard.testing.Generations.row;
import static org.assertj.core.api.Assertions.assertThat;

class GenerationRecordTest {
    private static final long T = 1_741_608_000_000L;

    private static GenerationRecord withTexts(String user, String upstreamId, String finishReason, String app,
                                              String appUrl, String model, String droppedTools) {
        GenerationRecord g = row(T, "k", 5);
        return new GenerationRecord(g.id(), g.createdAt(), g.keyHash(), model, g.providerId(), g.providerName(),
                upstreamId, app, appUrl, user, g.tokensPrompt(), g.tokensCompletion(), g.tokensCached(),
                g.tokensCacheWrite(), g.tokensReasoning(), g.usageEstimated(), g.costPico(), g.latencyMs(),
                g.generationTimeMs(), g.streamed(), g.cancelled(), finishReason, g.attempts(), g.maxTokensRequested(),
                g.maxTokens(), droppedTools);
    }

    @Test
    void cutsEveryTextToItsColumnSize() {
        GenerationRecord g = withTexts("u".repeat(10_000), "chatcmpl-" + "x".repeat(1_000), "f".repeat(100),
                "a".repeat(600), "https://" + "h".repeat(3_000), "m".repeat(300), "t".repeat(50_000)).bounded();

        assertThat(g.externalUser()).hasSize(500);
        assertThat(g.upstreamId()).hasSize(200).startsWith("chatcmpl-xxx");
        assertThat(g.finishReason()).hasSize(40);
        assertThat(g.app()).hasSize(500);
        assertThat(g.appUrl()).hasSize(2_000);
        assertThat(g.model()).hasSize(200);
        assertThat(g.droppedTools()).hasSize(2_000);
    }

    @Test
    void leavesARowThatFitsAsItIs() {
        GenerationRecord g = row(T, "k", 5);
        assertThat(g.bounded()).isEqualTo(g);
        GenerationRecord nulls = withTexts(null, null, null, null, null, "openai/gpt-4.1", null);
        assertThat(nulls.bounded()).isEqualTo(nulls);
    }

    @Test
    void removesNulCharactersThatPostgresqlRefuses() {
        GenerationRecord g = withTexts("us\0er", "id\0", "st\0op", "\0app", "https://x\0", "openai/gpt-4.1", null).bounded();

        assertThat(g.externalUser()).isEqualTo("user");
        assertThat(g.upstreamId()).isEqualTo("id");
        assertThat(g.finishReason()).isEqualTo("stop");
        assertThat(g.app()).isEqualTo("app");
        assertThat(g.appUrl()).isEqualTo("https://x");
    }

    @Test
    void neverCutsASurrogatePairInHalf() {
        String emoji = "\uD83D\uDE00";
        String user = "u".repeat(499) + emoji;
        GenerationRecord g = withTexts(user, null, null, null, null, "openai/gpt-4.1", null).bounded();

        assertThat(g.externalUser()).isEqualTo("u".repeat(499));
        assertThat(GenerationRecord.fit("u".repeat(498) + emoji, 500)).isEqualTo("u".repeat(498) + emoji);
    }
}
