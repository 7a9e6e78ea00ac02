package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.plugins.JsonRepair;
import dev.switchboard.plugins.SearchResult;
import dev.switchboard.plugins.WebContext;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.StreamEncoder;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plugins' side of an answer, between the gateway and the client's sink: the response-healing
 * plugin repairs each choice's JSON content (not streamed), and the web plugin adds its results as
 * {@code url_citation} annotations — to the message, or, in a Chat Completions stream, in one chunk
 * of {@code delta.annotations} before the last ones. Everything else passes through untouched.
 */
final class PluginAnswerSink extends ForwardingSink {
    private final boolean heal;
    private final List<SearchResult> citations;
    /** A Chat Completions stream with citations: what it said so far (for the citations' indices). */
    private final StreamedText streamed;

    PluginAnswerSink(ClientSink client, boolean heal, List<SearchResult> citations) {
        super(client);
        this.heal = heal;
        this.citations = List.copyOf(citations);
        this.streamed = citations.isEmpty() || client.encoder() != null ? null : new StreamedText();
    }

    @Override
    public void respond(int status, Map<String, String> headers, byte[] json) {
        client.respond(status, headers, status == 200 ? rewrite(json) : json);
    }

    private byte[] rewrite(byte[] json) {
        JsonNode root;
        try {
            root = Json.parse(json);
        } catch (RuntimeException e) {
            return json; // not ours to judge: the gateway already checked the answer
        }
        JsonNode choices = root.path("choices");
        if (!choices.isArray()) {
            return json;
        }
        for (JsonNode choice : choices) {
            if (choice.get("message") instanceof ObjectNode message) {
                apply(message);
            }
        }
        return Json.bytes(root);
    }

    private void apply(ObjectNode message) {
        JsonNode content = message.get("content");
        if (heal && content != null && content.isTextual()) {
            Optional<String> healed = JsonRepair.heal(content.asText());
            healed.ifPresent(text -> message.put("content", text));
        }
        if (!citations.isEmpty()) {
            String text = message.path("content").asText("");
            message.set("annotations", WebContext.annotations(citations, text));
        }
    }

    @Override
    public void startStream(Map<String, String> headers) {
        client.startStream(headers);
    }


    @Override
    public StreamEncoder encoder() {
        return client.encoder();
    }

    @Override
    public void write(byte[] bytes) {
        if (streamed != null) {
            streamed.read(bytes);
        }
        client.write(bytes);
    }

    @Override
    public void end(byte[] last) {
        if (streamed == null || !streamed.read(last)) {
            client.end(last);
            return;
        }
        byte[] annotations = streamed.annotationsChunk(WebContext.annotations(citations, streamed.text()));
        byte[] both = new byte[annotations.length + last.length];
        System.arraycopy(annotations, 0, both, 0, annotations.length);
        System.arraycopy(last, 0, both, annotations.length, last.length);
        client.end(both);
    }






    /**
     * Reads the Chat Completions chunks going out (whole {@code data:} events, as the relay writes
     * them): the first choice's text, and the id, created and model to give the annotations chunk.
     */
    private static final class StreamedText {
        private final StringBuilder text = new StringBuilder();
        private JsonNode identity;
        private boolean failed;

        /** Takes in the events of {@code bytes}; true while the stream has not failed. */
        boolean read(byte[] bytes) {
            for (String line : new String(bytes, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("data: {")) {
                    continue;
                }
                JsonNode chunk;
                try {
                    chunk = Json.parse(line.substring("data: ".length()));
                } catch (RuntimeException e) {
                    continue; // not a chunk we can read: its text is not counted
                }
                if (identity == null && chunk.has("id")) {
                    identity = chunk;
                }
                JsonNode choice = chunk.path("choices").path(0);
                text.append(choice.path("delta").path("content").asText(""));
                failed |= "error".equals(choice.path("finish_reason").asText()) || chunk.has("error");
            }
            return !failed && identity != null;
        }

        String text() {
            return text.toString();
        }

        byte[] annotationsChunk(JsonNode annotations) {
            ObjectNode chunk = Json.object().put("id", identity.path("id").asText())
                    .put("object", "chat.completion.chunk");
            chunk.set("created", identity.path("created"));
            chunk.set("model", identity.path("model"));
            if (identity.has("provider")) {
                chunk.set("provider", identity.get("provider"));
            }
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.putObject("delta").set("annotations", annotations);
            choice.putNull("finish_reason");
            return ("data: " + Json.string(chunk) + "\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
