package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.CostCalculator;
import dev.switchboard.accounting.Usage;
import dev.switchboard.accounting.UsageJson;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.protocol.openai.ChatRequest;

import java.math.BigDecimal;
import java.util.function.LongSupplier;

/**
 * Usage and cost of one generation: the provider's counts when it reported them, otherwise
 * Switchboard's own count (marked {@code estimated}), priced with the serving endpoint's prices.
 */
final class Metering {
    private final Usage usage;
    private final BigDecimal cost;
    private final JsonNode upstreamUsage;

    private Metering(Usage usage, BigDecimal cost, JsonNode upstreamUsage) {
        this.usage = usage;
        this.cost = cost;
        this.upstreamUsage = upstreamUsage;
    }

    /**
     * No count of one generation reaches this (a million-token context is 10⁶): a provider reporting
     * more reported nonsense, and its usage is replaced by Switchboard's own count.
     */
    static final long MOST_PLAUSIBLE_TOKENS = 100_000_000;

    /**
     * {@code estimatedPromptTokens} and {@code estimatedCompletionTokens} are asked only when the
     * upstream reported no usage, or usage no generation can have; the prompt's count is usually known
     * from admission already. Output is charged up to what the request allowed (see
     * {@link #mostOutput}): a provider reporting more than {@code max_tokens} × {@code n} is billed
     * at that, so a key's settled cost never passes its reservation by the output.
     */
    static Metering of(JsonNode upstreamUsage, Endpoint endpoint, ChatRequest request, LongSupplier estimatedPromptTokens,
                       LongSupplier estimatedCompletionTokens) {
        Usage usage;
        if (upstreamUsage != null && upstreamUsage.isObject() && upstreamUsage.has("prompt_tokens")
                && plausible(upstreamUsage)) {
            usage = UsageJson.read(upstreamUsage);
        } else {
            usage = new Usage(estimatedPromptTokens.getAsLong(), estimatedCompletionTokens.getAsLong(), 0, 0, 0, true);
            upstreamUsage = null;
        }
        usage = withOutputAllowed(usage, endpoint, request);
        BigDecimal cost = CostCalculator.cost(usage, endpoint.pricing())
                .add(webSearchCost(endpoint, request.webSearches()));
        return new Metering(usage, cost.signum() == 0 ? BigDecimal.ZERO : cost.stripTrailingZeros(), upstreamUsage);
    }

    /** The web plugin's searches at the endpoint's {@code web_search} price (USD per search). */
    static BigDecimal webSearchCost(Endpoint endpoint, int searches) {
        BigDecimal price = endpoint.pricing().webSearch();
        return searches == 0 || price == null ? BigDecimal.ZERO : price.multiply(BigDecimal.valueOf(searches));
    }

    /** Whether every count in an OpenAI usage object is one a generation can have. */
    private static boolean plausible(JsonNode usage) {
        return plausibleCount(usage.get("prompt_tokens")) && plausibleCount(usage.get("completion_tokens"))
                && plausibleCount(usage.path("prompt_tokens_details").get("cached_tokens"))
                && plausibleCount(usage.path("prompt_tokens_details").get("cache_write_tokens"))
                && plausibleCount(usage.path("completion_tokens_details").get("reasoning_tokens"));
    }

    private static boolean plausibleCount(JsonNode count) {
        return count == null || !count.isNumber() || count.canConvertToLong() && count.asLong() <= MOST_PLAUSIBLE_TOKENS;
    }

    /** The usage with its output cut to what the request allowed, when it set a limit. */
    private static Usage withOutputAllowed(Usage usage, Endpoint endpoint, ChatRequest request) {
        if (request.maxTokens() == null && endpoint.maxOutputTokens() == null) {
            return usage;
        }
        long allowed = mostOutput(endpoint, request.maxTokens(), request.choices(), usage.promptTokens());
        if (usage.completionTokens() <= allowed) {
            return usage;
        }
        return new Usage(usage.promptTokens(), allowed, usage.cachedTokens(), usage.cacheWriteTokens(),
                Math.min(usage.reasoningTokens(), allowed), usage.estimated());
    }

    /**
     * A bound on the output tokens any estimate of this request is billed at, whatever its prompt
     * ({@link #mostOutput} with no prompt); {@code Long.MAX_VALUE} when nothing limits the output.
     * Counting generated text past it cannot change usage or cost.
     */
    static long outputCeiling(Endpoint endpoint, ChatRequest request) {
        if (request.maxTokens() == null && endpoint.maxOutputTokens() == null) {
            return Long.MAX_VALUE;
        }
        return mostOutput(endpoint, request.maxTokens(), request.choices(), 0);
    }

    /**
     * The most output an endpoint may produce for a request: {@code maxTokens} cut to the
     * endpoint's limit (what it is asked for), else its limit, else what {@code prompt} leaves of
     * its context; once per choice.
     */
    static long mostOutput(Endpoint endpoint, Long maxTokens, long choices, long prompt) {
        long one = maxTokens != null ? endpoint.outputLimit(maxTokens)
                : endpoint.maxOutputTokens() != null ? endpoint.maxOutputTokens()
                : Math.max(0, endpoint.contextLength() - prompt);
        return Math.multiplyHigh(one, choices) != 0 ? Long.MAX_VALUE : one * choices;
    }

    /** Embeddings: prompt tokens only, the provider's count or, when it reported none, {@code countedPrompt}. */
    static Metering embedding(JsonNode upstreamUsage, Endpoint endpoint, LongSupplier countedPrompt) {
        Usage usage = upstreamUsage != null && upstreamUsage.has("prompt_tokens") && plausible(upstreamUsage)
                ? Usage.of(upstreamUsage.path("prompt_tokens").asLong(), 0)
                : new Usage(countedPrompt.getAsLong(), 0, 0, 0, 0, true);
        return new Metering(usage, CostCalculator.cost(usage, endpoint.pricing()), null);
    }

    Usage usage() {
        return usage;
    }

    BigDecimal cost() {
        return cost;
    }

    /** The usage object the client receives, with {@code cost}. */
    ObjectNode json() {
        return UsageJson.write(upstreamUsage, usage, cost);
    }
}
