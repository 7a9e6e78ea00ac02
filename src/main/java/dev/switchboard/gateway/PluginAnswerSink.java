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
 * The plugins' side of a non-streamed answer, between the gateway and the client's sink: the
 * response-healing plugin repairs each choice's JSON content, and the web plugin adds its results as
 * {@code url_citation} annotations. Everything else passes through untouched.
 */
final class PluginAnswerSink implements ClientSink {
    private final ClientSink client;
    private final boolean heal;
    private final List<SearchResult> citations;

    PluginAnswerSink(ClientSink client, boolean heal, List<SearchResult> citations) {
        this.client = client;
        this.heal = heal;
        this.citations = List.copyOf(citations);
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
    public boolean headSent() {
        return client.headSent();
    }

    @Override
    public StreamEncoder encoder() {
        return client.encoder();
    }

    @Override
    public void write(byte[] bytes) {
        client.write(bytes);
    }

    @Override
    public void end(byte[] last) {
        client.end(last);
    }

    @Override
    public boolean writeQueueFull() {
        return client.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable action) {
        client.onDrain(action);
    }

    @Override
    public void onClose(Runnable action) {
        client.onClose(action);
    }

    @Override
    public boolean closed() {
        return client.closed();
    }

    @Override
    public void finished(RequestSummary summary) {
        client.finished(summary);
    }
}
