package dev.switchboard.accounting;

/**
 * Token usage in the canonical (OpenAI) convention: {@code promptTokens} counts every input
 * token, including {@code cachedTokens} read from a prompt cache and {@code cacheWriteTokens}
 * written to one; {@code completionTokens} includes {@code reasoningTokens}. Adapters for
 * protocols that count differently (Anthropic reports cache tokens outside input_tokens)
 * convert into this form. {@code estimated} marks counts Switchboard made itself because the
 * upstream reported none.
 */
public record Usage(long promptTokens, long completionTokens, long cachedTokens, long cacheWriteTokens,
                    long reasoningTokens, boolean estimated) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0, false);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0 || cachedTokens < 0 || cacheWriteTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
    }

    /**
     * Anthropic counts cache reads and writes outside {@code input_tokens}; in the canonical form
     * they are part of the prompt.
     */
    public static Usage fromAnthropic(long inputTokens, long outputTokens, long cacheReadInputTokens,
                                      long cacheCreationInputTokens) {
        // saturating: absurd counts must not wrap negative (they are then refused as implausible)
        long prompt = saturatedSum(saturatedSum(inputTokens, cacheReadInputTokens), cacheCreationInputTokens);
        return new Usage(prompt, outputTokens,
                cacheReadInputTokens, cacheCreationInputTokens, 0, false);
    }

    private static long saturatedSum(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    public static Usage of(long promptTokens, long completionTokens) {
        return new Usage(promptTokens, completionTokens, 0, 0, 0, false);
    }

    public long totalTokens() {
        return saturatedSum(promptTokens, completionTokens);
    }

    /** Prompt tokens billed at the full prompt price. */
    public long uncachedPromptTokens() {
        return Math.max(0, promptTokens - cachedTokens - cacheWriteTokens);
    }
}
