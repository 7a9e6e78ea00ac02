package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.JsonMembers;

import java.io.IOException;
import java.util.List;

/**
 * One piece of Chat Completions output from an upstream: a whole {@code chat.completion} or one
 * {@code chat.completion.chunk}. Scanning it finds what the gateway must know (did content begin,
 * how did it finish, usage, an in-band error) without building a tree of the whole thing;
 * {@link #rewrite} then writes it back with Switchboard's id, model and provider.
 */
public final class ChatOutput {

    private final byte[] json;
    private final boolean multiLine;
    private final Scanner scan;

    private ChatOutput(byte[] json, boolean multiLine, Scanner scan) {
        this.json = json;
        this.multiLine = multiLine;
        this.scan = scan;
    }

    /** Scans a streamed chunk (choices carry {@code delta}). */
    public static ChatOutput chunk(byte[] json) {
        return scan(json, "delta");
    }

    /** Scans a non-streamed completion (choices carry {@code message}). */
    public static ChatOutput completion(byte[] json) {
        return scan(json, "message");
    }

    private static ChatOutput scan(byte[] json, String part) {
        Scanner scanner = new Scanner(part);
        return new ChatOutput(json, JsonMembers.visit(json, scanner), scanner);
    }

    /** True when any choice carries generated output: text, a tool call, a refusal or reasoning. */
    public boolean hasContent() {
        return scan.hasContent;
    }

    /** The upstream's own {@code id} for this output, or null. */
    public String upstreamId() {
        return scan.upstreamId;
    }

    /** The first non-null {@code finish_reason} of any choice, or null. */
    public String finishReason() {
        return scan.finishReason;
    }

    /** The {@code usage} object when present and not null. */
    public JsonNode usage() {
        return scan.usage;
    }

    /** A top-level {@code error} member (in-band error of OpenAI-compatible servers), or null. */
    public JsonNode error() {
        return scan.error;
    }

    public int choiceCount() {
        return scan.choices;
    }

    /** Whether the {@code choices} member was present at all (a completion without it is not one). */
    public boolean hasChoicesMember() {
        return scan.sawChoices;
    }

    /** The generated text of this piece (content, reasoning, refusal, tool names and arguments), for estimates. */
    public String generatedText() {
        return scan.text == null ? "" : scan.text.toString();
    }

    /** Appends {@link #generatedText()} to {@code out} without building a String. */
    public void appendGeneratedText(StringBuilder out) {
        if (scan.text != null) {
            out.append(scan.text);
        }
    }

    /** True when the upstream's JSON has raw line breaks (pretty-printed), which an SSE data line cannot carry. */
    public boolean hasLineBreaks() {
        return multiLine;
    }

    /**
     * Writes this output back with Switchboard's identity: {@code id}, {@code model} (with
     * {@code provider} after it), and {@code usage} replaced when {@code usage} is not null.
     * Every other member keeps the upstream's bytes.
     */
    public byte[] rewrite(OutputIdentity identity, JsonNode usage) {
        ByteSink out = new ByteSink(json.length + 128);
        rewrite(identity, usage, out);
        return out.toByteArray();
    }

    /**
     * As {@link #rewrite(OutputIdentity, JsonNode)}, appending to {@code out}: the upstream's bytes
     * with the values of {@code id}, {@code model}, {@code provider} and (when given) {@code usage}
     * spliced in place; members the upstream did not send are added before the closing brace.
     */
    public void rewrite(OutputIdentity identity, JsonNode usage, ByteSink out) {
        Scanner s = scan;
        int copied = 0;
        // the spliced values in document order; each range is [start, end) of a value
        for (int value = 0; value < 4; value++) {
            int next = s.firstRangeAfter(copied);
            if (next < 0) {
                break;
            }
            int start = s.starts[next];
            out.append(json, copied, start);
            switch (next) {
                case Scanner.ID -> out.append(identity.idValue);
                case Scanner.MODEL -> {
                    out.append(identity.modelValue);
                    if (s.starts[Scanner.PROVIDER] < 0) {
                        out.append(identity.providerMember);
                    }
                }
                case Scanner.PROVIDER -> out.append(identity.providerValue);
                default -> {
                    if (usage != null) {
                        out.json(usage);
                    } else {
                        out.append(json, start, s.ends[next]);
                    }
                }
            }
            copied = s.ends[next];
        }
        int close = closingBrace();
        out.append(json, copied, close);
        boolean empty = s.members == 0;
        if (s.starts[Scanner.ID] < 0) {
            out.append(empty ? identity.idMember : identity.commaIdMember);
            empty = false;
        }
        if (s.starts[Scanner.MODEL] < 0) {
            out.append(empty ? identity.modelMemberFirst : identity.modelMember);
            if (s.starts[Scanner.PROVIDER] < 0) {
                out.append(identity.providerMember);
            }
            empty = false;
        }
        if (s.starts[Scanner.USAGE] < 0 && usage != null) {
            out.ascii(empty ? "\"usage\":" : ",\"usage\":").json(usage);
        }
        out.append(json, close, json.length);
    }

