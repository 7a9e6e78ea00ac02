package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.JsonMembers;
import dev.switchboard.protocol.JsonMembers.Member;

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
    private final List<Member> members;
    private final Scanner scan;

    private ChatOutput(byte[] json, List<Member> members, Scanner scan) {
        this.json = json;
        this.members = members;
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
        List<Member> members = JsonMembers.scan(json, scanner);
        return new ChatOutput(json, members, scanner);
    }

    /** True when any choice carries generated output: text, a tool call, a refusal or reasoning. */
    public boolean hasContent() {
        return scan.hasContent;
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

    /**
     * Writes this output back with Switchboard's identity: {@code id}, {@code model} (with
     * {@code provider} after it), and {@code usage} replaced when {@code usage} is not null.
     * Every other member keeps the upstream's bytes.
     */
    public byte[] rewrite(String id, String model, String provider, JsonNode usage) {
        Json.Bytes out = new Json.Bytes(json.length + 96);
        out.write('{');
        out.ascii("\"id\":").string(id);
        boolean wroteModel = false;
        boolean wroteUsage = false;
        for (Member m : members) {
            switch (m.name()) {
                case "id", "provider" -> {
                    // replaced by ours
                }
                case "model" -> {
                    writeIdentity(out, model, provider);
                    wroteModel = true;
                }
                case "usage" -> {
                    out.write(',');
                    if (usage != null) {
                        out.ascii("\"usage\":").node(usage);
                    } else {
                        out.raw(json, m.start(), m.end());
                    }
                    wroteUsage = true;
                }
                default -> out.ascii(",").raw(json, m.start(), m.end());
            }
        }
        if (!wroteModel) {
            writeIdentity(out, model, provider);
        }
        if (!wroteUsage && usage != null) {
            out.ascii(",\"usage\":").node(usage);
        }
        out.write('}');
        return out.toByteArray();
    }

    private static void writeIdentity(Json.Bytes out, String model, String provider) {
        out.ascii(",\"model\":").string(model).ascii(",\"provider\":").string(provider);
    }

    /** Walks {@code choices[*].delta|message} and notes the members the gateway acts on. */
    private static final class Scanner implements JsonMembers.Inspector {
        private final String part;
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
            JsonToken t = p.currentToken();
            switch (name) {
                case "choices" -> {
                    sawChoices = true;
                    if (t == JsonToken.START_ARRAY) {
                        readChoices(p);
                    }
                }
                case "usage" -> usage = t == JsonToken.START_OBJECT ? Json.MAPPER.readTree(p) : null;
                case "error" -> error = t == JsonToken.VALUE_NULL ? null : Json.MAPPER.readTree(p);
                default -> {
                }
            }
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
