package dev.switchboard.providers.gemini;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids for tool calls Gemini returned without one ({@code functionCall.id} is optional and the
 * Gemini API leaves it out): {@code call_} and 24 random letters and digits, OpenAI's shape.
 * Tests pass a predictable source.
 */
@FunctionalInterface
interface ToolCallIds {
    String next();

    static ToolCallIds random() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return () -> {
            // unique, not secret: nothing depends on these being unguessable
            ThreadLocalRandom random = ThreadLocalRandom.current();
            StringBuilder id = new StringBuilder("call_");
            for (int i = 0; i < 24; i++) {
                id.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return id.toString();
        };
    }
}
