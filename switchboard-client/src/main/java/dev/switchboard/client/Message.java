package dev.switchboard.client;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One chat message. {@code content} is null only for an assistant turn that just calls tools;
 * {@code toolCalls} is set on assistant turns, {@code toolCallId} on tool results (else null).
 */
public record Message(String role, String content, List<ToolCall> toolCalls, String toolCallId) {
    public Message {
        requireNonNull(role, "role");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (content == null && toolCalls.isEmpty()) {
            throw new IllegalArgumentException("content: null (expected: text, or tool calls on an assistant message)");
        }
    }

    public static Message system(String content) {
        return new Message("system", requireNonNull(content, "content"), List.of(), null);
    }

    public static Message user(String content) {
        return new Message("user", requireNonNull(content, "content"), List.of(), null);
    }

    public static Message assistant(String content) {
        return new Message("assistant", requireNonNull(content, "content"), List.of(), null);
    }

    /** The assistant's turn of a result, tool calls included: what to send back before the tools' answers. */
    public static Message assistant(ChatResult result) {
        return new Message("assistant", result.content(), result.toolCalls(), null);
    }

    /** The answer of the tool call {@code toolCallId}. */
    public static Message tool(String toolCallId, String content) {
        return new Message("tool", requireNonNull(content, "content"), List.of(), requireNonNull(toolCallId, "toolCallId"));
    }
}
