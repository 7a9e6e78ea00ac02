package dev.switchboard.accounting;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UsageTest {

    @Test
    void totalsPromptAndCompletion() {
        assertThat(new Usage(100, 20, 30, 10, 5, false).totalTokens()).isEqualTo(120);
        assertThat(Usage.ZERO.totalTokens()).isZero();
    }

    @Test
    void billsAtTheFullPromptPriceWhatWasNeitherReadFromNorWrittenToACache() {
        assertThat(new Usage(100, 0, 30, 10, 0, false).uncachedPromptTokens()).isEqualTo(60);
        assertThat(Usage.of(100, 5).uncachedPromptTokens()).isEqualTo(100);
        assertThat(new Usage(10, 0, 8, 8, 0, false).uncachedPromptTokens()).as("never negative").isZero();
    }

    @Test
    void createsPlainUsage() {
        assertThat(Usage.of(7, 3)).isEqualTo(new Usage(7, 3, 0, 0, 0, false));
    }

    @Test
    void rejectsNegativeCounts() {
        assertThatThrownBy(() -> new Usage(-1, 0, 0, 0, 0, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Usage(0, -1, 0, 0, 0, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Usage(0, 0, -1, 0, 0, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Usage(0, 0, 0, -1, 0, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Usage(0, 0, 0, 0, -1, false)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A provider reporting absurd Anthropic counts must not wrap the canonical prompt negative. */
    @Test
    void absurdAnthropicCountsSaturateInsteadOfWrapping() {
        long absurd = 9_000_000_000_000_000_000L;
        Usage usage = Usage.fromAnthropic(absurd, absurd, absurd, absurd);
        assertThat(usage.promptTokens()).isEqualTo(Long.MAX_VALUE);
        assertThat(usage.totalTokens()).isEqualTo(Long.MAX_VALUE);
    }
}
