package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.SystemTurns;

import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * OpenAI {@code messages} as Gemini {@code contents} plus {@code systemInstruction} parts
 * (fixtures/MAPPING.md §4; Content/Part in specs/gemini/content.proto).
 * <ul>
 * <li>{@code system} / {@code developer} messages before the first other message become
 *     systemInstruction parts, in order. A later one keeps its place: it becomes user text marked
 *     as a system instruction ({@link dev.switchboard.providers.SystemTurns}), merged with neighbouring user turns.</li>
 * <li>{@code assistant} becomes role {@code model}; its text first, then one {@code functionCall}
 *     part per tool call, with {@code args} parsed from the arguments string.</li>
 * <li>{@code tool} (and the legacy {@code function}) messages become {@code functionResponse}
 *     parts in a {@code user} turn; the function name is looked up from the assistant tool call
 *     with the same id. Output that is not a JSON object is wrapped as {@code {"result": ...}}.</li>
 * <li>Consecutive messages that map to the same role are merged into one Content.</li>
 * <li>Images and audio must be inline ({@code data:} URLs, {@code input_audio}) or Gemini Files
 *     API URIs ({@code fileData}); other URLs are refused rather than fetched by the gateway.</li>
 * <li>Tool call ids are not sent: the Gemini API matches responses to calls by name and order.</li>
 * </ul>
 * Dropped: message {@code name}, image {@code detail}, assistant {@code reasoning} / {@code audio},
 * thought signatures (OpenAI history has nowhere to keep them).
 */
final class GeminiContents {
    /** Where the Gemini API serves uploaded files; such URIs are sent as fileData. */
    static final String FILES_API_PREFIX = "https://generativelanguage.googleapis.com/";

    private final ArrayNode system = Json.MAPPER.createArrayNode();
    private final ArrayNode contents = Json.MAPPER.createArrayNode();
    private final Map<String, String> toolNames = new HashMap<>();

    private GeminiContents() {
    }

    /** Translates {@code messages}; throws {@link InvalidRequestException} for what Gemini cannot take. */
    static GeminiContents of(JsonNode messages) {
        GeminiContents c = new GeminiContents();
        for (int i = 0; i < messages.size(); i++) {
            c.add(messages.get(i), "messages[" + i + "]");
        }
        return c;
    }

    /** The systemInstruction parts (possibly empty). */
    ArrayNode system() {
        return system;
    }

    ArrayNode contents() {
        return contents;
    }

    private void add(JsonNode message, String at) {
        String role = message.path("role").asText();
        switch (role) {
            case "system", "developer" -> {
                ArrayNode parts = textParts(message.get("content"), at + ".content");
                if (contents.isEmpty()) {
                    system.addAll(parts);
                } else {
                    append("user", SystemTurns.inPlace(parts));
                }
            }
            case "user" -> append("user", userParts(message.get("content"), at + ".content"));
            case "assistant" -> append("model", assistantParts(message, at));
            case "tool" -> append("user", functionResponse(toolName(message, at), message.get("content"), at));
            case "function" -> append("user", functionResponse(requiredText(message, "name", at), message.get("content"), at));
            default -> throw new InvalidRequestException(at + ".role", at + ".role: unknown role \"" + role + "\"");
        }
    }

