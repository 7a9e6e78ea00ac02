package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.JsonMembers;

import java.util.Set;

/**
 * OpenRouter's {@code reasoning} member ({@code {effort, max_tokens, enabled, exclude}}) and its
 * deprecated alias {@code include_reasoning}, checked when the request is decoded. For an
 * OpenAI-protocol upstream it becomes {@code reasoning_effort} ({@link #openAiEffort}); the other
 * adapters read the member themselves (thinking budgets); {@code exclude} keeps the reasoning out of
 * the answer whatever the upstream.
 *
 * @param effort the effort asked for, or null
 * @param maxTokens the reasoning budget asked for, or null
 * @param enabled {@code enabled} when given, else null
 * @param exclude whether the reasoning is left out of the answer
 */
public record ReasoningOptions(String effort, Long maxTokens, Boolean enabled, boolean exclude) {
    /** parameters.mdx lists xhigh to none; {@code max} is Anthropic's top level, accepted by the thinking mapping. */
    static final Set<String> EFFORTS = Set.of("none", "minimal", "low", "medium", "high", "xhigh", "max");

    static final ReasoningOptions NONE = new ReasoningOptions(null, null, null, false);
    /** {@code {enabled: true}}: what the {@code :thinking} variant asks for when the request does not say. */
    static final ReasoningOptions ENABLED = new ReasoningOptions(null, null, true, false);

    /** @throws JsonMembers.InvalidMember naming the sub-member that is malformed */
    static ReasoningOptions decode(ObjectNode reasoning) {
        String effort = null;
        JsonNode e = reasoning.get("effort");
        if (e != null && !e.isNull()) {
            if (!e.isTextual() || !EFFORTS.contains(e.asText())) {
                throw new JsonMembers.InvalidMember("reasoning.effort",
                        "reasoning.effort: expected one of none, minimal, low, medium, high, xhigh, max");
            }
            effort = e.asText();
        }
        Long maxTokens = null;
        JsonNode m = reasoning.get("max_tokens");
        if (m != null && !m.isNull()) {
            if (!m.canConvertToLong() || !m.isIntegralNumber() || m.asLong() < 0) {
                throw new JsonMembers.InvalidMember("reasoning.max_tokens", "reasoning.max_tokens: expected a non-negative integer");
            }
            maxTokens = m.asLong();
        }
        return new ReasoningOptions(effort, maxTokens, bool(reasoning, "enabled"),
                Boolean.TRUE.equals(bool(reasoning, "exclude")));
    }

    private static Boolean bool(ObjectNode reasoning, String name) {
        JsonNode value = reasoning.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new JsonMembers.InvalidMember("reasoning." + name, "reasoning." + name + ": expected true or false");
        }
        return value.asBoolean();
    }

    /** The same options with the reasoning left out of the answer ({@code include_reasoning: false}). */
    ReasoningOptions excluded() {
        return new ReasoningOptions(effort, maxTokens, enabled, true);
    }

    /**
     * The {@code reasoning_effort} for an OpenAI-protocol upstream, or null for none: the effort; without
     * one, {@code medium} when reasoning is asked for by {@code enabled: true} or a budget (Chat
     * Completions has no budget); nothing when {@code enabled: false}.
     */
    public String openAiEffort() {
        if (Boolean.FALSE.equals(enabled)) {
            return null;
        }
        if (effort != null) {
            return effort.equals("max") ? "xhigh" : effort;
        }
        return Boolean.TRUE.equals(enabled) || maxTokens != null ? "medium" : null;
    }
}
