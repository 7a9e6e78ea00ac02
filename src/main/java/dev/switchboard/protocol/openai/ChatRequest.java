package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.ClientOriginal;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.JsonMembers;
import dev.switchboard.protocol.JsonMembers.Member;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An OpenAI Chat Completions request as Switchboard sees it: the few fields routing needs,
 * decoded and type-checked, plus the client's original bytes so the body can be forwarded
 * unchanged except for {@code model}, stream usage options and the routing extensions.
 */
public final class ChatRequest {

    /** The message roles OpenAI accepts ({@code function} is its legacy tool result). */
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    /** Switchboard/OpenRouter extensions that upstreams must never see ({@link OpenRouterMembers}). */
    static final Set<String> EXTENSIONS = OpenRouterMembers.NOT_FORWARDED;

    private final byte[] body;
    private final List<Member> members;
    private final String model;
    private final List<String> models;
    private final boolean stream;
    private final ObjectNode streamOptions;
    private final Long maxTokens;
    private final Long requestedMaxTokens;
    private final Long requestedMaxCompletionTokens;
    private final long choices;
    private final ProviderPreferences provider;
    private final Set<String> parameters;
    private final Member messages;
    private final int messageCount;
    private final boolean hasTools;
    private final boolean hasResponseFormat;
    private final String user;
    /** Input kinds beyond text in the messages' content parts: image, file, audio, video. */
    private final Set<String> inputModalities;
    private final ReasoningOptions reasoning;
    /** The Messages or Responses request this request was translated from, if it came in that way. */
    private final ClientOriginal original;
    /** Web searches the web plugin ran for this request, each charged at the endpoint's web_search price. */
    private final int webSearches;
    private JsonNode messagesTree;

    private ChatRequest(Decoder d, List<Member> members, byte[] body, ClientOriginal original, int webSearches) {
        this.body = body;
        this.original = original;
        this.webSearches = webSearches;
        this.members = members;
        this.model = d.model;
        this.models = List.copyOf(d.models);
        this.stream = d.stream;
        this.streamOptions = d.streamOptions;
        this.maxTokens = d.maxCompletionTokens != null ? d.maxCompletionTokens : d.maxTokens;
        this.requestedMaxTokens = d.maxTokens;
        this.requestedMaxCompletionTokens = d.maxCompletionTokens;
        this.choices = d.choices;
        this.provider = d.provider == null ? ProviderPreferences.NONE : d.provider;
        this.parameters = Set.copyOf(d.parameters);
        this.messages = members.stream().filter(m -> m.name().equals("messages")).findFirst().orElseThrow();
        this.messageCount = d.messageCount;
        this.hasTools = d.hasTools;
        this.hasResponseFormat = d.hasResponseFormat;
        this.user = d.user;
        this.inputModalities = Set.copyOf(d.inputModalities);
        ReasoningOptions asked = d.includeReasoning == Boolean.FALSE ? d.reasoning.excluded() : d.reasoning;
        // OpenRouter's :thinking variant turns reasoning on unless the request says how
        boolean thinking = (d.model != null ? d.model : d.models.isEmpty() ? "" : d.models.getFirst()).endsWith(":thinking");
        this.reasoning = thinking && asked == ReasoningOptions.NONE ? ReasoningOptions.ENABLED : asked;
    }

    /**
     * Decodes and validates a request body.
     *
     * @throws dev.switchboard.protocol.MalformedJsonException when the body is not JSON
     * @throws InvalidRequestException when a field is missing or has the wrong type
     */
    public static ChatRequest decode(byte[] body) {
        return decode(body, null);
    }

    /**
     * Decodes a request translated from another API's body, which is kept: an upstream of that API
     * then gets the client's own body (cache_control, thinking, documents, hosted tools and all)
     * instead of a translation back.
     */
    public static ChatRequest decode(byte[] body, ClientOriginal original) {
        return decode(body, original, 0);
    }

    /** As above, for a body the plugins rewrote after running {@code webSearches} web searches for it. */
    public static ChatRequest decode(byte[] body, ClientOriginal original, int webSearches) {
        Decoder decoder = new Decoder();
        List<Member> members;
        try {
            members = JsonMembers.scan(body, decoder);
        } catch (JsonMembers.InvalidMember e) {
            throw new InvalidRequestException(e.field(), e.getMessage());
        }
        if (decoder.sawPrompt) {
            if (decoder.sawMessages) {
                throw new InvalidRequestException("prompt", "prompt: send either messages or prompt, not both");
            }
            return decode(ChatPrompt.asMessages(body), original);
        }
        if (!decoder.sawMessages) {
            throw new InvalidRequestException("messages", "messages: required (an array of chat messages, or a prompt string)");
        }
        if (decoder.model == null && decoder.models.isEmpty()) {
            throw new InvalidRequestException("model", "model: required (a model id such as \"openai/gpt-4.1\")");
        }
        return new ChatRequest(decoder, members, body, original, webSearches);
    }

