package dev.switchboard.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.math.BigDecimal;

/** Reads and writes the OpenAI {@code usage} object, adding Switchboard's {@code cost} (USD). */
public final class UsageJson {
    private UsageJson() {
    }

    public static Usage read(JsonNode usage) {
        long prompt = count(usage.get("prompt_tokens"));
        long completion = count(usage.get("completion_tokens"));
        JsonNode promptDetails = usage.path("prompt_tokens_details");
        JsonNode completionDetails = usage.path("completion_tokens_details");
        long cached = Math.min(prompt, count(promptDetails.get("cached_tokens")));
        long cacheWrite = Math.min(prompt - cached, count(promptDetails.get("cache_write_tokens")));
        long reasoning = Math.min(completion, count(completionDetails.get("reasoning_tokens")));
        return new Usage(prompt, completion, cached, cacheWrite, reasoning, false);
    }

    /**
     * The usage object for the client: the upstream's own (kept field for field when given) with
     * OpenRouter's normalised counts and {@code cost}.
     */
    public static ObjectNode write(JsonNode upstream, Usage usage, BigDecimal cost) {
        ObjectNode out = upstream instanceof ObjectNode o ? o.deepCopy() : Json.object();
        out.put("prompt_tokens", usage.promptTokens());
        out.put("completion_tokens", usage.completionTokens());
        out.put("total_tokens", usage.totalTokens());
        ObjectNode promptDetails = details(out, "prompt_tokens_details");
        promptDetails.put("cached_tokens", usage.cachedTokens());
        if (usage.cacheWriteTokens() > 0) {
            promptDetails.put("cache_write_tokens", usage.cacheWriteTokens());
        }
        details(out, "completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        out.put("cost", cost);
        if (usage.estimated()) {
            out.put("estimated", true);
        }
        return out;
    }

    private static ObjectNode details(ObjectNode usage, String field) {
        JsonNode existing = usage.get(field);
        if (existing instanceof ObjectNode o) {
            return o;
        }
        return usage.putObject(field);
    }

    private static long count(JsonNode node) {
        return node == null || !node.canConvertToLong() ? 0 : Math.max(0, node.asLong());
    }
}
