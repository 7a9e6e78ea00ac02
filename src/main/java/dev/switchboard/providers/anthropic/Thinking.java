package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;

import java.util.Map;

/**
 * OpenAI's {@code reasoning_effort} and OpenRouter's {@code reasoning} as Anthropic extended
 * thinking ({@code {"type": "enabled", "budget_tokens": N}}). There is no standard mapping
 * (MAPPING.md §1); Switchboard's choice:
 * <ul>
 * <li>{@code reasoning.max_tokens} is the budget itself;</li>
 * <li>an effort is a share of {@code max_tokens}: minimal 10 %, low 20 %, medium 50 %, high 80 %,
 *     xhigh and max 95 % (proportional, so a larger output allowance buys deeper thinking), and
 *     {@code reasoning.enabled: true} without an effort means medium;</li>
 * <li>effort {@code none}, or {@code reasoning.enabled: false}, means no thinking;</li>
 * <li>the budget is at least 1,024 (the spec's minimum) and below {@code max_tokens} (the spec
 *     requires it; OpenAI's max_completion_tokens also covers reasoning), so when max_tokens is
 *     1,024 or less there is no room to think and thinking stays off.</li>
 * </ul>
 */
final class Thinking {
    static final long MIN_BUDGET = 1_024;
    private static final Map<String, Double> EFFORT_SHARE = Map.of("minimal", 0.10, "low", 0.20, "medium", 0.50,
            "high", 0.80, "xhigh", 0.95, "max", 0.95);

    private Thinking() {
    }

    /** The {@code thinking} object for a request whose output may use {@code maxTokens}, or null for none. */
    static ObjectNode of(JsonNode reasoningEffort, JsonNode reasoning, long maxTokens) {
        Long budget = requestedBudget(reasoningEffort, reasoning, maxTokens);
        if (budget == null) {
            return null;
        }
        long fitted = Math.min(Math.max(budget, MIN_BUDGET), maxTokens - 1);
        if (fitted < MIN_BUDGET) {
            return null;
        }
        return Json.object().put("type", "enabled").put("budget_tokens", fitted);
    }

    private static Long requestedBudget(JsonNode reasoningEffort, JsonNode reasoning, long maxTokens) {
        JsonNode settings = reasoning != null && reasoning.isObject() ? reasoning : Json.object();
        if (settings.path("enabled").isBoolean() && !settings.path("enabled").asBoolean()) {
            return null;
        }
        if (settings.path("max_tokens").canConvertToLong()) {
            return settings.path("max_tokens").asLong();
        }
        String effort = null;
        String param = "reasoning.effort";
        if (settings.hasNonNull("effort")) {
            effort = settings.get("effort").asText();
        } else if (reasoningEffort != null && !reasoningEffort.isNull()) {
            effort = reasoningEffort.asText();
            param = "reasoning_effort";
        } else if (settings.path("enabled").asBoolean(false)) {
            effort = "medium";
        }
        if (effort == null || effort.equals("none")) {
            return null;
        }
        Double share = EFFORT_SHARE.get(effort);
        if (share == null) {
            throw new InvalidRequestException(param, param
                    + ": expected one of none, minimal, low, medium, high, xhigh, max (got \"" + effort + "\")");
        }
        return (long) Math.floor(maxTokens * share);
    }
}