    /** The requested model, or the first of {@code models} when {@code model} is absent. */
    public String model() {
        return model != null ? model : models.getFirst();
    }

    /** Model ids to try in order: {@code model} then the {@code models} fallbacks, without repeats. */
    public List<String> modelsToTry() {
        return modelsToTry(model, models);
    }

    /** {@code model} (may be null) then the {@code models} fallbacks, without repeats; embeddings requests share it. */
    static List<String> modelsToTry(String model, List<String> models) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        if (model != null) {
            ids.add(model);
        }
        ids.addAll(models);
        return List.copyOf(ids);
    }

    public boolean stream() {
        return stream;
    }

    /** {@code max_completion_tokens}, else {@code max_tokens}, else null. */
    public Long maxTokens() {
        return maxTokens;
    }

    /** {@code n}: how many choices to generate, each up to {@link #maxTokens()} (1 when absent). */
    public long choices() {
        return choices;
    }

    public ProviderPreferences provider() {
        return provider;
    }

    /** Names of every top-level field the client sent. */
    public Set<String> parameters() {
        return parameters;
    }

    public boolean hasTools() {
        return hasTools;
    }

    /** The kinds of input beyond text the messages carry ({@code image}, {@code file}, {@code audio}, {@code video}). */
    public Set<String> inputModalities() {
        return inputModalities;
    }

    public boolean hasResponseFormat() {
        return hasResponseFormat;
    }

    /** The Messages or Responses request the client sent, or null when it spoke Chat Completions. */
    public ClientOriginal original() {
        return original;
    }

    /** True when the client spoke {@code api} (and its request is kept for a same-API upstream). */
    public boolean cameAs(ClientOriginal.Api api) {
        return original != null && original.is(api);
    }

    /** Web searches run for this request by the web plugin (0: none). */
    public int webSearches() {
        return webSearches;
    }

    /** OpenRouter's {@code reasoning} (and {@code include_reasoning}); {@link ReasoningOptions#NONE} when absent. */
    public ReasoningOptions reasoning() {
        return reasoning;
    }

    /** The {@code user} field (the app's end-user id), or null. */
    public String user() {
        return user;
    }

    public int messageCount() {
        return messageCount;
    }

    /** Size in bytes of the JSON of {@code messages} and {@code tools}: an upper bound of their text. */
    public long promptBytes() {
        long bytes = messages.end() - messages.valueStart();
        for (Member m : members) {
            if (m.name().equals("tools")) {
                bytes += m.end() - m.valueStart();
            }
        }
        return bytes;
    }

    public byte[] body() {
        return body;
    }

    /** The {@code messages} array as a tree, parsed on first use (token counting, translation). */
    public JsonNode messages() {
        if (messagesTree == null) {
            messagesTree = parseValue(messages);
        }
        return messagesTree;
    }

    /** The value of a top-level field as a tree, or null when absent. */
    public JsonNode field(String name) {
        for (Member m : members) {
            if (m.name().equals(name)) {
                return m.name().equals("messages") ? messages() : parseValue(m);
            }
        }
        return null;
    }

    /**
     * The body for an OpenAI-protocol upstream: the client's bytes with {@code model} set to the
     * upstream's name, routing extensions removed, and, when streaming, usage reporting switched on.
     */
    public byte[] toUpstream(String upstreamModel) {
        return toUpstream(upstreamModel, null, true);
    }

    /**
     * As above, for one endpoint: {@code max_tokens} / {@code max_completion_tokens} above
     * {@code maxTokens} (the endpoint's limit; null: no cut) are rewritten to it, and
     * {@code reasoning_effort} is left out unless {@code withReasoningEffort}.
     */
    public byte[] toUpstream(String upstreamModel, Long maxTokens, boolean withReasoningEffort) {
        return toUpstream(upstreamModel, maxTokens, withReasoningEffort, true);
    }

    /**
     * As above; {@code withReasoning}: OpenRouter's {@code reasoning} is sent as {@code reasoning_effort}
     * (false for an endpoint that does not reason, which would refuse it).
     */
    public byte[] toUpstream(String upstreamModel, Long maxTokens, boolean withReasoningEffort, boolean withReasoning) {
        // measured first, so a large body is allocated and copied once (this runs on the event loop)
        int size = writeUpstream(ByteSink.measuring(), upstreamModel, maxTokens, withReasoningEffort, withReasoning).size();
        return writeUpstream(new ByteSink(size), upstreamModel, maxTokens, withReasoningEffort, withReasoning)
                .toExactByteArray();
    }

    private ByteSink writeUpstream(ByteSink out, String upstreamModel, Long maxTokens, boolean withReasoningEffort,
                                   boolean withReasoning) {
        out.append((byte) '{');
        boolean first = true;
        boolean wroteModel = false;
        boolean wroteStreamOptions = false;
        for (Member m : members) {
            String name = m.name();
            if (EXTENSIONS.contains(name) || !withReasoningEffort && name.equals("reasoning_effort")) {
                continue;
            }
            if (!first) {
                out.append((byte) ',');
            }
            first = false;
            switch (name) {
                case "model" -> {
                    out.ascii("\"model\":").jsonString(upstreamModel);
                    wroteModel = true;
                }
                case "stream_options" -> {
                    if (stream) {
                        out.ascii("\"stream_options\":").json(streamOptionsWithUsage());
                        wroteStreamOptions = true;
                    } else {
                        out.append(body, m.start(), m.end());
                    }
                }
                case "max_tokens", "max_completion_tokens" -> {
                    Long sent = name.equals("max_tokens") ? requestedMaxTokens : requestedMaxCompletionTokens;
                    if (maxTokens != null && sent != null && sent > maxTokens) {
                        out.append((byte) '"').ascii(name).ascii("\":").ascii(Long.toString(maxTokens));
                    } else {
                        out.append(body, m.start(), m.end());
                    }
                }
                default -> out.append(body, m.start(), m.end());
            }
        }
        if (!wroteModel) {
            out.ascii(first ? "" : ",").ascii("\"model\":").jsonString(upstreamModel);
            first = false;
        }
        String effort = reasoning.openAiEffort();
        if (effort != null && withReasoning && !parameters.contains("reasoning_effort")) {
            // OpenRouter's reasoning in Chat Completions' terms (a client's own reasoning_effort wins)
            out.ascii(",\"reasoning_effort\":").jsonString(effort);
        }
        if (stream && !wroteStreamOptions) {
            out.ascii(first ? "" : ",").ascii("\"stream_options\":{\"include_usage\":true}");
        }
        out.append((byte) '}');
        return out;
    }

    private ObjectNode streamOptionsWithUsage() {
        ObjectNode options = streamOptions == null ? Json.object() : streamOptions.deepCopy();
        options.put("include_usage", true);
        return options;
    }

    private JsonNode parseValue(Member m) {
        try (JsonParser p = Json.FACTORY.createParser(body, m.valueStart(), m.end() - m.valueStart())) {
            return Json.MAPPER.readTree(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the fields routing needs while {@link JsonMembers} walks the body once. */
    private static final class Decoder implements JsonMembers.Inspector {
        String model;
        final List<String> models = new ArrayList<>();
        boolean stream;
        ObjectNode streamOptions;
        Long maxTokens;
        Long maxCompletionTokens;
        long choices = 1;
        ProviderPreferences provider;
        final Set<String> parameters = new LinkedHashSet<>();
        boolean sawMessages;
        boolean sawPrompt;
        int messageCount;
        boolean hasTools;
        boolean hasResponseFormat;
        String user;
        final Set<String> inputModalities = new LinkedHashSet<>();
        ReasoningOptions reasoning = ReasoningOptions.NONE;
        Boolean includeReasoning;

        @Override
        public void inspect(String name, JsonParser p) throws IOException {
            parameters.add(name);
            JsonToken t = p.currentToken();
            switch (name) {
                case "model" -> model = nullOr(t) ? null : text(p, name);
                case "models" -> readModels(p, t);
                case "messages" -> readMessages(p, t);
                case "stream" -> stream = !nullOr(t) && bool(p, name);
                case "stream_options" -> streamOptions = nullOr(t) ? null : object(p, name);
                case "max_tokens" -> maxTokens = nullOr(t) ? null : count(p, name);
                case "max_completion_tokens" -> maxCompletionTokens = nullOr(t) ? null : count(p, name);
                case "n" -> choices = nullOr(t) ? 1 : choices(p);
                case "provider" -> provider = nullOr(t) ? null : ProviderPreferencesDecoder.decode(object(p, name));
                case "tools" -> hasTools = readTools(p, t);
                case "response_format" -> hasResponseFormat = !nullOr(t);
                case "user" -> user = t == JsonToken.VALUE_STRING ? p.getText() : null;
                case "reasoning" -> reasoning = nullOr(t) ? ReasoningOptions.NONE : ReasoningOptions.decode(object(p, name));
                case "include_reasoning" -> includeReasoning = nullOr(t) ? null : bool(p, name);
                case "prompt" -> sawPrompt = true; // OpenRouter's alternative to messages (ChatPrompt)
                // every other field is forwarded untouched, but OpenRouter's own are checked (OpenRouterMembers)
                default -> OpenRouterMembers.check(name, p);
            }
        }

        private void readModels(JsonParser p, JsonToken t) throws IOException {
            if (nullOr(t)) {
                return;
            }
            if (t != JsonToken.START_ARRAY) {
                throw new JsonMembers.InvalidMember("models", "models: expected an array of model ids");
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.VALUE_STRING || p.getText().isBlank()) {
                    throw new JsonMembers.InvalidMember("models", "models: expected an array of model ids");
                }
                models.add(p.getText());
            }
        }

        private void readMessages(JsonParser p, JsonToken t) throws IOException {
            sawMessages = true;
            if (t != JsonToken.START_ARRAY) {
                throw new JsonMembers.InvalidMember("messages", "messages: expected an array of chat messages");
            }
            int index = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                String at = "messages[" + index + "]";
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    throw new JsonMembers.InvalidMember(at, at + ": expected an object with a role and content");
                }
                boolean hasRole = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (field.equals("role")) {
                        if (value != JsonToken.VALUE_STRING) {
                            throw new JsonMembers.InvalidMember(at + ".role", at + ".role: expected a string");
                        }
                        if (!ROLES.contains(p.getText())) {
                            throw new JsonMembers.InvalidMember(at + ".role", at + ".role: unknown role \"" + p.getText()
                                    + "\" (expected system, developer, user, assistant, tool or function)");
                        }
                        hasRole = true;
                    } else if (field.equals("content") && value == JsonToken.START_ARRAY) {
                        InputParts.scan(p, inputModalities);
                    }
                    p.skipChildren();
                }
                if (!hasRole) {
                    throw new JsonMembers.InvalidMember(at + ".role", at + ".role: required");
                }
                index++;
            }
            if (index == 0) {
                throw new JsonMembers.InvalidMember("messages", "messages: must contain at least one message");
            }
            messageCount = index;
        }

        /** Checks each tool's shape (a function tool needs its {@code function}); true when there is at least one. */
        private static boolean readTools(JsonParser p, JsonToken t) throws IOException {
            if (nullOr(t)) {
                return false;
            }
            if (t != JsonToken.START_ARRAY) {
                throw new JsonMembers.InvalidMember("tools", "tools: expected an array of tools");
            }
            int index = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                readTool(p, "tools[" + index + "]");
                index++;
            }
            return index > 0;
        }

        private static void readTool(JsonParser p, String at) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new JsonMembers.InvalidMember(at, at + ": expected an object with a type and a function");
            }
            String type = "function";
            boolean hasFunction = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("type") && value == JsonToken.VALUE_STRING) {
                    type = p.getText();
                } else if (field.equals("function") && value != JsonToken.VALUE_NULL) {
                    readFunction(p, at + ".function");
                    hasFunction = true;
                }
                p.skipChildren();
            }
            // other tool types (OpenAI's custom tools) carry their own member
            if (type.equals("function") && !hasFunction) {
                throw new JsonMembers.InvalidMember(at + ".function", at + ".function: required for a function tool");
            }
        }

        private static void readFunction(JsonParser p, String at) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new JsonMembers.InvalidMember(at, at + ": expected an object with a name");
            }
            boolean hasName = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("name")) {
                    if (value != JsonToken.VALUE_STRING || p.getText().isBlank()) {
                        throw new JsonMembers.InvalidMember(at + ".name", at + ".name: expected a non-empty string");
                    }
                    hasName = true;
                }
                p.skipChildren();
            }
            if (!hasName) {
                throw new JsonMembers.InvalidMember(at + ".name", at + ".name: required");
            }
        }

        private static boolean nullOr(JsonToken t) {
            return t == JsonToken.VALUE_NULL;
        }

        private static String text(JsonParser p, String name) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING || p.getText().isBlank()) {
                throw new JsonMembers.InvalidMember(name, name + ": expected a non-empty string");
            }
            return p.getText();
        }

        private static boolean bool(JsonParser p, String name) throws IOException {
            JsonToken t = p.currentToken();
            if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                throw new JsonMembers.InvalidMember(name, name + ": expected true or false");
            }
            return p.getBooleanValue();
        }

        private static long count(JsonParser p, String name) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || p.getLongValue() < 0) {
                throw new JsonMembers.InvalidMember(name, name + ": expected a non-negative integer");
            }
            return p.getLongValue();
        }

        /** OpenAI generates between 1 and 128 choices; credit reservations multiply the output by it. */
        private static long choices(JsonParser p) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || p.getLongValue() < 1 || p.getLongValue() > 128) {
                throw new JsonMembers.InvalidMember("n", "n: expected an integer from 1 to 128");
            }
            return p.getLongValue();
        }

        private static ObjectNode object(JsonParser p, String name) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new JsonMembers.InvalidMember(name, name + ": expected an object");
            }
            return (ObjectNode) Json.MAPPER.readTree(p);
        }
    }
}
