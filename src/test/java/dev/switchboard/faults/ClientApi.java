package dev.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The gateway's APIs a matrix drives, each with its request and how its answers and stream errors look. */
enum ClientApi {
    CHAT("/v1/chat/completions"),
    MESSAGES("/v1/messages"),
    EMBEDDINGS("/v1/embeddings");

    final String path;

    ClientApi(String path) {
        this.path = path;
    }

    String body(String model, boolean stream, List<String> order) {
        var body = Json.object().put("model", model);
        order.forEach(body.putObject("provider").putArray("order")::add);
        if (this == EMBEDDINGS) {
            return body.put("input", "The food was delicious and the waiter...").toString();
        }
        body.put("stream", stream).put("max_tokens", 1024);
        body.putArray("messages").addObject().put("role", "user").put("content", "Hi");
        return body.toString();
    }

    /** What the client was shown: a whole answer, an error, or a stream, read from the body it received. */
    record Shown(boolean errorBody, String provider, BigDecimal cost, boolean streamBrokeOff, boolean streamCompleted,
                 String content, JsonNode error) {
    }

    Shown read(int status, String body, boolean stream) {
        if (!stream || status != 200) {
            JsonNode json = Json.parse(body);
            if (json.has("error")) {
                return new Shown(true, null, null, false, false, "", json.get("error"));
            }
            JsonNode usage = json.path("usage");
            return new Shown(false, json.path("provider").asText(null),
                    usage.has("cost") ? usage.get("cost").decimalValue() : null, false, false,
                    this == MESSAGES ? json.at("/content/0/text").asText("") : json.at("/choices/0/message/content").asText(""),
                    null);
        }
        return this == MESSAGES ? readMessagesStream(body) : readChatStream(body);
    }

    private static Shown readChatStream(String body) {
        List<String> data = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.startsWith("data: ")) {
                data.add(event.substring(6));
            }
        }
        StringBuilder content = new StringBuilder();
        String provider = null;
        for (String payload : data) {
            if (payload.startsWith("{")) {
                JsonNode chunk = Json.parse(payload);
                provider = provider != null ? provider : chunk.path("provider").asText(null);
                JsonNode choices = chunk.path("choices");
                if (!choices.isEmpty()) {
                    content.append(choices.get(0).path("delta").path("content").asText(""));
                }
            }
        }
        boolean done = !data.isEmpty() && data.getLast().equals("[DONE]");
        JsonNode last = data.size() >= 2 ? Json.parse(data.get(data.size() - 2)) : Json.object();
        boolean broke = done && last.has("error") && "error".equals(last.at("/choices/0/finish_reason").asText());
        JsonNode usage = last.path("usage");
        return new Shown(false, provider, usage.has("cost") ? usage.get("cost").decimalValue() : null, broke,
                done && !broke, content.toString(), broke ? last.get("error") : null);
    }

    private static Shown readMessagesStream(String body) {
        String provider = null;
        BigDecimal cost = null;
        StringBuilder content = new StringBuilder();
        String lastType = null;
        JsonNode error = null;
        for (String event : body.split("\n\n")) {
            String data = event.lines().filter(l -> l.startsWith("data: ")).findFirst().orElse(null);
            if (data == null) {
                continue;
            }
            JsonNode json = Json.parse(data.substring(6));
            lastType = json.path("type").asText();
            switch (lastType) {
                case "message_start" -> provider = json.at("/message/provider").asText(null);
                case "content_block_delta" -> content.append(json.at("/delta/text").asText(""));
                case "message_delta" -> cost = json.at("/usage/cost").isNumber() ? json.at("/usage/cost").decimalValue() : null;
                case "error" -> error = json.get("error");
                default -> {
                }
            }
        }
        return new Shown(false, provider, cost, "error".equals(lastType), "message_stop".equals(lastType),
                content.toString(), error);
    }
}
