package dev.switchboard.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Chat Completions request body for a model, messages and options. */
final class RequestBodies {
    private static final Set<String> TOOL_CHOICE_MODES = Set.of("auto", "none", "required");

    private RequestBodies() {
    }

    static ObjectNode chat(String model, List<Message> messages, ChatOptions options, boolean stream) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("model", model);
        ArrayNode list = body.putArray("messages");
        messages.forEach(m -> list.add(message(m)));
        if (options.temperature() != null) {
            body.put("temperature", options.temperature());
        }
        if (options.maxTokens() != null) {
            body.put("max_tokens", options.maxTokens());
        }
        if (options.topP() != null) {
            body.put("top_p", options.topP());
        }
        if (!options.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            options.tools().forEach(t -> tools.addObject().put("type", "function").putObject("function")
                    .put("name", t.name()).put("description", t.description()).set("parameters", t.parameters()));
        }
        if (options.toolChoice() != null) {
            setToolChoice(body, options.toolChoice());
        }
        if (options.responseFormat() != null) {
            body.set("response_format", options.responseFormat());
        }
        if (!options.provider().isEmpty()) {
            body.set("provider", Json.MAPPER.valueToTree(options.provider()));
        }
        if (!options.models().isEmpty()) {
            body.set("models", Json.MAPPER.valueToTree(options.models()));
        }
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        for (Map.Entry<String, Object> member : options.extra().entrySet()) {
            body.set(member.getKey(), Json.MAPPER.valueToTree(member.getValue()));
        }
        return body;
    }

    private static ObjectNode message(Message m) {
        ObjectNode json = Json.MAPPER.createObjectNode().put("role", m.role());
        if (m.content() == null) {
            json.putNull("content");
        } else {
            json.put("content", m.content());
        }
        if (!m.toolCalls().isEmpty()) {
            ArrayNode calls = json.putArray("tool_calls");
            m.toolCalls().forEach(c -> calls.addObject().put("id", c.id()).put("type", "function")
                    .putObject("function").put("name", c.name()).put("arguments", c.arguments()));
        }
        if (m.toolCallId() != null) {
            json.put("tool_call_id", m.toolCallId());
        }
        return json;
    }

    private static void setToolChoice(ObjectNode body, String choice) {
        if (TOOL_CHOICE_MODES.contains(choice)) {
            body.put("tool_choice", choice);
        } else {
            body.putObject("tool_choice").put("type", "function").putObject("function").put("name", choice);
        }
    }
}
