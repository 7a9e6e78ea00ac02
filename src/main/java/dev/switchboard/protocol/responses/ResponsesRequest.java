package dev.switchboard.protocol.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.OpenRouterMembers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.switchboard.protocol.responses.Fields.invalid;
import static java.util.Objects.requireNonNull;

/**
 * An OpenAI Responses request ({@code POST /v1/responses}, spec {@code CreateResponse}): checked,
 * its input normalised to items, and translated on demand to the canonical Chat Completions
 * request ({@link #toChat}) or, for an upstream that speaks the Responses API, to that upstream's
 * body ({@link #forUpstream}). Unknown members are ignored by the translation and kept for the
 * pass-through.
 */
public final class ResponsesRequest {
    /** Members with the same name and meaning in Chat Completions, or Switchboard's routing extensions. */
    private static final List<String> SAME = List.of("model", "models", "provider", "temperature", "top_p", "user",
            "metadata", "parallel_tool_calls", "prompt_cache_key", "safety_identifier", "service_tier", "top_logprobs");
    /** What a Response repeats of its request, in the order of the recorded responses, with the spec's defaults. */
    private static final List<String> ECHOED = List.of("background", "instructions", "max_output_tokens", "max_tool_calls",
            "parallel_tool_calls", "previous_response_id", "prompt_cache_key", "reasoning", "safety_identifier",
            "service_tier", "store", "temperature", "text", "tool_choice", "tools", "top_logprobs", "top_p",
            "truncation", "user", "metadata");

    private final ObjectNode root;
    private final List<ObjectNode> inputItems;
    private final ToolNames toolNames = new ToolNames();
    private final Set<String> hostedTools;

    private ResponsesRequest(ObjectNode root, List<ObjectNode> inputItems) {
        this.root = root;
        this.inputItems = inputItems;
        // checks the tools and fixes their chat names once; toChat registers tools found in history
        ToolsToChat tools = tools(List.of());
        this.hostedTools = Set.copyOf(tools.hosted());
        tools.choice(root.get("tool_choice"));
    }

    /**
     * Decodes and checks a request body.
     *
     * @throws dev.switchboard.protocol.MalformedJsonException when the body is not JSON
     * @throws InvalidRequestException when a member has the wrong type or a required one is missing
     */
    public static ResponsesRequest decode(byte[] body) {
        JsonNode parsed = Json.parseRequest(body);
        if (parsed == null || !parsed.isObject()) {
            throw new InvalidRequestException(null, "the body must be a JSON object");
        }
        ObjectNode root = (ObjectNode) parsed;
        checkScalars(root);
        return new ResponsesRequest(root, InputItems.normalise(root.get("input")));
    }

    private static void checkScalars(ObjectNode root) {
        String model = Fields.optionalString(root, "model", "");
        JsonNode models = root.get("models");
        if (model == null && (models == null || !models.isArray() || models.isEmpty())) {
            throw invalid("model", "field required (a model id such as \"openai/gpt-4.1\")");
        }
        if (root.path("background").asBoolean(false)) {
            throw invalid("background", "background responses are not supported; send the request without background");
        }
        for (String flag : List.of("stream", "store", "parallel_tool_calls", "background")) {
            Fields.optionalBoolean(root, flag);
        }
        for (String number : List.of("temperature", "top_p")) {
            Fields.optionalNumber(root, number);
        }
        Fields.optionalPositiveCount(root, "max_output_tokens");
        for (String text : List.of("previous_response_id", "user", "safety_identifier", "prompt_cache_key",
                "service_tier", "truncation")) {
            Fields.optionalString(root, text, "");
        }
        for (String object : List.of("metadata", "text", "reasoning", "stream_options", "provider")) {
            Fields.optionalObject(root, object, "");
        }
        JsonNode instructions = root.get("instructions");
        if (!Fields.absent(instructions) && !instructions.isTextual() && !instructions.isArray()) {
            throw invalid("instructions", "expected a string or a list of input items");
        }
        if (!Fields.absent(instructions) && instructions.isArray()) {
            InputItems.normalise(instructions, "instructions");
        }
        Fields.optionalString(root.path("reasoning"), "effort", "reasoning");
        textFormat(root.path("text").path("format"));
    }

    private static void textFormat(JsonNode format) {
        if (format.isMissingNode() || format.isNull()) {
            return;
        }
        if (!format.isObject()) {
            throw invalid("text.format", "expected an object with a type");
        }
        switch (Fields.string(format, "type", "text.format")) {
            case "text", "json_object" -> {
            }
            case "json_schema" -> {
                Fields.string(format, "name", "text.format");
                if (!format.path("schema").isObject()) {
                    throw invalid("text.format.schema", "field required (a JSON Schema object)");
                }
            }
            default -> throw invalid("text.format.type", "expected text, json_object or json_schema");
        }
    }

