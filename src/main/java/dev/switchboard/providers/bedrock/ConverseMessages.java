package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.SystemTurns;

import java.io.IOException;
import java.util.Locale;

/**
 * OpenAI {@code messages} as Converse {@code messages} plus {@code system} blocks
 * (fixtures/MAPPING.md §5; Message / ContentBlock in specs/bedrock/converse_subset.service-2.json).
 * <ul>
 * <li>{@code system} / {@code developer} messages before the first other message become
 *     {@code system} text blocks, in order. A later one keeps its place: it becomes user text
 *     marked as a system instruction ({@link dev.switchboard.providers.SystemTurns}), merged with
 *     neighbouring user turns.</li>
 * <li>{@code user} text and images: an image must be a {@code data:} URL (png, jpeg, gif, webp),
 *     sent as {@code image.source.bytes}; Converse has no URL source and Switchboard downloads nothing.</li>
 * <li>{@code assistant} text first, then one {@code toolUse} per tool call, {@code input} parsed
 *     from the arguments string, the call id kept as {@code toolUseId}.</li>
 * <li>{@code tool} messages become {@code toolResult} blocks in a user turn, status success:
 *     output that is a JSON object goes as {@code json}, anything else as {@code text}.</li>
 * <li>Consecutive messages of the same role are merged (Converse wants the roles to alternate,
 *     and all results of one assistant turn in one user turn); empty text is left out (Bedrock
 *     rejects empty blocks, bedrock/error_validation_400.json).</li>
 * </ul>
 * Dropped: message {@code name}, image {@code detail}, audio and file parts (refused), assistant
 * {@code reasoning} / {@code audio}.
 */
final class ConverseMessages {
    private final ArrayNode system = Json.MAPPER.createArrayNode();
    private final ArrayNode messages = Json.MAPPER.createArrayNode();
    private boolean usesTools;

    private ConverseMessages() {
    }

    /** Translates {@code messages}; throws {@link InvalidRequestException} for what Converse cannot take. */
    static ConverseMessages of(JsonNode messages) {
        ConverseMessages c = new ConverseMessages();
        for (int i = 0; i < messages.size(); i++) {
            c.add(messages.get(i), "messages[" + i + "]");
        }
        return c;
    }

    ArrayNode system() {
        return system;
    }

    ArrayNode messages() {
        return messages;
    }

    /** Whether the conversation holds toolUse or toolResult blocks (then Converse requires a toolConfig). */
    boolean usesTools() {
        return usesTools;
    }

    private void add(JsonNode message, String at) {
        String role = message.path("role").asText();
        switch (role) {
            case "system", "developer" -> {
                ArrayNode blocks = textBlocks(message.get("content"), at + ".content");
                if (messages.isEmpty()) {
                    system.addAll(blocks);
                } else {
                    append("user", SystemTurns.inPlace(blocks));
                }
            }
            case "user" -> append("user", userBlocks(message.get("content"), at + ".content"));
            case "assistant" -> append("assistant", assistantBlocks(message, at));
            case "tool" -> append("user", toolResult(message, at));
            default -> throw new InvalidRequestException(at + ".role", at + ".role: unknown role \"" + role + "\"");
        }
    }

