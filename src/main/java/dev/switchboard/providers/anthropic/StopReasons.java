package dev.switchboard.providers.anthropic;

/** Anthropic's {@code stop_reason} as OpenAI's {@code finish_reason} (MAPPING.md §2). */
final class StopReasons {
    private StopReasons() {
    }

    /**
     * {@code pause_turn} (a server tool paused the turn) has no OpenAI equivalent and reads as a
     * normal stop, as does any reason this version does not know (the enum is open: the docs
     * already name {@code model_context_window_exceeded}, which the vendored spec lacks).
     */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return "stop";
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn, unknown
        };
    }
}