    /** The requested model, or the first of {@code models} when {@code model} is absent. */
    public String model() {
        return root.hasNonNull("model") ? root.get("model").asText() : root.path("models").path(0).asText();
    }

    public boolean stream() {
        return root.path("stream").asBoolean(false);
    }

    /** Whether Switchboard keeps the response; true unless the client sent {@code store: false} (as OpenAI). */
    public boolean store() {
        return root.path("store").asBoolean(true);
    }

    /** The response this one continues, or null. */
    public String previousResponseId() {
        return Fields.optionalString(root, "previous_response_id", "");
    }

    public Long maxOutputTokens() {
        return Fields.optionalPositiveCount(root, "max_output_tokens");
    }

    /** This request's input as items, each with an {@code id}; a string input is one user message. */
    public List<ObjectNode> inputItems() {
        return inputItems;
    }

    /** The types of the hosted tools offered ({@code web_search}, {@code file_search}, ...), which a chat translation drops. */
    public Set<String> hostedTools() {
        return hostedTools;
    }

    /** The hosted tool type that {@code tool_choice} forces, if any. */
    public Optional<String> requiredHostedTool() {
        return ToolsToChat.forcedHostedTool(root.get("tool_choice"));
    }

    /** Chat function name → the client's tool (namespace, name, custom); includes tools from history after {@link #toChat}. */
    public ToolNames toolNames() {
        return toolNames;
    }

    /**
     * The canonical Chat Completions request: {@code instructions} as a leading system message, then
     * {@code history} (the items of earlier turns, oldest first), then this request's input.
     *
     * @throws InvalidRequestException for input a chat model cannot take (an unresolved
     *         {@code item_reference}, images by file id, audio)
     */
    public byte[] toChat(List<ObjectNode> history) {
        requireNonNull(history, "history");
        ObjectNode chat = Json.object();
        for (String name : SAME) {
            if (root.has(name) && !root.get(name).isNull()) {
                chat.set(name, root.get(name));
            }
        }
        // OpenRouter's other members get the chat endpoint's handling (OpenRouterMembers); `reasoning` is the Responses API's own
        for (String name : OpenRouterMembers.MEMBERS.keySet()) {
            if (!name.equals("reasoning") && !chat.has(name) && root.has(name)) {
                chat.set(name, root.get(name));
            }
        }
        // tools first: their chat names are fixed before the calls in history are renamed
        ToolsToChat tools = tools(history);
        ArrayNode messages = chat.putArray("messages");
        instructions(messages);
        ItemsToMessages translator = new ItemsToMessages(toolNames, messages);
        translator.addAll(history, "history");
        translator.addAll(resolveReferences(history), "input");
        if (!tools.functions().isEmpty()) {
            chat.set("tools", tools.functions());
            tools.choice(root.get("tool_choice")).ifPresent(choice -> chat.set("tool_choice", choice));
        } else {
            chat.remove("parallel_tool_calls");
        }
        sampling(chat);
        if (stream()) {
            chat.put("stream", true);
            chat.putObject("stream_options").put("include_usage", true);
        }
        return Json.bytes(chat);
    }

    private void instructions(ArrayNode messages) {
        JsonNode instructions = root.get("instructions");
        if (Fields.absent(instructions)) {
            return;
        }
        if (instructions.isTextual()) {
            messages.addObject().put("role", "system").put("content", instructions.asText());
            return;
        }
        List<ObjectNode> items = InputItems.normalise(instructions, "instructions");
        new ItemsToMessages(toolNames, messages).addAll(items, "instructions");
    }

    /** {@code item_reference} items replaced by the history item of that id. */
    private List<ObjectNode> resolveReferences(List<ObjectNode> history) {
        if (inputItems.stream().noneMatch(item -> item.path("type").asText().equals("item_reference"))) {
            return inputItems;
        }
        Map<String, ObjectNode> byId = new HashMap<>();
        history.forEach(item -> byId.put(item.path("id").asText(), item));
        List<ObjectNode> resolved = new ArrayList<>(inputItems.size());
        for (int i = 0; i < inputItems.size(); i++) {
            ObjectNode item = inputItems.get(i);
            if (!item.path("type").asText().equals("item_reference")) {
                resolved.add(item);
                continue;
            }
            ObjectNode target = byId.get(item.path("id").asText());
            if (target == null) {
                throw invalid("input[" + i + "].id", "item_reference \"" + item.path("id").asText()
                        + "\" is not an item of the previous response; send the item itself");
            }
            resolved.add(target);
        }
        return resolved;
    }