    private void append(String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("content")).addAll(blocks);
            return;
        }
        messages.addObject().put("role", role).set("content", blocks);
    }

    private static ArrayNode textBlocks(JsonNode content, String at) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            addText(blocks, content.asText());
            return blocks;
        }
        JsonNode list = arrayOf(content, at);
        for (int j = 0; j < list.size(); j++) {
            String type = list.get(j).path("type").asText();
            if (!type.equals("text")) {
                throw new InvalidRequestException(at + "[" + j + "].type",
                        at + "[" + j + "].type: only text parts are allowed here (got \"" + type + "\")");
            }
            addText(blocks, list.get(j).path("text").asText());
        }
        return blocks;
    }

    private static ArrayNode userBlocks(JsonNode content, String at) {
        if (content == null || content.isNull() || content.isTextual()) {
            return textBlocks(content, at);
        }
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        JsonNode list = arrayOf(content, at);
        for (int j = 0; j < list.size(); j++) {
            JsonNode part = list.get(j);
            String partAt = at + "[" + j + "]";
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> addText(blocks, part.path("text").asText());
                case "image_url" -> blocks.add(image(part.path("image_url").path("url").asText(""), partAt + ".image_url.url"));
                default -> throw new InvalidRequestException(partAt + ".type",
                        partAt + ".type: content part \"" + type + "\" cannot be sent to Bedrock");
            }
        }
        return blocks;
    }

    /** {@code data:image/<format>;base64,<data>} as an image block. */
    private static ObjectNode image(String url, String at) {
        if (!url.regionMatches(true, 0, "data:", 0, 5)) {
            throw new InvalidRequestException(at, at + ": Bedrock takes images inline only (data: URLs);"
                    + " Switchboard does not download image URLs for it");
        }
        int comma = url.indexOf(',');
        String header = comma < 0 ? "" : url.substring(5, comma).toLowerCase(Locale.ROOT);
        if (!header.startsWith("image/") || !header.endsWith(";base64")) {
            throw new InvalidRequestException(at, at + ": expected a data URL of the form data:image/<format>;base64,<data>");
        }
        String format = switch (header.substring("image/".length(), header.length() - ";base64".length())) {
            case "png" -> "png";
            case "jpeg", "jpg" -> "jpeg";
            case "gif" -> "gif";
            case "webp" -> "webp";
            default -> throw new InvalidRequestException(at, at + ": Bedrock takes png, jpeg, gif or webp images");
        };
        ObjectNode block = Json.object();
        block.putObject("image").put("format", format).putObject("source").put("bytes", url.substring(comma + 1));
        return block;
    }

    private ArrayNode assistantBlocks(JsonNode message, String at) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            addText(blocks, content.asText());
        } else if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                // a refusal part is what the assistant said, as far as the model is concerned
                addText(blocks, part.has("text") ? part.path("text").asText() : part.path("refusal").asText());
            }
        }
        JsonNode calls = message.get("tool_calls");
        if (calls != null && !calls.isNull()) {
            JsonNode list = arrayOf(calls, at + ".tool_calls");
            for (int k = 0; k < list.size(); k++) {
                blocks.add(toolUse(list.get(k), at + ".tool_calls[" + k + "]"));
            }
        }
        return blocks;
    }

    private ObjectNode toolUse(JsonNode call, String at) {
        JsonNode function = call.path("function");
        ObjectNode block = Json.object();
        ObjectNode toolUse = block.putObject("toolUse")
                .put("toolUseId", requiredText(call, "id", at))
                .put("name", requiredText(function, "name", at + ".function"));
        toolUse.set("input", arguments(function.path("arguments").asText(""), at + ".function.arguments"));
        usesTools = true;
        return block;
    }

    private static JsonNode arguments(String arguments, String at) {
        if (arguments.isBlank()) {
            return Json.object();
        }
        try {
            JsonNode parsed = Json.MAPPER.readTree(arguments);
            if (parsed != null && parsed.isObject()) {
                return parsed;
            }
        } catch (IOException e) {
            throw new InvalidRequestException(at, at + ": not valid JSON");
        }
        throw new InvalidRequestException(at, at + ": expected a JSON object");
    }

    private ArrayNode toolResult(JsonNode message, String at) {
        String output = toolOutput(message.get("content"), at + ".content");
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        ObjectNode result = blocks.addObject().putObject("toolResult")
                .put("toolUseId", requiredText(message, "tool_call_id", at));
        JsonNode json = jsonObject(output);
        ObjectNode item = result.putArray("content").addObject();
        if (json != null) {
            item.set("json", json);
        } else {
            item.put("text", output);
        }
        result.put("status", "success");
        usesTools = true;
        return blocks;
    }

    private static String toolOutput(JsonNode content, String at) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : arrayOf(content, at)) {
            text.append(part.path("text").asText());
        }
        return text.toString();
    }

    /** The output as a JSON object when it is one, else null. */
    private static JsonNode jsonObject(String output) {
        String trimmed = output.strip();
        if (!trimmed.startsWith("{")) {
            return null;
        }
        try {
            JsonNode parsed = Json.MAPPER.readTree(trimmed);
            return parsed != null && parsed.isObject() ? parsed : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    private static void addText(ArrayNode blocks, String text) {
        if (!text.isEmpty()) {
            blocks.addObject().put("text", text);
        }
    }

    private static JsonNode arrayOf(JsonNode node, String at) {
        if (!node.isArray()) {
            throw new InvalidRequestException(at, at + ": expected a string or an array");
        }
        return node;
    }

    private static String requiredText(JsonNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new InvalidRequestException(at + "." + field, at + "." + field + ": required (a string)");
        }
        return value.asText();
    }
}
