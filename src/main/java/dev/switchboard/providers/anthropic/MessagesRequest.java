package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.protocol.openai.OpenRouterMembers;
import dev.switchboard.providers.StructuredOutput;

import java.math.BigDecimal;

/**
 * Builds the body of {@code POST /v1/messages} from an OpenAI Chat Completions request
 * (MAPPING.md §1; Anthropic's OpenAI compatibility page as cross-check). Pure: no I/O.
 *
 * <p>Translated: {@code messages} (see {@link Conversation}), {@code max_completion_tokens} /
 * {@code max_tokens} (always set: the request's cut to the endpoint's maximum output, else that maximum, else
 * {@value #DEFAULT_MAX_TOKENS}), {@code temperature} (capped at 1), {@code top_p}, {@code top_k},
 * {@code stop} → {@code stop_sequences} (whitespace-only sequences dropped: Anthropic accepts only
 * stop sequences with visible characters), {@code tools}, {@code tool_choice},
 * {@code parallel_tool_calls} (see {@link ToolDefinitions}), {@code user} →
 * {@code metadata.user_id}, {@code reasoning_effort} / {@code reasoning} → {@code thinking} (see
 * {@link Thinking}), {@code stream}. Passed through as extensions: Anthropic's own
 * {@code thinking} object (as its compatibility layer accepts it) and OpenRouter's top-level
 * {@code cache_control}. {@code response_format} asking for JSON becomes a forced tool
 * ({@link OutputTool}). {@code n} other than 1 is refused.
 *
 * <p>Dropped, because Anthropic has no equivalent (its compatibility layer ignores them too):
 * {@code frequency_penalty}, {@code presence_penalty}, {@code logit_bias}, {@code logprobs},
 * {@code top_logprobs}, {@code seed}, {@code store}, {@code metadata}, {@code modalities},
 * {@code audio}, {@code prediction}, {@code service_tier},
 * {@code stream_options} (Anthropic streams always report usage), {@code verbosity},
 * {@code web_search_options}, {@code prompt_cache_key}, {@code safety_identifier},
 * {@code include_reasoning}, and any field this class does not name. Routing extensions never
 * reach any upstream.
 *
 * <p>With thinking on, {@code temperature} and {@code top_k} are dropped and {@code top_p} is
 * kept within [0.95, 1] (extended-thinking docs, "Feature compatibility"); a tool choice that
 * forces a tool call wins over thinking, which is then left off.
 */
final class MessagesRequest {
    /** Output limit when neither the request nor the catalog gives one: every Claude model allows at least this. */
    static final long DEFAULT_MAX_TOKENS = 4_096;

    private MessagesRequest() {
    }

    /** Switchboard's (OpenRouter's) members of a Messages body; Anthropic must not see them. */
    private static final java.util.Set<String> EXTENSIONS = OpenRouterMembers.MEMBERS.keySet();

    /**
     * The body of a client that spoke the Messages API itself: sent as it came, with only
     * {@code model} rewritten and Switchboard's routing members removed, so cache_control,
     * thinking, documents and citations reach Anthropic untouched. {@code max_tokens} is cut to
     * {@code maxTokens} when that is lower (the endpoint's output limit).
     */
    static byte[] passThrough(byte[] messagesBody, String upstreamModel, Long maxTokens) {
        ObjectNode body = (ObjectNode) Json.parse(messagesBody);
        EXTENSIONS.forEach(body::remove);
        body.put("model", upstreamModel);
        if (maxTokens != null && body.path("max_tokens").canConvertToLong() && body.get("max_tokens").asLong() > maxTokens) {
            body.put("max_tokens", maxTokens);
        }
        return Json.bytes(body);
    }