    /** Where the object's closing brace is (the last non-whitespace byte). */
    private int closingBrace() {
        int i = json.length - 1;
        while (i > 0 && json[i] != '}') {
            i--;
        }
        return i;
    }

    /** Walks {@code choices[*].delta|message} and notes the members the gateway acts on. */
    private static final class Scanner implements JsonMembers.Inspector {
        static final int ID = 0;
        static final int MODEL = 1;
        static final int PROVIDER = 2;
        static final int USAGE = 3;

        private final String part;
        /** Value ranges of id, model, provider and usage, -1 when absent. */
        final int[] starts = {-1, -1, -1, -1};
        final int[] ends = {-1, -1, -1, -1};
        int members;
        String upstreamId;
        boolean hasContent;
        boolean sawChoices;
        String finishReason;
        JsonNode usage;
        JsonNode error;
        int choices;
        StringBuilder text;

        Scanner(String part) {
            this.part = part;
        }

        @Override
        public void inspect(String name, JsonParser p) throws IOException {
            members++;
            JsonToken t = p.currentToken();
            switch (name) {
                case "choices" -> {
                    sawChoices = true;
                    if (t == JsonToken.START_ARRAY) {
                        readChoices(p);
                    }
                }
                case "id" -> locate(ID, p);
                case "model" -> locate(MODEL, p);
                case "provider" -> locate(PROVIDER, p);
                case "usage" -> {
                    starts[USAGE] = (int) p.currentTokenLocation().getByteOffset();
                    if (t == JsonToken.START_OBJECT) {
                        usage = Json.MAPPER.readTree(p);
                    } else {
                        p.skipChildren();
                        p.finishToken();
                    }
                    ends[USAGE] = (int) p.currentLocation().getByteOffset();
                }
                case "error" -> error = t == JsonToken.VALUE_NULL ? null : Json.MAPPER.readTree(p);
                default -> {
                }
            }
        }

        /** Records where a value is, whatever its type (a repeated key keeps its first place). */
        private void locate(int which, JsonParser p) throws IOException {
            if (starts[which] >= 0) {
                return;
            }
            starts[which] = (int) p.currentTokenLocation().getByteOffset();
            if (p.currentToken().isStructStart()) {
                p.skipChildren();
            } else if (which == ID && p.currentToken() == JsonToken.VALUE_STRING) {
                upstreamId = p.getText();
            } else {
                p.finishToken();
            }
            ends[which] = (int) p.currentLocation().getByteOffset();
        }

        /** The recorded range that starts first at or after {@code from}, or -1. */
        int firstRangeAfter(int from) {
            int best = -1;
            for (int i = 0; i < 4; i++) {
                if (starts[i] >= from && (best < 0 || starts[i] < starts[best])) {
                    best = i;
                }
            }
            return best;
        }

        private void readChoices(JsonParser p) throws IOException {
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                choices++;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (field.equals("finish_reason") && value == JsonToken.VALUE_STRING) {
                        if (finishReason == null) {
                            finishReason = p.getText();
                        }
                    } else if (field.equals(part) && value == JsonToken.START_OBJECT) {
                        readPart(p);
                    } else {
                        p.skipChildren();
                    }
                }
            }
        }

        private void readPart(JsonParser p) throws IOException {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "content", "refusal", "reasoning", "reasoning_content" -> {
                        if (value == JsonToken.VALUE_STRING && p.getTextLength() > 0) {
                            hasContent = true;
                            appendText(p.getText());
                        } else {
                            p.skipChildren(); // content parts arrays are not produced by chat models today
                        }
                    }
                    case "tool_calls", "function_call", "audio" -> {
                        if (value == JsonToken.START_ARRAY || value == JsonToken.START_OBJECT) {
                            JsonNode calls = Json.MAPPER.readTree(p);
                            if (!calls.isEmpty()) {
                                hasContent = true;
                                collectToolText(calls);
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }

        private void collectToolText(JsonNode node) {
            for (JsonNode call : node.isArray() ? node : List.of(node)) {
                JsonNode function = call.has("function") ? call.get("function") : call;
                appendText(function.path("name").asText(""));
                appendText(function.path("arguments").asText(""));
            }
        }

        private void appendText(String piece) {
            if (piece.isEmpty()) {
                return;
            }
            if (text == null) {
                text = new StringBuilder(piece.length());
            }
            text.append(piece);
        }
    }
}
