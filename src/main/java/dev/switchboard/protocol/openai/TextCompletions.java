package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.StreamEncoder;
import dev.switchboard.protocol.sse.SseFormat;

/**
 * The gateway's canonical answer as the legacy Completions API gives it: {@code text_completion}
 * objects whose choices carry {@code text} (the message content), {@code index}, {@code logprobs: null}
 * and {@code finish_reason}, with Switchboard's {@code id}, {@code model}, {@code provider} and
 * {@code usage} (cost included). Streamed, each chunk is one such object; chunks without text or
 * finish (the role, reasoning) are left out; the usage chunk has {@code choices: []}; the end is
 * {@code [DONE]}; an error chunk keeps its {@code error}. One encoder per stream.
 */
public final class TextCompletions implements StreamEncoder {

    /** A {@code chat.completion} as a {@code text_completion}. */
    public static byte[] fromCompletion(byte[] completion) {
        JsonNode chat = Json.parse(completion);
        ObjectNode out = envelope(chat);
        ArrayNode choices = out.putArray("choices");
        for (JsonNode choice : chat.path("choices")) {
            choices.add(choice(choice, choice.path("message").path("content").asText("")));
        }
        if (chat.has("usage")) {
            out.set("usage", chat.get("usage"));
        }
        return Json.bytes(out);
    }

    @Override
    public void chunk(byte[] json, ByteSink out) {
        JsonNode chat = Json.parse(json);
        ObjectNode text = envelope(chat);
        ArrayNode choices = text.putArray("choices");
        for (JsonNode choice : chat.path("choices")) {
            String delta = choice.path("delta").path("content").asText("");
            if (!delta.isEmpty() || choice.hasNonNull("finish_reason")) {
                choices.add(choice(choice, delta));
            }
        }
        if (chat.hasNonNull("usage")) {
            text.set("usage", chat.get("usage"));
        }
        if (chat.has("error")) {
            text.set("error", chat.get("error"));
        }
        if (choices.isEmpty() && !text.has("usage") && !text.has("error")) {
            return;
        }
        SseFormat.writeData(out, Json.bytes(text));
    }

    @Override
    public void waiting(ByteSink out) {
        out.append(SseFormat.PROCESSING);
    }

    @Override
    public void done(ByteSink out) {
        out.append(SseFormat.DONE);
    }

    private static ObjectNode envelope(JsonNode chat) {
        ObjectNode out = Json.object()
                .put("id", chat.path("id").asText(""))
                .put("object", "text_completion")
                .put("created", chat.path("created").asLong())
                .put("model", chat.path("model").asText(""));
        if (chat.has("provider")) {
            out.set("provider", chat.get("provider"));
        }
        if (chat.hasNonNull("system_fingerprint")) {
            out.set("system_fingerprint", chat.get("system_fingerprint"));
        }
        return out;
    }

    private static ObjectNode choice(JsonNode choice, String text) {
        ObjectNode out = Json.object().put("text", text).put("index", choice.path("index").asInt());
        out.putNull("logprobs");
        out.set("finish_reason", choice.hasNonNull("finish_reason") ? choice.get("finish_reason") : Json.MAPPER.nullNode());
        return out;
    }
}
