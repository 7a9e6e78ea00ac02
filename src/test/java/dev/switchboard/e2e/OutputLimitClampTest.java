package dev.switchboard.e2e;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.BadRequestException;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.switchboard.e2e.AccountsApi.ADMIN;
import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.sseEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@code max_tokens} above an endpoint's output limit is served with the limit (Claude Code asks
 * for 32,000 or 128,000): the upstream is sent the cut value, the response says so in a header, the
 * ledger keeps both, and credits reserve the cut value. Only a request no endpoint could ever serve
 * is refused, with a 400 (never a retryable 503 / 529).
 */
class OutputLimitClampTest {
    static final String CLAMPED = "X-Switchboard-Max-Tokens-Clamped";
    static FakeUpstream upstream;
    static TestGateway gateway;
    static AccountsApi.Created key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = TestGateway.start("auth: { admin_key: " + ADMIN + ", require_keys: true }\n"
                + "providers:\n" + Upstreams.provider("oa", upstream)
                + "models:\n"
                + """
                  - id: test/small-output
                    name: "Test: small output"
                    context_length: 128000
                    max_output_tokens: 16384
                    tokenizer: o200k_base
                    pricing: { prompt: 1, completion: 10 }
                    supported_parameters: [max_tokens, max_completion_tokens, temperature]
                    endpoints:
                      - { provider: oa, upstream_model: small-upstream }
                  - id: test/tiny-context
                    name: "Test: tiny context"
                    context_length: 50
                    max_output_tokens: 10
                    tokenizer: o200k_base
                    pricing: { prompt: 1, completion: 10 }
                    endpoints:
                      - { provider: oa, upstream_model: tiny-upstream }
                """);
        key = AccountsApi.createKey(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static ChatCompletionCreateParams.Builder asking(long maxTokens) {
        return ChatCompletionCreateParams.builder().model("test/small-output").addUserMessage("Hello!")
                .maxCompletionTokens(maxTokens);
    }

    private static JsonNode generation(String secret, String id) {
        HttpResponse<String> found = AccountsApi.poll(() -> gateway.call("GET", "/api/v1/generation?id=" + id, secret, null),
                r -> r.statusCode() == 200);
        return Json.parse(found.body()).get("data");
    }

    @Test
    void aLargerMaxTokensIsServedWithTheEndpointsLimitAndSaysSo() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));

        HttpResponseFor<ChatCompletion> response = gateway.openAi(key.secret()).chat().completions().withRawResponse()
                .create(asking(32_000).build());

        ChatCompletion completion = response.parse();
        assertThat(response.headers().values(CLAMPED)).containsExactly("32000->16384");
        JsonNode sent = upstream.last().json();
        assertThat(sent.get("max_completion_tokens").asLong()).isEqualTo(16_384);
        assertThat(sent.get("model").asText()).isEqualTo("small-upstream");
        JsonNode generation = generation(key.secret(), completion.id());
        assertThat(generation.get("max_tokens_requested").asLong()).isEqualTo(32_000);
        assertThat(generation.get("max_tokens").asLong()).isEqualTo(16_384);
        assertThat(generation.get("max_tokens_clamped").asBoolean()).isTrue();
    }

    @Test
    void withinTheLimitNothingIsCutOrMarked() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));

        HttpResponseFor<ChatCompletion> response = gateway.openAi(key.secret()).chat().completions().withRawResponse()
                .create(asking(1_000).build());

        assertThat(response.headers().values(CLAMPED)).isEmpty();
        assertThat(upstream.last().json().get("max_completion_tokens").asLong()).isEqualTo(1_000);
        JsonNode generation = generation(key.secret(), response.parse().id());
        assertThat(generation.get("max_tokens_requested").asLong()).isEqualTo(1_000);
        assertThat(generation.get("max_tokens").asLong()).isEqualTo(1_000);
        assertThat(generation.get("max_tokens_clamped").asBoolean()).isFalse();
    }

    @Test
    void aStreamCarriesTheHeaderToo() {
        upstream.enqueue(sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 1));

        HttpResponse<String> response = gateway.call("POST", "/v1/chat/completions", key.secret(), """
                {"model":"test/small-output","stream":true,"max_tokens":128000,
                 "messages":[{"role":"user","content":"Hello!"}]}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue(CLAMPED)).hasValue("128000->16384");
        assertThat(upstream.last().json().get("max_tokens").asLong()).isEqualTo(16_384);
        assertThat(response.body()).contains("data: [DONE]");
    }

    @Test
    void creditsReserveTheCutValue() {
        // the worst case of 32,000 output tokens at $10/M is $0.32; of the 16,384 the endpoint gives, $0.164
        AccountsApi.Created tight = AccountsApi.createKey(gateway, "{\"name\":\"tight\",\"limit\":0.2}");
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));

        ChatCompletion completion = gateway.openAi(tight.secret()).chat().completions().create(asking(32_000).build());

        assertThat(completion.choices()).isNotEmpty();
    }

    @Test
    void aPromptOverEveryContextIsA400WithTheReasonsOnBothApis() {
        int before = upstream.requestCount();
        HttpResponse<String> chat = gateway.call("POST", "/v1/chat/completions", key.secret(),
                "{\"model\":\"test/tiny-context\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "word ".repeat(200)
                        + "\"}],\"transforms\":[]}"); // middle-out is on by default at this size: turned off here

        JsonNode error = AccountsApi.error(chat, 400);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.at("/metadata/rejections/0/reason").asText()).isEqualTo("context_length");

        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port())
                .apiKey(key.secret()).maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("test/tiny-context")
                .maxTokens(32_000).addUserMessage("word ".repeat(200))
                .putAdditionalBodyProperty("transforms", com.anthropic.core.JsonValue.from(java.util.List.of())).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.body().toString()).contains("invalid_request_error").contains("context_length");
                });
        assertThat(upstream.requestCount()).isEqualTo(before);
    }

    @Test
    void aRequiredParameterNoEndpointSupportsIsA400() {
        HttpResponse<String> response = gateway.call("POST", "/v1/chat/completions", key.secret(), """
                {"model":"test/small-output","messages":[{"role":"user","content":"hi"}],"top_k":5,"seed":3,
                 "provider":{"require_parameters":true}}""");

        JsonNode error = AccountsApi.error(response, 400);
        assertThat(error.at("/metadata/rejections/0/reason").asText()).isEqualTo("require_parameters");
    }

    @Test
    void theSdkSeesNoRetryableStatus() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("test/small-output")
                .addUserMessage("hi").putAdditionalBodyProperty("provider",
                        JsonValue.from(Map.of("only", List.of("nobody")))).build();

        assertThatThrownBy(() -> gateway.openAi(key.secret()).chat().completions().create(params))
                .isInstanceOf(com.openai.errors.BadRequestException.class);
    }
}