    /**
     * @param upstreamModel the endpoint's name for the model
     * @param endpointMaxOutput the endpoint's output limit, or null when the catalog has none
     * @throws InvalidRequestException when the request cannot be expressed for Anthropic
     */
    static ObjectNode translate(ChatRequest request, String upstreamModel, Long endpointMaxOutput) {
        refuseSeveralChoices(request.field("n"));
        Conversation conversation = Conversation.of(request.messages());
        // the request's limit, cut to the endpoint's (served rather than refused, docs/routing.md)
        long maxTokens = request.maxTokens() != null
                ? endpointMaxOutput != null ? Math.min(request.maxTokens(), endpointMaxOutput) : request.maxTokens()
                : endpointMaxOutput != null ? endpointMaxOutput : DEFAULT_MAX_TOKENS;

        ObjectNode body = Json.object().put("model", upstreamModel).put("max_tokens", maxTokens);
        JsonNode system = conversation.system();
        if (system != null) {
            body.set("system", system);
        }
        body.set("messages", conversation.turns());
        ArrayNode tools = ToolDefinitions.tools(request.field("tools"));
        ObjectNode toolChoice = tools == null ? null
                : ToolDefinitions.choice(request.field("tool_choice"), request.field("parallel_tool_calls"));
        StructuredOutput output = StructuredOutput.of(request.field("response_format"));
        if (output != null) {
            tools = OutputTool.tools(tools, toolChoice, output);
            toolChoice = OutputTool.choice(tools, toolChoice);
        }
        if (tools != null) {
            body.set("tools", tools);
        }
        if (toolChoice != null) {
            body.set("tool_choice", toolChoice);
        }
        ObjectNode thinking = thinking(request, maxTokens, toolChoice);
        if (thinking != null) {
            body.set("thinking", thinking);
        }
        sampling(request, body, thinking != null);
        stopSequences(request.field("stop"), body);
        if (request.user() != null) {
            body.putObject("metadata").put("user_id", request.user());
        }
        JsonNode cacheControl = request.field("cache_control");
        if (cacheControl != null && cacheControl.isObject()) {
            body.set("cache_control", cacheControl);
        }
        body.put("stream", request.stream());
        return body;
    }

    private static void refuseSeveralChoices(JsonNode n) {
        if (n != null && !n.isNull() && !(n.canConvertToInt() && n.asInt() == 1)) {
            throw new InvalidRequestException("n", "n: must be 1 for Anthropic upstreams (they return one choice)");
        }
    }

    private static ObjectNode thinking(ChatRequest request, long maxTokens, ObjectNode toolChoice) {
        if (ToolDefinitions.forcesToolUse(toolChoice)) {
            return null;
        }
        JsonNode nativeThinking = request.field("thinking");
        if (nativeThinking != null && nativeThinking.isObject()) {
            return (ObjectNode) nativeThinking;
        }
        return Thinking.of(request.field("reasoning_effort"), request.field("reasoning"), maxTokens);
    }

    private static void sampling(ChatRequest request, ObjectNode body, boolean thinking) {
        JsonNode temperature = request.field("temperature");
        if (!thinking && temperature != null && temperature.isNumber()) {
            // Anthropic's range is 0..1; its compatibility layer caps larger values at 1
            body.set("temperature", temperature.decimalValue().compareTo(BigDecimal.ONE) > 0
                    ? Json.MAPPER.getNodeFactory().numberNode(1) : temperature);
        }
        JsonNode topP = request.field("top_p");
        if (topP != null && topP.isNumber()) {
            body.set("top_p", thinking && topP.doubleValue() < 0.95 ? Json.MAPPER.getNodeFactory().numberNode(0.95) : topP);
        }
        JsonNode topK = request.field("top_k");
        if (!thinking && topK != null && topK.canConvertToLong()) {
            body.set("top_k", topK);
        }
    }

    private static void stopSequences(JsonNode stop, ObjectNode body) {
        if (stop == null || stop.isNull()) {
            return;
        }
        ArrayNode sequences = Json.MAPPER.createArrayNode();
        if (stop.isTextual()) {
            addStop(stop.asText(), sequences);
        } else if (stop.isArray()) {
            stop.forEach(s -> addStop(s.asText(""), sequences));
        } else {
            throw new InvalidRequestException("stop", "stop: expected a string or an array of strings");
        }
        if (!sequences.isEmpty()) {
            body.set("stop_sequences", sequences);
        }
    }

    private static void addStop(String sequence, ArrayNode sequences) {
        if (!sequence.isBlank()) {
            sequences.add(sequence);
        }
    }
}
