package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;

/**
 * OpenRouter's {@code prompt} on chat completions ("Either messages or prompt is required",
 * api_reference/overview.mdx): the string becomes the one user message, so the request goes on as
 * any other; the answer keeps the chat shape. Pure.
 */
final class ChatPrompt {
    private ChatPrompt() {
    }

    /** The body with {@code prompt} turned into {@code messages}. */
    static byte[] asMessages(byte[] body) {
        ObjectNode request = (ObjectNode) Json.parseRequest(body);
        JsonNode prompt = request.remove("prompt");
        if (prompt == null || !prompt.isTextual()) {
            throw new InvalidRequestException("prompt", "prompt: expected a string (or send messages)");
        }
        request.putArray("messages").addObject().put("role", "user").put("content", prompt.asText());
        return Json.bytes(request);
    }
}