    /** The request's tools and those added by {@code additional_tools} items (history first, as they were offered). */
    private ToolsToChat tools(List<ObjectNode> history) {
        ToolsToChat tools = new ToolsToChat(toolNames);
        tools.addAll(root.get("tools"), "tools");
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).path("type").asText().equals("additional_tools")) {
                tools.addAll(history.get(i).get("tools"), "history[" + i + "].tools");
            }
        }
        for (int i = 0; i < inputItems.size(); i++) {
            if (inputItems.get(i).path("type").asText().equals("additional_tools")) {
                tools.addAll(inputItems.get(i).get("tools"), "input[" + i + "].tools");
            }
        }
        return tools;
    }

    /** Output length, reasoning effort, verbosity and structured output under their chat names. */
    private void sampling(ObjectNode chat) {
        if (root.hasNonNull("max_output_tokens")) {
            chat.set("max_completion_tokens", root.get("max_output_tokens"));
        }
        JsonNode reasoning = root.path("reasoning");
        if (reasoning.hasNonNull("effort")) {
            chat.set("reasoning_effort", reasoning.get("effort"));
        }
        JsonNode text = root.path("text");
        if (text.hasNonNull("verbosity")) {
            chat.set("verbosity", text.get("verbosity"));
        }
        JsonNode format = text.path("format");
        switch (format.path("type").asText("text")) {
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                ObjectNode schema = chat.putObject("response_format").put("type", "json_schema").putObject("json_schema");
                schema.set("name", format.get("name"));
                if (format.has("description")) {
                    schema.set("description", format.get("description"));
                }
                schema.set("schema", format.get("schema"));
                if (format.has("strict")) {
                    schema.set("strict", format.get("strict"));
                }
            }
            default -> {
            }
        }
    }

    /**
     * The body for an upstream that speaks the Responses API: the client's JSON with {@code history}
     * prepended to {@code input}, without {@code previous_response_id} and OpenRouter's members,
     * and with {@code store: false} (Switchboard keeps the response; a copy in the provider's store
     * is one Switchboard could not read back).
     */
    public byte[] forUpstream(List<ObjectNode> history) {
        requireNonNull(history, "history");
        ObjectNode body = root.deepCopy();
        body.remove("previous_response_id");
        // OpenRouter's members are the gateway's (OpenRouterMembers), never sent raw; `reasoning` is the Responses API's own
        OpenRouterMembers.MEMBERS.keySet().stream().filter(name -> !name.equals("reasoning")).forEach(body::remove);
        if (!history.isEmpty()) {
            ArrayNode input = Json.MAPPER.createArrayNode();
            for (ObjectNode item : history) {
                // with store:false the upstream keeps nothing: reasoning is only usable with its encrypted content
                if (!item.path("type").asText().equals("reasoning") || item.hasNonNull("encrypted_content")) {
                    input.add(item);
                }
            }
            JsonNode own = root.get("input");
            if (own != null && own.isTextual()) {
                input.add(inputItems.getFirst());
            } else if (own != null && own.isArray()) {
                input.addAll((ArrayNode) own);
            }
            body.set("input", input);
        }
        body.put("store", false);
        return Json.bytes(body);
    }

    /** The request properties a Response repeats, with the spec's defaults where the client sent none. */
    public ObjectNode echo() {
        ObjectNode echo = Json.object();
        for (String name : ECHOED) {
            JsonNode sent = root.get(name);
            echo.set(name, sent != null ? sent : defaultOf(name));
        }
        ObjectNode reasoning = Json.object().putNull("effort").putNull("summary");
        if (root.path("reasoning").isObject()) {
            reasoning.setAll((ObjectNode) root.get("reasoning"));
        }
        echo.set("reasoning", reasoning);
        ObjectNode text = Json.object();
        text.putObject("format").put("type", "text");
        text.put("verbosity", "medium");
        if (root.path("text").isObject()) {
            text.setAll((ObjectNode) root.get("text"));
        }
        echo.set("text", text);
        echo.put("store", store());
        return echo;
    }

    private static JsonNode defaultOf(String name) {
        ObjectNode defaults = Json.object()
                .put("background", false)
                .put("parallel_tool_calls", true)
                .put("service_tier", "auto")
                .put("temperature", 1)
                .put("tool_choice", "auto")
                .put("top_logprobs", 0)
                .put("top_p", 1)
                .put("truncation", "disabled");
        defaults.putArray("tools");
        defaults.putObject("metadata");
        return defaults.has(name) ? defaults.get(name) : Json.MAPPER.nullNode();
    }
}
