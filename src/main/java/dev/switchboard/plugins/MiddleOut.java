package dev.switchboard.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.protocol.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The middle-out transform (OpenRouter's context compression, features/message-transforms.mdx):
 * messages are removed from the middle of the conversation, then the middle of the longest
 * remaining text is cut, until the prompt fits the token budget. The middle goes first because
 * models attend least to it. Leading system/developer messages and the last message are kept, and
 * an assistant's tool calls leave together with their tool results, so the conversation stays valid.
 */
public final class MiddleOut {
    /** OpenRouter compresses by default on endpoints with this context or less. */
    public static final long DEFAULT_MAX_CONTEXT = 8192;
    /** What replaces the cut middle of a text. */
    static final String ELISION = "\n…\n";
    private static final int MAX_CUTS = 20;

    private MiddleOut() {
    }

    /** What the transform did: the messages to send and how many were removed or cut. */
    public record Result(ArrayNode messages, int removed, int truncated) {
        public boolean changed() {
            return removed > 0 || truncated > 0;
        }
    }

    /**
     * Fits {@code messages} into {@code budget} tokens as counted by {@code tokens}; returns them as
     * they are when they already fit. May still be over the budget when even the kept messages' text
     * cannot be cut enough (routing then says the prompt is too long).
     */
    public static Result fit(ArrayNode messages, long budget, ToLongFunction<ArrayNode> tokens) {
        long count = tokens.applyAsLong(messages);
        if (count <= budget) {
            return new Result(messages, 0, 0);
        }
        List<List<JsonNode>> units = units(messages);
        int head = leadingSystemUnits(units);
        int removed = 0;
        // drop the unit at the centre of what is left (so the cut grows outwards) while more than head + last remain
        while (units.size() > head + 1 && count > budget) {
            int middle = head + (units.size() - 1 - head) / 2;
            removed += units.remove(middle).size();
            count = tokens.applyAsLong(flatten(units));
        }
        ArrayNode kept = flatten(units);
        int truncated = 0;
        for (int cut = 0; cut < MAX_CUTS && count > budget; cut++) {
            if (!cutLongestText(kept, count - budget, count)) {
                break;
            }
            truncated++;
            count = tokens.applyAsLong(kept);
        }
        return new Result(kept, removed, truncated);
    }

    /** Messages grouped so that an assistant's tool calls and the tool results answering them stay together. */
    private static List<List<JsonNode>> units(ArrayNode messages) {
        List<List<JsonNode>> units = new ArrayList<>();
        for (JsonNode message : messages) {
            String role = message.path("role").asText();
            boolean answersTools = role.equals("tool") || role.equals("function");
            if (answersTools && !units.isEmpty()) {
                units.getLast().add(message);
            } else {
                units.add(new ArrayList<>(List.of(message)));
            }
        }
        return units;
    }

    private static int leadingSystemUnits(List<List<JsonNode>> units) {
        int head = 0;
        while (head < units.size() - 1) {
            String role = units.get(head).getFirst().path("role").asText();
            if (!role.equals("system") && !role.equals("developer")) {
                break;
            }
            head++;
        }
        return head;
    }

    private static ArrayNode flatten(List<List<JsonNode>> units) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        units.forEach(unit -> unit.forEach(m -> out.add(m.deepCopy())));
        return out;
    }

    /**
     * Cuts the middle of the longest text (a string {@code content} or a text part) by about the
     * characters of {@code excessTokens} (of {@code totalTokens}), plus a margin; false when no text is left to cut.
     */
    private static boolean cutLongestText(ArrayNode messages, long excessTokens, long totalTokens) {
        ObjectNode holder = null;
        String field = null;
        int longest = ELISION.length() * 2;
        for (JsonNode message : messages) {
            JsonNode content = message.get("content");
            if (content != null && content.isTextual() && content.asText().length() > longest) {
                holder = (ObjectNode) message;
                field = "content";
                longest = content.asText().length();
            } else if (content != null && content.isArray()) {
                for (JsonNode part : content) {
                    JsonNode text = part.get("text");
                    if (text != null && text.isTextual() && text.asText().length() > longest) {
                        holder = (ObjectNode) part;
                        field = "text";
                        longest = text.asText().length();
                    }
                }
            }
        }
        if (holder == null) {
            return false;
        }
        String text = holder.get(field).asText();
        // characters a token: at least this text's length over the whole prompt's tokens; 10% more for safety.
        // An underestimate only costs another round: the caller recounts and cuts again
        double charsPerToken = (double) text.length() / Math.max(1, totalTokens);
        long cut = Math.min(text.length() - 2L, (long) Math.ceil(excessTokens * charsPerToken * 1.1) + ELISION.length());
        int keepHead = (int) ((text.length() - cut) / 2);
        int keepTail = (int) (text.length() - cut - keepHead);
        holder.put(field, text.substring(0, keepHead) + ELISION + text.substring(text.length() - keepTail));
        return true;
    }
}
