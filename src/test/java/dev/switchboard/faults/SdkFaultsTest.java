package dev.switchboard.faults;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.errors.OpenAIException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Faults as the official SDKs see them: the anthropic-java client on the Messages API and the
 * openai-java client on Chat Completions, in front of an OpenAI upstream. The matrix checks the
 * wire and the books; this checks that real clients end cleanly on what the gateway sends.
 */
class SdkFaultsTest {
    private static final String ADMIN = "sk-test-admin-sdk-faults";
    static FakeUpstream upstream;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        // the upstream model names the fault: up-<FAULT>-<stream|answer>, and fb-* answers well
        upstream.route(received -> {
            String model = SseWire.modelInBody(received);
            boolean stream = received.json().path("stream").asBoolean();
            if (model.startsWith("fb-")) {
                return healthy(stream);
            }
            return Fault.valueOf(model.substring("up-".length())).reply(SseWire.OPENAI, stream);
        });
        String timeouts = "timeouts: { first_token_ms: 800, idle_ms: 600 }";
        StringBuilder yaml = new StringBuilder("auth: { admin_key: " + ADMIN + ", require_keys: true }\n")
                .append("routing: { max_total_ms: 10000 }\nproviders:\n")
                .append(SseWire.OPENAI.provider("primary", upstream, "name: Primary\n" + timeouts))
                .append(SseWire.OPENAI.provider("backup", upstream, "name: Backup\n" + timeouts))
                .append("models:\n");
        for (Fault fault : Fault.values()) {
            for (boolean fallback : List.of(false, true)) {
                yaml.append("  - { id: ").append(model(fault, fallback)).append(", name: ").append(fault)
                        .append(", context_length: 100000, max_output_tokens: 4096, tokenizer: o200k_base,")
                        .append(" pricing: { prompt: 2, completion: 8 },\n      endpoints: [ { provider: primary, upstream_model: up-")
                        .append(fault).append(" }").append(fallback ? ", { provider: backup, upstream_model: fb-" + fault + " }" : "")
                        .append(" ] }\n");
            }
        }
        gateway = TestGateway.start(yaml.toString());
        var created = gateway.call("POST", "/api/v1/keys", ADMIN, "{\"name\":\"sdk faults\",\"limit\":1}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        key = Json.parse(created.body()).path("key").asText();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static String model(Fault fault, boolean fallback) {
        return "sdk/" + fault.name().toLowerCase() + (fallback ? "-fb" : "");
    }

    private static FakeUpstream.Reply healthy(boolean stream) {
        return stream ? (request, upstream) -> {
            var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
            SseWire.OPENAI.frames().forEach(frame -> response.write(io.vertx.core.buffer.Buffer.buffer(frame)));
            response.end();
        } : (request, upstream) -> request.response().putHeader("content-type", "application/json")
                .end(io.vertx.core.buffer.Buffer.buffer(SseWire.OPENAI.answer(s -> s)));
    }

    private static AnthropicClient anthropic() {
        return AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port()).apiKey(key)
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    private static MessageCreateParams message(Fault fault, boolean fallback) {
        return MessageCreateParams.builder().model(model(fault, fallback)).maxTokens(256).addUserMessage("Hi")
                .putAdditionalBodyProperty("provider", JsonValue.from(Map.of("order", List.of("primary", "backup"))))
                .build();
    }

    @Test
    void theMessagesSdkGetsTheFallbacksMessageWhenTheProviderHangs() {
        Message message = anthropic().messages().create(message(Fault.HANG_BEFORE_HEADERS, true));

        assertThat(message.content().getFirst().asText().text()).isEqualTo("Hello! How can I assist you today?");
        assertThat(message._additionalProperties().get("provider").toString()).contains("Backup");
    }

    @Test
    void theMessagesSdkGetsAnApiErrorWhenTheOnlyProviderStallsAfterItsHeaders() {
        assertThatThrownBy(() -> anthropic().messages().create(message(Fault.STALL_AFTER_HEADERS, false)))
                .isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(504);
                    assertThat(e.getMessage()).contains("no response within");
                });
    }

    @Test
    void theMessagesSdkStreamEndsWithTheProvidersErrorAfterItsFirstToken() {
        List<String> text = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> stream = anthropic().messages().createStreaming(
                    message(Fault.PROVIDER_ERROR, true))) {
                stream.stream().forEach(event -> event.contentBlockDelta()
                        .flatMap(delta -> delta.delta().text()).ifPresent(delta -> text.add(delta.text())));
            }
        }).isInstanceOf(AnthropicException.class).hasMessageContaining("The server had an error");
        assertThat(text).containsExactly("Hello");
    }

    @Test
    void theOpenAiSdkStreamEndsWithAnErrorWhenTheProviderStallsAfterItsFirstToken() {
        var params = ChatCompletionCreateParams.builder().model(model(Fault.STALL_MID_STREAM, true)).addUserMessage("Hi")
                .putAdditionalBodyProperty("provider", com.openai.core.JsonValue.from(Map.of("order", List.of("primary", "backup"))))
                .build();
        List<ChatCompletionChunk> received = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (var stream = gateway.openAi(key).chat().completions().createStreaming(params)) {
                stream.stream().forEach(received::add);
            }
        }).isInstanceOf(OpenAIException.class).hasMessageContaining("idle timeout");
        assertThat(received).isNotEmpty();
    }
}
