package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;

import java.util.HashSet;
import java.util.Set;

/**
 * An OpenAI Chat Completions request as a Gemini {@code GenerateContentRequest}
 * (specs/gemini/generative_service.proto; fixtures/MAPPING.md §4). Pure: JSON in, JSON out.
 * <ul>
 * <li>{@code messages} → {@code contents} + {@code systemInstruction} ({@link GeminiContents}).</li>
 * <li>{@code tools[].function} → one Tool of {@code functionDeclarations}, the client's JSON Schema
 *     as {@code parametersJsonSchema} (not the OpenAPI-subset {@code parameters}).</li>
 * <li>{@code tool_choice} → {@code toolConfig.functionCallingConfig}: auto AUTO, none NONE,
 *     required ANY, a named function ANY + {@code allowedFunctionNames}; {@code allowed_tools}
 *     ANY + names when required, otherwise only the allowed functions are declared.</li>
 * <li>{@code max_completion_tokens} / {@code max_tokens}, {@code temperature}, {@code top_p},
 *     {@code top_k}, {@code stop}, {@code n}, {@code seed}, {@code presence_penalty},
 *     {@code frequency_penalty} → {@code generationConfig}.</li>
 * <li>{@code response_format} json_schema / json_object → {@code responseMimeType:
 *     application/json} (+ {@code responseJsonSchema}).</li>
 * <li>{@code reasoning_effort}, or OpenRouter's {@code reasoning} ({@code max_tokens}, {@code effort},
 *     {@code enabled}), → {@code thinkingConfig.thinkingBudget}: Google's own OpenAI-compatibility
 *     mapping (ai.google.dev/gemini-api/docs/openai: low 1024, medium 8192, high 24576, none 0);
 *     minimal counts as low, xhigh and max as high. Thoughts are never requested
 *     ({@code includeThoughts}), as the answer could not carry them.</li>
 * </ul>
 * Dropped, having no Gemini equivalent here: {@code parallel_tool_calls}, {@code logprobs},
 * {@code top_logprobs}, {@code logit_bias}, {@code user}, {@code metadata}, {@code store},
 * {@code service_tier}, {@code modalities}, {@code audio}, {@code prediction},
 * {@code web_search_options}, {@code verbosity}, {@code prompt_cache_key},
 * {@code safety_identifier}, {@code stream_options} (Gemini always reports usage), tool
 * {@code strict}, {@code include_reasoning} and {@code reasoning.exclude}.
 */
final class GeminiRequest {
    private GeminiRequest() {
    }

    /** The upstream body; throws {@link InvalidRequestException} for what Gemini cannot be asked. */
    static ObjectNode translate(ChatRequest request) {
        return translate(request, request.maxTokens(), true);
    }

    /**
     * As above, asking for at most {@code maxTokens} of output (the request's, cut to the endpoint's
     * limit), with {@code reasoning_effort} left out unless {@code withReasoningEffort}.
     */
    static ObjectNode translate(ChatRequest request, Long maxTokens, boolean withReasoningEffort) {
        GeminiContents conversation = GeminiContents.of(request.messages());
        ObjectNode body = Json.object();
        if (!conversation.system().isEmpty()) {
            body.putObject("systemInstruction").set("parts", conversation.system());
        }
        body.set("contents", conversation.contents());
        tools(request, body);
        ObjectNode config = generationConfig(request, maxTokens, withReasoningEffort);
        if (!config.isEmpty()) {
            body.set("generationConfig", config);
        }
        return body;
    }

    private static void tools(ChatRequest request, ObjectNode body) {
        JsonNode tools = request.field("tools");
        if (tools == null || tools.isNull() || tools.isEmpty()) {
            return;
        }
        if (!tools.isArray()) {
            throw new InvalidRequestException("tools", "tools: expected an array");
        }
        JsonNode choice = request.field("tool_choice");
        ObjectNode calling = Json.object();
        Set<String> declared = toolChoice(choice, calling);
        ArrayNode declarations = Json.MAPPER.createArrayNode();
        for (int i = 0; i < tools.size(); i++) {
            ObjectNode declaration = declaration(tools.get(i), "tools[" + i + "]");
            if (declared == null || declared.contains(declaration.get("name").asText())) {
                declarations.add(declaration);
            }
        }
        body.putArray("tools").addObject().set("functionDeclarations", declarations);
        if (!calling.isEmpty()) {
            body.putObject("toolConfig").set("functionCallingConfig", calling);
        }
    }

