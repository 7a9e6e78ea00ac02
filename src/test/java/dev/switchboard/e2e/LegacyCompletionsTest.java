package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The legacy Completions API ({@code /v1/completions}, {@code /api/v1/completions}) through the
 * official OpenAI SDK's {@code client.completions()}: the prompt goes upstream as a chat message, the
 * answer comes back as {@code text_completion}s with usage and cost. Also OpenRouter's {@code prompt}
 * on chat completions.
 */
class LegacyCompletionsTest {
    static FakeUpstream upstream;
    static TestGateway gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = TestGateway.start("providers:\n" + Upstreams.provider("alpha", upstream)
                + "models:\n" + Upstreams.model("test/model", "alpha"));
        client = gateway.openAi();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static CompletionCreateParams.Builder params() {
        return CompletionCreateParams.builder().model("test/model").prompt("Say hello").maxTokens(20).temperature(0.5);
    }

    @Test
    void aPromptIsAnsweredAsATextCompletionWithUsageAndCost() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));

        Completion completion = client.completions().create(params().build());

        assertThat(completion.id()).startsWith("gen-");
        assertThat(completion.model()).isEqualTo("test/model");
        assertThat(completion._object_()).isEqualTo(JsonValue.from("text_completion"));
        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().getFirst().text()).isEqualTo("Hello! How can I assist you today?");
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo(com.openai.models.completions.CompletionChoice.FinishReason.STOP);
        var usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(19);
        assertThat(usage.completionTokens()).isEqualTo(10);
        assertThat(ChatCompletionsTest.cost(usage._additionalProperties().get("cost"))).isEqualByComparingTo("0.000118");

        JsonNode sent = upstream.last().json();
        assertThat(sent.path("messages")).isEqualTo(Json.parse("[{\"role\":\"user\",\"content\":\"Say hello\"}]"));
        assertThat(sent.path("max_tokens").asLong()).isEqualTo(20);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(sent.has("prompt")).isFalse();
        assertThat(upstream.last().path()).endsWith("/chat/completions");
    }

    @Test
    void aStreamIsTextCompletionChunksEndingWithUsage() {
        upstream.enqueue(sse(Fixtures.text("openai/chat_stream_text.sse")));

        StringBuilder text = new StringBuilder();
        List<Completion> chunks = new ArrayList<>();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(params()
                .prompt(CompletionCreateParams.Prompt.ofArrayOfStrings(List.of("Say hello"))).build())) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(choice -> text.append(choice.text()));
            });
        }

        assertThat(text).hasToString("Hello! How can I help you today?");
        assertThat(chunks).allSatisfy(c -> assertThat(c._object_()).isEqualTo(JsonValue.from("text_completion")));
        Completion last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().promptTokens()).isEqualTo(16);
        assertThat(last.usage().orElseThrow()._additionalProperties()).containsKey("cost");
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).filter(c -> c._finishReason().asKnown().isPresent()))
                .hasSize(1);
        JsonNode sent = upstream.last().json();
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Say hello");
    }

    @Test
    void theOpenRouterPathServesItToo() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));

        HttpResponse<String> response = gateway.post("/api/v1/completions",
                "{\"model\":\"test/model\",\"prompt\":\"Say hello\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Json.parse(response.body());
        assertThat(body.path("object").asText()).isEqualTo("text_completion");
        assertThat(body.at("/choices/0/text").asText()).isEqualTo("Hello! How can I assist you today?");
    }

    @Test
    void whatChatCannotExpressIsA400NamingIt() {
        int before = upstream.requestCount();

        assertThatThrownBy(() -> client.completions().create(params()
                .prompt(CompletionCreateParams.Prompt.ofArrayOfStrings(List.of("a", "b"))).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("prompt:");
        assertThatThrownBy(() -> client.completions().create(params().suffix("end").build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("suffix:");
        assertThatThrownBy(() -> client.completions().create(params().echo(true).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("echo:");
        assertThatThrownBy(() -> client.completions().create(params().logprobs(2).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("logprobs:");
        assertThatThrownBy(() -> client.completions().create(params().bestOf(3).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("best_of:");
        assertThatThrownBy(() -> client.completions().create(params()
                .prompt(CompletionCreateParams.Prompt.ofArrayOfTokens(List.of(1L, 2L))).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("prompt:");
        assertThat(upstream.requestCount()).isEqualTo(before);
    }

    @Test
    void aPromptOnChatCompletionsIsTheUserMessage() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/model\",\"prompt\":\"Say hello\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).at("/choices/0/message/content").asText())
                .isEqualTo("Hello! How can I assist you today?");
        JsonNode sent = upstream.last().json();
        assertThat(sent.path("messages")).isEqualTo(Json.parse("[{\"role\":\"user\",\"content\":\"Say hello\"}]"));
        assertThat(sent.has("prompt")).isFalse();
    }

    @Test
    void aPromptBesideMessagesIsA400NamingIt() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/model\",\"prompt\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"y\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.parse(response.body()).at("/error/message").asText()).startsWith("prompt:");
    }
}
