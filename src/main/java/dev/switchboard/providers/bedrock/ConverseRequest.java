package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.providers.StructuredOutput;

import java.util.HashSet;
import java.util.Set;

/**
 * An OpenAI Chat Completions request as a Bedrock {@code ConverseRequest} body
 * (fixtures/MAPPING.md §5; reference/bedrock/NOTES.md "Request"). Pure: JSON in, JSON out. The
 * model is not in the body but in the path ({@link BedrockAdapter#url}).
 * <ul>
 * <li>{@code messages} → {@code messages} + {@code system} ({@link ConverseMessages}).</li>
 * <li>{@code tools[].function} → {@code toolConfig.tools[].toolSpec}, the client's JSON Schema as
 *     {@code inputSchema.json}.</li>
 * <li>{@code tool_choice}: auto {@code {auto:{}}}, required {@code {any:{}}}, a named function
 *     {@code {tool:{name}}}; {@code allowed_tools} declares only the allowed functions. Converse
 *     has no "none": the tools are left out, unless the conversation already holds tool calls or
 *     results, which Bedrock refuses without a toolConfig: then the tools stay, with no toolChoice
 *     (the model may still call one) ⚠.</li>
 * <li>{@code max_completion_tokens} / {@code max_tokens}, {@code temperature}, {@code top_p},
 *     {@code stop} → {@code inferenceConfig}; {@code top_k} → {@code additionalModelRequestFields}.</li>
 * </ul>
 * {@code response_format} asking for JSON becomes a forced tool ({@link OutputTool}).
 * Dropped, having no Converse equivalent here: {@code n}, {@code seed}, penalties,
 * {@code reasoning_effort} / {@code reasoning}, {@code logprobs},
 * {@code logit_bias}, {@code parallel_tool_calls}, {@code user}, {@code metadata},
 * {@code stream_options} (ConverseStream always reports usage), tool {@code strict}.
 */
final class ConverseRequest {
    private ConverseRequest() {
    }

    /** The upstream body; throws {@link InvalidRequestException} for what Bedrock cannot be asked. */
    static ObjectNode translate(ChatRequest request) {
        return translate(request, request.maxTokens());
    }

    /** As above, asking for at most {@code maxTokens} of output (the request's, cut to the endpoint's limit). */
    static ObjectNode translate(ChatRequest request, Long maxTokens) {
        ConverseMessages conversation = ConverseMessages.of(request.messages());
        ObjectNode body = Json.object();
        body.set("messages", conversation.messages());
        if (!conversation.system().isEmpty()) {
            body.set("system", conversation.system());
        }
        ObjectNode inference = inferenceConfig(request, maxTokens);
        if (!inference.isEmpty()) {
            body.set("inferenceConfig", inference);
        }
        ObjectNode toolConfig = toolConfig(request, conversation.usesTools());
        StructuredOutput output = StructuredOutput.of(request.field("response_format"));
        if (output != null) {
            toolConfig = OutputTool.config(toolConfig, output);
        }
        if (toolConfig != null) {
            body.set("toolConfig", toolConfig);
        }
        JsonNode topK = number(request, "top_k");
        if (topK != null) {
            body.putObject("additionalModelRequestFields").set("top_k", topK);
        }
        return body;
    }

    private static ObjectNode inferenceConfig(ChatRequest request, Long maxTokens) {
        ObjectNode config = Json.object();
        if (maxTokens != null) {
            config.put("maxTokens", maxTokens);
        }
        JsonNode temperature = number(request, "temperature");
        if (temperature != null) {
            config.set("temperature", temperature);
        }
        JsonNode topP = number(request, "top_p");
        if (topP != null) {
            config.set("topP", topP);
        }
        JsonNode stop = request.field("stop");
        if (stop != null && stop.isTextual()) {
            config.putArray("stopSequences").add(stop.asText());
        } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
            config.set("stopSequences", stop);
        }
        return config;
    }

    private static ObjectNode toolConfig(ChatRequest request, boolean conversationUsesTools) {
        JsonNode tools = request.field("tools");
        if (tools == null || tools.isNull() || tools.isEmpty()) {
            return null;
        }
        if (!tools.isArray()) {
            throw new InvalidRequestException("tools", "tools: expected an array");
        }
        JsonNode choice = request.field("tool_choice");
        if (choice != null && choice.isTextual() && choice.asText().equals("none") && !conversationUsesTools) {
            return null;
        }
        ObjectNode config = Json.object();
        ObjectNode toolChoice = Json.object();
        Set<String> declared = toolChoice(choice, toolChoice);
        ArrayNode list = config.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            ObjectNode spec = toolSpec(tools.get(i), "tools[" + i + "]");
            if (declared == null || declared.contains(spec.path("toolSpec").path("name").asText())) {
                list.add(spec);
            }
        }
        if (!toolChoice.isEmpty()) {
            config.set("toolChoice", toolChoice);
        }
        return config;
    }

    private static ObjectNode toolSpec(JsonNode tool, String at) {
        String type = tool.path("type").asText("function");
        if (!type.equals("function")) {
            throw new InvalidRequestException(at + ".type", at + ".type: Bedrock takes function tools only (got \"" + type + "\")");
        }
        JsonNode function = tool.path("function");
        JsonNode name = function.get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
            throw new InvalidRequestException(at + ".function.name", at + ".function.name: required (a string)");
        }
        ObjectNode wrapper = Json.object();
        ObjectNode spec = wrapper.putObject("toolSpec").put("name", name.asText());
        if (function.hasNonNull("description")) {
            spec.put("description", function.get("description").asText());
        }
        JsonNode parameters = function.get("parameters");
        // inputSchema is required: a function without parameters takes an empty object
        spec.putObject("inputSchema").set("json", parameters != null && parameters.isObject() ? parameters
                : Json.object().put("type", "object").set("properties", Json.object()));
        return wrapper;
    }

    /** Fills {@code toolChoice}; returns the names of the only tools to declare, or null for all. */
    private static Set<String> toolChoice(JsonNode choice, ObjectNode toolChoice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> toolChoice.putObject("auto");
                case "required" -> toolChoice.putObject("any");
                case "none" -> {
                }
                default -> throw new InvalidRequestException("tool_choice",
                        "tool_choice: expected none, auto, required or an object (got \"" + choice.asText() + "\")");
            }
            return null;
        }
        String type = choice.path("type").asText();
        if (type.equals("function")) {
            String name = choice.path("function").path("name").asText("");
            if (name.isEmpty()) {
                throw new InvalidRequestException("tool_choice.function.name", "tool_choice.function.name: required");
            }
            toolChoice.putObject("tool").put("name", name);
            return null;
        }
        if (type.equals("allowed_tools")) {
            JsonNode allowed = choice.path("allowed_tools");
            Set<String> names = new HashSet<>();
            for (JsonNode tool : allowed.path("tools")) {
                names.add(tool.path("function").path("name").asText());
            }
            toolChoice.putObject(allowed.path("mode").asText().equals("required") ? "any" : "auto");
            return names;
        }
        throw new InvalidRequestException("tool_choice.type",
                "tool_choice.type: Bedrock takes function tool choices only (got \"" + type + "\")");
    }

    private static JsonNode number(ChatRequest request, String field) {
        JsonNode value = request.field(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new InvalidRequestException(field, field + ": expected a number");
        }
        return value;
    }
}
