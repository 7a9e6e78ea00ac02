package dev.switchboard.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.protocol.Json;

/**
 * A system message in the middle of a conversation, for protocols that have only one system
 * instruction up front (Gemini's {@code systemInstruction}, Bedrock Converse's {@code system}).
 * Hoisting it would move it before turns it was written after, so it stays where it is, as user
 * text wrapped in {@value #OPEN} … {@value #CLOSE}: the model still reads it at that point and as
 * an instruction, not as something the user said. (Anthropic clients such as Claude Code send such
 * turns: environment details and reminders after the first user message.)
 */
public final class SystemTurns {
    static final String OPEN = "<system_instruction>";
    static final String CLOSE = "</system_instruction>";

    private SystemTurns() {
    }

    /** The system message's text parts ({@code {"text": ...}}) as one marked text part; none when it holds no text. */
    public static ArrayNode inPlace(ArrayNode textParts) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        StringBuilder text = new StringBuilder();
        for (JsonNode part : textParts) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(part.path("text").asText());
        }
        if (!text.isEmpty()) {
            parts.addObject().put("text", OPEN + "\n" + text + "\n" + CLOSE);
        }
        return parts;
    }
}