    private void append(String role, ArrayNode parts) {
        if (parts.isEmpty()) {
            return;
        }
        JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("parts")).addAll(parts);
            return;
        }
        ObjectNode content = contents.addObject().put("role", role);
        content.set("parts", parts);
    }

    /** System and developer content: a string or text parts. */
    private static ArrayNode textParts(JsonNode content, String at) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            addText(parts, content.asText());
            return parts;
        }
        JsonNode list = arrayOf(content, at);
        for (int j = 0; j < list.size(); j++) {
            JsonNode part = list.get(j);
            String type = part.path("type").asText();
            if (!type.equals("text")) {
                throw new InvalidRequestException(at + "[" + j + "].type",
                        at + "[" + j + "].type: only text parts are allowed here (got \"" + type + "\")");
            }
            addText(parts, part.path("text").asText());
        }
        return parts;
    }

    private static ArrayNode userParts(JsonNode content, String at) {
        if (content == null || content.isNull() || content.isTextual()) {
            return textParts(content, at);
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        JsonNode list = arrayOf(content, at);
        for (int j = 0; j < list.size(); j++) {
            JsonNode part = list.get(j);
            String partAt = at + "[" + j + "]";
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> addText(parts, part.path("text").asText());
                case "image_url" -> parts.add(media(requiredText(part.path("image_url"), "url", partAt + ".image_url"),
                        partAt + ".image_url.url"));
                case "input_audio" -> parts.add(audio(part.path("input_audio"), partAt + ".input_audio"));
                case "file" -> parts.add(file(part.path("file"), partAt + ".file"));
                default -> throw new InvalidRequestException(partAt + ".type",
                        partAt + ".type: content part \"" + type + "\" cannot be sent to Gemini");
            }
        }
        return parts;
    }

    private ArrayNode assistantParts(JsonNode message, String at) {
        JsonNode content = message.get("content");
        ArrayNode parts = Json.MAPPER.createArrayNode();
        if (content != null && content.isTextual()) {
            addText(parts, content.asText());
        } else if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                // refusal parts are what the assistant said, as far as the model is concerned
                addText(parts, part.has("text") ? part.path("text").asText() : part.path("refusal").asText());
            }
        }
        JsonNode calls = message.get("tool_calls");
        if (calls != null && !calls.isNull()) {
            JsonNode list = arrayOf(calls, at + ".tool_calls");
            for (int k = 0; k < list.size(); k++) {
                parts.add(functionCall(list.get(k), at + ".tool_calls[" + k + "]"));
            }
        }
        return parts;
    }

    private ObjectNode functionCall(JsonNode call, String at) {
        JsonNode function = call.path("function");
        String name = requiredText(function, "name", at + ".function");
        if (call.hasNonNull("id")) {
            toolNames.put(call.get("id").asText(), name);
        }
        ObjectNode part = Json.object();
        ObjectNode functionCall = part.putObject("functionCall").put("name", name);
        functionCall.set("args", arguments(function.path("arguments").asText(""), at + ".function.arguments"));
        return part;
    }

    /** The arguments string as the object Gemini wants; an empty string means no arguments. */
    private static JsonNode arguments(String arguments, String at) {
        if (arguments.isBlank()) {
            return Json.object();
        }
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(arguments);
        } catch (IOException e) {
            throw new InvalidRequestException(at, at + ": not valid JSON");
        }
        if (parsed == null || !parsed.isObject()) {
            throw new InvalidRequestException(at, at + ": expected a JSON object");
        }
        return parsed;
    }

    private String toolName(JsonNode message, String at) {
        String id = requiredText(message, "tool_call_id", at);
        String name = toolNames.get(id);
        if (name == null) {
            throw new InvalidRequestException(at + ".tool_call_id", at + ".tool_call_id: no earlier assistant tool call has id \""
                    + id + "\" (Gemini needs the function name)");
        }
        return name;
    }

    private static ArrayNode functionResponse(String name, JsonNode content, String at) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        ObjectNode response = parts.addObject().putObject("functionResponse").put("name", name);
        response.set("response", responseObject(toolOutput(content, at + ".content")));
        return parts;
    }

    /** Tool output as text: a string, or the text parts joined. */
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

    /** Gemini's response is a Struct: a JSON object passes as it is, anything else goes under "result". */
    private static ObjectNode responseObject(String output) {
        String trimmed = output.strip();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode parsed = Json.MAPPER.readTree(trimmed);
                if (parsed != null && parsed.isObject()) {
                    return (ObjectNode) parsed;
                }
            } catch (IOException notJson) {
                // plain text that happens to start with a brace
            }
        }
        return Json.object().put("result", output);
    }

    /** An image URL: a data URL inline, a Files API URI by reference, anything else refused. */
    private static ObjectNode media(String url, String at) {
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            return inline(url, at);
        }
        if (url.startsWith(FILES_API_PREFIX) && url.contains("/files/")) {
            ObjectNode part = Json.object();
            part.putObject("fileData").put("fileUri", url);
            return part;
        }
        throw new InvalidRequestException(at, at + ": Gemini takes images inline (data: URLs) or as Gemini Files API URIs;"
                + " Switchboard does not download other URLs for it");
    }

    private static ObjectNode audio(JsonNode audio, String at) {
        String format = requiredText(audio, "format", at).toLowerCase(Locale.ROOT);
        if (!format.equals("wav") && !format.equals("mp3")) {
            throw new InvalidRequestException(at + ".format", at + ".format: expected wav or mp3");
        }
        return inlineData("audio/" + format, requiredText(audio, "data", at));
    }

    private static ObjectNode file(JsonNode file, String at) {
        String data = file.path("file_data").asText("");
        if (!data.regionMatches(true, 0, "data:", 0, 5)) {
            throw new InvalidRequestException(at + ".file_data", at + ".file_data: Gemini needs the file inline, as a"
                    + " data: URL (file ids of other providers cannot be sent)");
        }
        return inline(data, at + ".file_data");
    }

    /** {@code data:<mime type>;base64,<data>} as an inlineData part. */
    private static ObjectNode inline(String dataUrl, String at) {
        int comma = dataUrl.indexOf(',');
        String header = comma < 0 ? "" : dataUrl.substring(5, comma);
        if (!header.toLowerCase(Locale.ROOT).endsWith(";base64") || header.length() == ";base64".length()) {
            throw new InvalidRequestException(at, at + ": expected a data URL of the form data:<media type>;base64,<data>");
        }
        String mimeType = header.substring(0, header.length() - ";base64".length()).toLowerCase(Locale.ROOT);
        return inlineData(mimeType, dataUrl.substring(comma + 1));
    }

    private static ObjectNode inlineData(String mimeType, String base64) {
        ObjectNode part = Json.object();
        part.putObject("inlineData").put("mimeType", mimeType).put("data", base64);
        return part;
    }

    private static void addText(ArrayNode parts, String text) {
        if (!text.isEmpty()) {
            parts.addObject().put("text", text);
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
