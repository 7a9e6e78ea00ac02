package dev.switchboard.presets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;

import java.util.Iterator;
import java.util.Set;

/**
 * What one version of a preset holds: an optional system prompt and a configuration of chat
 * completion members (model or models, provider preferences, generation parameters, tools).
 * Checked in full before it is stored: a member not in {@link #CONFIG_MEMBERS} is refused by name,
 * and the members are type-checked as a chat completion request would be, so a preset that is
 * stored can be used.
 */
public record PresetDefinition(String systemPrompt, ObjectNode config) {
    public static final int MAX_SYSTEM_PROMPT_CHARS = 100_000;

    /** The chat completion members a preset may set (OpenRouter's names). */
    public static final Set<String> CONFIG_MEMBERS = Set.of("model", "models", "provider", "temperature", "top_p",
            "top_k", "frequency_penalty", "presence_penalty", "repetition_penalty", "min_p", "top_a", "seed",
            "max_tokens", "max_completion_tokens", "stop", "logit_bias", "logprobs", "top_logprobs", "response_format",
            "reasoning", "verbosity", "tools", "tool_choice", "parallel_tool_calls");

    private static final Set<String> NUMBERS = Set.of("temperature", "top_p", "top_k", "frequency_penalty",
            "presence_penalty", "repetition_penalty", "min_p", "top_a", "seed", "top_logprobs");

    /**
     * Checks a version's parts: {@code systemPrompt} a string or null, {@code config} an object (null
     * means empty).
     *
     * @throws InvalidRequestException naming the offending member ({@code config.temperature})
     */
    public static PresetDefinition of(JsonNode systemPrompt, JsonNode config) {
        return new PresetDefinition(systemPrompt(systemPrompt), config(config));
    }

    private static String systemPrompt(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidRequestException("system_prompt", "system_prompt: expected a string or null");
        }
        if (node.asText().length() > MAX_SYSTEM_PROMPT_CHARS) {
            throw new InvalidRequestException("system_prompt", "system_prompt: longer than " + MAX_SYSTEM_PROMPT_CHARS
                    + " characters");
        }
        return node.asText().isEmpty() ? null : node.asText();
    }

    private static ObjectNode config(JsonNode node) {
        if (node == null || node.isNull()) {
            return Json.object();
        }
        if (!node.isObject()) {
            throw new InvalidRequestException("config", "config: expected an object of chat completion members");
        }
        ObjectNode config = (ObjectNode) node;
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String member = it.next();
            if (!CONFIG_MEMBERS.contains(member)) {
                throw new InvalidRequestException("config." + member, "config." + member + ": not a preset member "
                        + "(expected one of: " + String.join(", ", CONFIG_MEMBERS.stream().sorted().toList()) + ")");
            }
            if (NUMBERS.contains(member) && !config.get(member).isNumber() && !config.get(member).isNull()) {
                throw new InvalidRequestException("config." + member, "config." + member + ": expected a number");
            }
        }
        if (config.path("model").asText("").contains(PresetReference.MODEL_MARK)) {
            throw new InvalidRequestException("config.model", "config.model: a preset cannot name another preset");
        }
        checkAsChatRequest(config);
        return config.deepCopy();
    }

    /** The members type-checked by the same decoder as a request's, with a stand-in message. */
    private static void checkAsChatRequest(ObjectNode config) {
        ObjectNode request = config.deepCopy();
        if (!request.hasNonNull("model") && !request.hasNonNull("models")) {
            request.put("model", "preset/check");
        }
        request.putArray("messages").addObject().put("role", "user").put("content", "check");
        try {
            ChatRequest.decode(Json.bytes(request), null);
        } catch (InvalidRequestException e) {
            String param = e.param() == null ? "config" : "config." + e.param();
            throw new InvalidRequestException(param, "config." + e.getMessage());
        }
    }
}
