package dev.switchboard.providers.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.TokenCounter;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.UpstreamCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.List;

/**
 * The built-in {@code demo} provider behind {@code switchboard/echo}: answers with the last user
 * message, token by token at the provider's {@code tokens_per_second}, and reports real token
 * counts. It honours {@code max_tokens} (finish_reason "length") and {@code stop}. Runs in process,
 * so every feature can be tried with no key and no network.
 */
public final class DemoAdapter implements ProviderAdapter {
    private final Vertx vertx;
    private final Clock clock;

    public DemoAdapter(Vertx vertx, Clock clock) {
        this.vertx = vertx;
        this.clock = clock;
    }

    @Override
    public Future<byte[]> complete(UpstreamCall call) {
        Echo echo = Echo.of(call.request());
        ObjectNode message = Json.object().put("role", "assistant").put("content", echo.text());
        message.putNull("refusal");
        ObjectNode choice = Json.object().put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", echo.finishReason());
        ObjectNode completion = Json.object()
                .put("id", "chatcmpl-echo-" + Long.toHexString(clock.millis()))
                .put("object", "chat.completion")
                .put("created", clock.millis() / 1000)
                .put("model", call.endpoint().upstreamModel());
        completion.putArray("choices").add(choice);
        completion.set("usage", usage(echo));
        return Future.succeededFuture(Json.bytes(completion));
    }

    @Override
    public Future<ChunkStream> stream(UpstreamCall call) {
        Echo echo = Echo.of(call.request());
        return Future.succeededFuture(new EchoStream(vertx, call, echo, clock,
                call.endpoint().provider().tokensPerSecond()));
    }

    static ObjectNode usage(Echo echo) {
        ObjectNode usage = Json.object()
                .put("prompt_tokens", echo.promptTokens())
                .put("completion_tokens", echo.pieces().size())
                .put("total_tokens", echo.promptTokens() + echo.pieces().size());
        usage.putObject("prompt_tokens_details").put("cached_tokens", 0);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0);
        return usage;
    }

    /** The reply to a request: its text split into tokens, and why it ends. */
    record Echo(List<String> pieces, String finishReason, long promptTokens) {
        static final String TOKENIZER = "o200k_base";

        String text() {
            return String.join("", pieces);
        }

        static Echo of(ChatRequest request) {
            JsonNode messages = request.messages();
            String text = lastUserText(messages);
            String finish = "stop";
            String cut = cutAtStop(text, request.field("stop"));
            List<String> pieces = TokenCounter.split(cut, TOKENIZER);
            Long max = request.maxTokens();
            if (max != null && pieces.size() > max) {
                pieces = pieces.subList(0, (int) (long) max);
                finish = "length";
            }
            long prompt = TokenCounter.countPrompt(messages, request.field("tools"), TOKENIZER);
            return new Echo(List.copyOf(pieces), finish, prompt);
        }

        private static String lastUserText(JsonNode messages) {
            for (int i = messages.size() - 1; i >= 0; i--) {
                JsonNode message = messages.get(i);
                if (!"user".equals(message.path("role").asText())) {
                    continue;
                }
                JsonNode content = message.get("content");
                if (content == null || content.isNull()) {
                    return "";
                }
                if (content.isTextual()) {
                    return content.asText();
                }
                StringBuilder text = new StringBuilder();
                for (JsonNode part : content) {
                    if ("text".equals(part.path("type").asText())) {
                        if (!text.isEmpty()) {
                            text.append('\n');
                        }
                        text.append(part.path("text").asText(""));
                    }
                }
                return text.toString();
            }
            return "";
        }

        private static String cutAtStop(String text, JsonNode stop) {
            if (stop == null || stop.isNull()) {
                return text;
            }
            int cut = text.length();
            for (JsonNode s : stop.isArray() ? (ArrayNode) stop : Json.MAPPER.createArrayNode().add(stop)) {
                String sequence = s.asText("");
                int at = sequence.isEmpty() ? -1 : text.indexOf(sequence);
                if (at >= 0) {
                    cut = Math.min(cut, at);
                }
            }
            return text.substring(0, cut);
        }
    }
}
