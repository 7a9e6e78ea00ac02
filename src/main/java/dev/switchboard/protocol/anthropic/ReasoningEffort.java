package dev.switchboard.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The OpenAI {@code reasoning_effort} for a Messages request (docs/protocols.md, "Newer Messages
 * members"): the {@code output_config.effort} that applies to the answer, else {@code medium} when
 * {@code thinking} is on ({@code adaptive} or {@code enabled}), else none. An effort set on a turn
 * applies from that turn on, so the last turn that sets one wins over the top level. Anthropic's
 * {@code max} (and {@code xhigh}) has no OpenAI peer above {@code high}; an unknown effort is dropped.
 */
final class ReasoningEffort {
    private ReasoningEffort() {
    }

    /** The effort, or null when the request asks for none. */
    static String of(JsonNode root, JsonNode turns) {
        String effort = effort(root.path("output_config"));
        for (JsonNode turn : turns) {
            String set = effort(turn.path("output_config"));
            if (set != null) {
                effort = set;
            }
        }
        if (effort != null) {
            return openAiName(effort);
        }
        String thinking = root.path("thinking").path("type").asText("");
        return thinking.equals("adaptive") || thinking.equals("enabled") ? "medium" : null;
    }

    private static String effort(JsonNode outputConfig) {
        JsonNode effort = outputConfig.path("effort");
        return effort.isTextual() ? effort.asText() : null;
    }

    private static String openAiName(String effort) {
        return switch (effort) {
            case "low", "medium", "high" -> effort;
            case "max", "xhigh" -> "high";
            default -> null;
        };
    }
}
