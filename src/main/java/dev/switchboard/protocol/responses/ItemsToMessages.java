package dev.switchboard.protocol.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.util.List;

import static dev.switchboard.protocol.responses.Fields.invalid;

/**
 * Input items as chat messages. System and developer messages become {@code system} messages
 * (every adapter maps that role; OpenAI treats the two alike for chat models); consecutive
 * {@code function_call} / {@code custom_tool_call} items become one assistant message with
 * {@code tool_calls}; their outputs become {@code tool} messages (images or files a tool returned
 * follow as a user message, as chat tool messages hold only text). Reasoning items and hosted-tool
 * items are left out: encrypted reasoning is readable only by the provider that wrote it, and
 * what a hosted tool found is already in the assistant's text.
 */
final class ItemsToMessages {
    private final ToolNames names;
    private final ArrayNode messages;
    /** Media returned by tools, waiting for the end of the run of tool messages. */
    private ArrayNode toolMedia;

    ItemsToMessages(ToolNames names, ArrayNode messages) {
        this.names = names;
        this.messages = messages;
    }

    void addAll(List<ObjectNode> items, String path) {
        for (int i = 0; i < items.size(); i++) {
            add(items.get(i), path + "[" + i + "]");
        }
        flushToolMedia();
    }

    private void add(ObjectNode item, String path) {
        String type = item.path("type").asText("message");
        if (!type.equals("function_call_output") && !type.equals("custom_tool_call_output")) {
            flushToolMedia();
        }
        switch (type) {
            case "message" -> message(item, path);
            case "function_call" -> toolCall(item, item.path("arguments").asText(""), false);
            case "custom_tool_call" -> toolCall(item, Json.string(Json.object().put("input", item.path("input").asText(""))), true);
            case "function_call_output", "custom_tool_call_output" -> toolOutput(item, path);
            default -> {
                // reasoning, additional_tools (read by ToolsToChat), hosted-tool items: not messages
            }
        }
    }

    private void message(ObjectNode item, String path) {
        String role = item.path("role").asText();
        JsonNode content = item.path("content");
        switch (role) {
            case "system", "developer" -> messages.addObject().put("role", "system").set("content", textContent(content));
            case "assistant" -> assistant(content);
            default -> messages.addObject().put("role", "user").set("content", userContent(content, path + ".content"));
        }
    }

    /** One string when there is one text part (what every adapter reads), else a list of text parts. */
    private static JsonNode textContent(JsonNode content) {
        if (content.isTextual()) {
            return content;
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (JsonNode part : content) {
            String text = part.path("text").asText(part.path("refusal").asText(""));
            parts.addObject().put("type", "text").put("text", text);
        }
        return parts.size() == 1 ? parts.get(0).get("text") : parts;
    }

    private void assistant(JsonNode content) {
        StringBuilder text = new StringBuilder();
        String refusal = null;
        if (content.isTextual()) {
            text.append(content.asText());
        }
        for (JsonNode part : content.isArray() ? content : Json.MAPPER.createArrayNode()) {
            if (part.path("type").asText().equals("refusal")) {
                refusal = part.path("refusal").asText();
            } else {
                text.append(part.path("text").asText(""));
            }
        }
        ObjectNode message = messages.addObject().put("role", "assistant").put("content", text.toString());
        if (refusal != null) {
            message.put("refusal", refusal);
        }
    }

    private static JsonNode userContent(JsonNode content, String path) {
        if (content.isTextual()) {
            return content;
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (int j = 0; j < content.size(); j++) {
            parts.add(part(content.get(j), path + "[" + j + "]"));
        }
        if (parts.size() == 1 && parts.get(0).path("type").asText().equals("text")) {
            return parts.get(0).get("text");
        }
        return parts;
    }

    /** One input part as a chat content part (input_text → text, input_image → image_url, input_file → file). */
    static ObjectNode part(JsonNode part, String path) {
        switch (part.path("type").asText()) {
            case "input_image" -> {
                if (!part.hasNonNull("image_url")) {
                    throw invalid(path + ".file_id", "images by file_id are not supported for this model; send image_url (a URL or a data URL)");
                }
                ObjectNode out = Json.object().put("type", "image_url");
                ObjectNode url = out.putObject("image_url").put("url", part.get("image_url").asText());
                if (part.hasNonNull("detail")) {
                    url.set("detail", part.get("detail"));
                }
                return out;
            }
            case "input_file" -> {
                ObjectNode out = Json.object().put("type", "file");
                ObjectNode file = out.putObject("file");
                if (part.hasNonNull("filename")) {
                    file.set("filename", part.get("filename"));
                }
                if (part.hasNonNull("file_data")) {
                    file.set("file_data", part.get("file_data"));
                } else if (part.hasNonNull("file_url")) {
                    // OpenRouter's chat file part takes a URL in file_data
                    file.set("file_data", part.get("file_url"));
                } else {
                    file.set("file_id", part.get("file_id"));
                }
                return out;
            }
            case "input_audio" -> throw invalid(path + ".type", "audio input is not supported for this model");
            case "refusal" -> {
                return Json.object().put("type", "text").put("text", part.path("refusal").asText(""));
            }
            default -> {
                return Json.object().put("type", "text").put("text", part.path("text").asText(""));
            }
        }
    }

    /** Joins the call to the assistant message just before it, if that one is still open for tool calls. */
    private void toolCall(ObjectNode item, String arguments, boolean custom) {
        ObjectNode assistant = openAssistant();
        ArrayNode calls = assistant.has("tool_calls") ? (ArrayNode) assistant.get("tool_calls") : assistant.putArray("tool_calls");
        ObjectNode call = calls.addObject().put("id", item.path("call_id").asText()).put("type", "function");
        String namespace = item.hasNonNull("namespace") ? item.get("namespace").asText() : null;
        call.putObject("function").put("name", names.chatName(namespace, item.path("name").asText()))
                .put("arguments", arguments);
    }

    private ObjectNode openAssistant() {
        if (!messages.isEmpty()) {
            JsonNode last = messages.get(messages.size() - 1);
            if (last.path("role").asText().equals("assistant")) {
                return (ObjectNode) last;
            }
        }
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        assistant.putNull("content");
        return assistant;
    }

    private void toolOutput(ObjectNode item, String path) {
        JsonNode output = item.path("output");
        ObjectNode tool = messages.addObject().put("role", "tool").put("tool_call_id", item.path("call_id").asText());
        if (output.isTextual()) {
            tool.put("content", output.asText());
            return;
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < output.size(); j++) {
            JsonNode part = output.get(j);
            switch (part.path("type").asText()) {
                case "input_text", "output_text" -> text.append(part.path("text").asText(""));
                default -> {
                    if (toolMedia == null) {
                        toolMedia = Json.MAPPER.createArrayNode();
                    }
                    toolMedia.add(part(part, path + ".output[" + j + "]"));
                }
            }
        }
        tool.put("content", text.toString());
    }

    private void flushToolMedia() {
        if (toolMedia != null) {
            ArrayNode content = Json.MAPPER.createArrayNode();
            content.addObject().put("type", "text").put("text", "The tool output above came with these attachments:");
            content.addAll(toolMedia);
            messages.addObject().put("role", "user").set("content", content);
            toolMedia = null;
        }
    }
}
