package dev.switchboard.presets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.presets.PresetMerge.Api;

import java.util.Map;
import java.util.Set;

/**
 * A preset's members (chat completion names) under the names of each inbound API. The Messages and
 * Responses APIs take those with an equivalent of theirs; the others (e.g. {@code tools}, whose
 * shapes differ) apply to chat completions only.
 */
final class PresetMembers {
    /** Switchboard's routing members, the same in every API. */
    private static final Set<String> ROUTING = Set.of("model", "models", "provider");
    private static final Map<String, String> MESSAGES = Map.of("temperature", "temperature", "top_p", "top_p",
            "top_k", "top_k", "max_tokens", "max_tokens", "max_completion_tokens", "max_tokens", "stop", "stop_sequences");
    private static final Map<String, String> RESPONSES = Map.of("temperature", "temperature", "top_p", "top_p",
            "max_tokens", "max_output_tokens", "max_completion_tokens", "max_output_tokens",
            "parallel_tool_calls", "parallel_tool_calls", "top_logprobs", "top_logprobs", "reasoning", "reasoning");

    private PresetMembers() {
    }

    /** The member's name in {@code api}'s body, or null when that API has no equivalent. */
    static String nameIn(Api api, String member) {
        if (ROUTING.contains(member) || api == Api.CHAT) {
            return member;
        }
        return (api == Api.MESSAGES ? MESSAGES : RESPONSES).get(member);
    }

    /** The member's value in {@code api}'s shape. */
    static JsonNode valueIn(Api api, String member, JsonNode value) {
        if (api == Api.MESSAGES && member.equals("stop") && value.isTextual()) {
            return JsonNodeFactory.instance.arrayNode().add(value.asText());
        }
        if (api == Api.RESPONSES && member.equals("reasoning") && value.isObject()) {
            // the Responses API's reasoning takes effort (and summary); OpenRouter's max_tokens and exclude are chat-only
            ObjectNode reasoning = JsonNodeFactory.instance.objectNode();
            if (value.has("effort")) {
                reasoning.set("effort", value.get("effort"));
            }
            return reasoning;
        }
        return value;
    }
}