    private static ObjectNode declaration(JsonNode tool, String at) {
        String type = tool.path("type").asText("function");
        if (!type.equals("function")) {
            throw new InvalidRequestException(at + ".type", at + ".type: Gemini takes function tools only (got \"" + type + "\")");
        }
        JsonNode function = tool.path("function");
        JsonNode name = function.get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
            throw new InvalidRequestException(at + ".function.name", at + ".function.name: required (a string)");
        }
        ObjectNode declaration = Json.object().put("name", name.asText());
        if (function.hasNonNull("description")) {
            declaration.put("description", function.get("description").asText());
        }
        if (function.hasNonNull("parameters")) {
            declaration.set("parametersJsonSchema", function.get("parameters"));
        }
        return declaration;
    }

    /**
     * Fills {@code calling} from {@code tool_choice}. Returns the names of the only functions to
     * declare ({@code allowed_tools} with mode auto), or null for all of them.
     */
    private static Set<String> toolChoice(JsonNode choice, ObjectNode calling) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> calling.put("mode", "AUTO");
                case "none" -> calling.put("mode", "NONE");
                case "required" -> calling.put("mode", "ANY");
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
            calling.put("mode", "ANY").putArray("allowedFunctionNames").add(name);
            return null;
        }
        if (type.equals("allowed_tools")) {
            return allowedTools(choice.path("allowed_tools"), calling);
        }
        throw new InvalidRequestException("tool_choice.type",
                "tool_choice.type: Gemini takes function tool choices only (got \"" + type + "\")");
    }

    private static Set<String> allowedTools(JsonNode allowed, ObjectNode calling) {
        Set<String> names = new HashSet<>();
        for (JsonNode tool : allowed.path("tools")) {
            names.add(tool.path("function").path("name").asText());
        }
        if (allowed.path("mode").asText().equals("required")) {
            ArrayNode list = calling.put("mode", "ANY").putArray("allowedFunctionNames");
            names.stream().sorted().forEach(list::add);
            return null;
        }
        // Gemini allows allowedFunctionNames with ANY only: with auto, declare just the allowed ones
        calling.put("mode", "AUTO");
        return names;
    }

    private static ObjectNode generationConfig(ChatRequest request, Long maxTokens, boolean withReasoningEffort) {
        ObjectNode config = Json.object();
        JsonNode stop = request.field("stop");
        if (stop != null && stop.isTextual()) {
            config.putArray("stopSequences").add(stop.asText());
        } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
            config.set("stopSequences", stop);
        }
        if (maxTokens != null) {
            config.put("maxOutputTokens", maxTokens);
        }
        copyNumber(request, "temperature", config, "temperature");
        copyNumber(request, "top_p", config, "topP");
        copyNumber(request, "top_k", config, "topK");
        copyNumber(request, "n", config, "candidateCount");
        copyNumber(request, "seed", config, "seed");
        copyNumber(request, "presence_penalty", config, "presencePenalty");
        copyNumber(request, "frequency_penalty", config, "frequencyPenalty");
        responseFormat(request.field("response_format"), config);
        ObjectNode thinking = GeminiThinking.config(
                withReasoningEffort ? request.field("reasoning_effort") : null, request.field("reasoning"));
        if (thinking != null) {
            config.set("thinkingConfig", thinking);
        }
        return config;
    }

    private static void copyNumber(ChatRequest request, String field, ObjectNode config, String geminiField) {
        JsonNode value = request.field(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber()) {
            throw new InvalidRequestException(field, field + ": expected a number");
        }
        config.set(geminiField, value);
    }

    private static void responseFormat(JsonNode format, ObjectNode config) {
        if (format == null || format.isNull()) {
            return;
        }
        String type = format.path("type").asText();
        switch (type) {
            case "text" -> {
            }
            case "json_object" -> config.put("responseMimeType", "application/json");
            case "json_schema" -> {
                config.put("responseMimeType", "application/json");
                JsonNode schema = format.path("json_schema").get("schema");
                if (schema != null && !schema.isNull()) {
                    config.set("responseJsonSchema", schema);
                }
            }
            default -> throw new InvalidRequestException("response_format.type",
                    "response_format.type: expected text, json_object or json_schema (got \"" + type + "\")");
        }
    }
}
