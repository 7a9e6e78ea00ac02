package dev.switchboard.e2e;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics}: the GenAI and Switchboard meters in the Prometheus text format, bounded labels, never a key. */
class MetricsTest {
    FakeUpstream alpha;
    FakeUpstream beta;
    TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (alpha != null) {
            alpha.close();
            beta.close();
        }
    }

    private void startWithUpstreams(String extra) {
        alpha = FakeUpstream.start();
        beta = FakeUpstream.start();
        gateway = TestGateway.start(AccountsApi.yaml(true,
                Upstreams.provider("alpha", alpha) + Upstreams.provider("beta", beta),
                Upstreams.model("test/model", "alpha", "beta")) + extra);
    }

    private static ChatCompletionCreateParams ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello there").build();
    }

    /** A scrape that shows {@code expected} (HTTP timings are recorded just after the response's last byte). */
    private String scrapeShowing(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        String metrics = scrape();
        while (!metrics.contains(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            metrics = scrape();
        }
        return metrics;
    }

    private String scrape() {
        HttpResponse<String> response = gateway.get("/metrics");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        return response.body();
    }

    /** The sample lines of {@code name} (exact metric name, any labels). */
    static List<String> samples(String scrape, String name) {
        return Arrays.stream(scrape.split("\n"))
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .toList();
    }

    static double value(String sample) {
        return Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
    }

    @Test
    void aCompletionAndAStreamShowUpInTheGenAiAndSwitchboardMeters() throws InterruptedException {
        startWithUpstreams("");
        AccountsApi.Created key = AccountsApi.createKey(gateway);
        OpenAIClient client = gateway.openAi(key.secret());
        ChatCompletion completion = client.chat().completions().create(ask(AccountsApi.PRICED));
        assertThat(completion.choices()).isNotEmpty();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(ask(AccountsApi.PRICED))) {
            assertThat(stream.stream().count()).isPositive();
        }

        String metrics = scrapeShowing("http_route=\"/v1/chat/completions\"");

        String chat = "gen_ai_operation_name=\"chat\"";
        assertThat(samples(metrics, "gen_ai_client_token_usage_count"))
                .anySatisfy(s -> assertThat(s).contains(chat, "gen_ai_token_type=\"input\"",
                        "gen_ai_request_model=\"test/priced\"", "gen_ai_provider_name=\"demo\""))
                .anySatisfy(s -> assertThat(s).contains("gen_ai_token_type=\"output\""));
        assertThat(samples(metrics, "gen_ai_client_token_usage_bucket")).isNotEmpty();
        assertThat(samples(metrics, "gen_ai_client_operation_duration_seconds_count"))
                .anySatisfy(s -> assertThat(s).contains(chat, "outcome=\"success\"", "endpoint=\"/v1/chat/completions\"",
                        "gen_ai_response_model=\"test/priced\""));
        assertThat(samples(metrics, "gen_ai_server_time_to_first_token_seconds_count"))
                .singleElement().satisfies(s -> assertThat(value(s)).isEqualTo(1.0));
        assertThat(samples(metrics, "gen_ai_server_time_per_output_token_seconds_count")).isNotEmpty();
        assertThat(samples(metrics, "switchboard_requests_total"))
                .anySatisfy(s -> {
                    assertThat(s).contains("outcome=\"success\"", "status=\"200\"", "model=\"test/priced\"",
                            "provider=\"demo\"");
                    assertThat(value(s)).isEqualTo(2.0);
                });
        assertThat(samples(metrics, "switchboard_cost_usd_total"))
                .singleElement().satisfies(s -> assertThat(value(s)).isPositive());
        assertThat(samples(metrics, "switchboard_upstream_attempts_total"))
                .anySatisfy(s -> assertThat(s).contains("provider=\"demo\"", "outcome=\"success\""));
        assertThat(samples(metrics, "switchboard_upstream_in_flight"))
                .anySatisfy(s -> assertThat(s).contains("provider=\"demo\""));
        assertThat(samples(metrics, "switchboard_ledger_queue_depth")).hasSize(1);
        assertThat(samples(metrics, "switchboard_circuit_breakers_open")).hasSize(1);
        assertThat(samples(metrics, "http_server_request_duration_seconds_count"))
                .anySatisfy(s -> assertThat(s).contains("http_request_method=\"POST\"",
                        "http_route=\"/v1/chat/completions\"", "http_response_status_code=\"200\""));
        assertThat(samples(metrics, "jvm_memory_used_bytes")).isNotEmpty();
        assertThat(samples(metrics, "process_cpu_usage")).isNotEmpty();
        // never a key: not its secret, not its hash, not its name
        assertThat(metrics).doesNotContain(key.secret(), key.hash(), "test key");
    }

    @Test
    void aFallbackCountsBothAttemptsAndTheFallback() {
        startWithUpstreams("");
        alpha.enqueue(json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
        beta.enqueue(fixture(200, "openai/chat_nonstream.json"));
        AccountsApi.Created key = AccountsApi.createKey(gateway);
        gateway.openAi(key.secret()).chat().completions().create(ChatCompletionCreateParams.builder()
                .model("test/model").addUserMessage("Hi").putAdditionalBodyProperty("provider",
                        com.openai.core.JsonValue.from(Map.of("order", List.of("alpha", "beta")))).build());

        String metrics = scrape();

        assertThat(samples(metrics, "switchboard_fallbacks_total")).singleElement().satisfies(s -> {
            assertThat(s).contains("provider=\"alpha\"", "model=\"test/model\"");
            assertThat(value(s)).isEqualTo(1.0);
        });
        assertThat(samples(metrics, "switchboard_upstream_attempts_total"))
                .anySatisfy(s -> assertThat(s).contains("provider=\"alpha\"", "outcome=\"error\""))
                .anySatisfy(s -> assertThat(s).contains("provider=\"beta\"", "outcome=\"success\""));
        assertThat(samples(metrics, "switchboard_upstream_in_flight"))
                .allSatisfy(s -> assertThat(value(s)).isZero());
        // the upstream client keeps its connection to each provider open (keep-alive)
        assertThat(samples(metrics, "switchboard_upstream_connections"))
                .anySatisfy(s -> {
                    assertThat(s).contains("upstream=\"127.0.0.1:" + beta.port() + "\"");
                    assertThat(value(s)).isGreaterThanOrEqualTo(1.0);
                });
    }

    @Test
    void unknownModelsAndRandomPathsAddNoSeries() throws InterruptedException {
        startWithUpstreams("");
        AccountsApi.Created key = AccountsApi.createKey(gateway);
        HttpResponse<String> unknown = gateway.call("POST", "/v1/chat/completions", key.secret(),
                "{\"model\":\"nobody/made-this-up\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(gateway.get("/v1/this/path/does-not-exist-42").statusCode()).isEqualTo(404);

        String metrics = scrapeShowing("http_route=\"unmatched\"");

        assertThat(metrics).doesNotContain("made-this-up", "does-not-exist-42");
        assertThat(samples(metrics, "switchboard_requests_total"))
                .anySatisfy(s -> assertThat(s).contains("model=\"none\"", "outcome=\"error\"", "status=\"404\""));
        assertThat(samples(metrics, "http_server_request_duration_seconds_count"))
                .anySatisfy(s -> assertThat(s).contains("http_route=\"unmatched\"", "http_response_status_code=\"404\""));
    }

    @Test
    void webUiPagesAreLabelledByTheirRouteTemplates() throws InterruptedException {
        startWithUpstreams("");
        gateway.get("/models/test/model");
        gateway.get("/static/app.css");
        gateway.get("/keys/0123abc");

        String metrics = scrapeShowing("http_route=\"/keys/{hash}\"");

        assertThat(samples(metrics, "http_server_request_duration_seconds_count"))
                .anySatisfy(s -> assertThat(s).contains("http_route=\"/models/{author}/{slug}\""))
                .anySatisfy(s -> assertThat(s).contains("http_route=\"/static/{file}\""))
                .anySatisfy(s -> assertThat(s).contains("http_route=\"/keys/{hash}\""));
        assertThat(metrics).doesNotContain("0123abc", "app.css");
    }

    @Test
    void aKeyOverItsRateLimitCountsAsRateLimited() {
        startWithUpstreams("");
        AccountsApi.Created key = AccountsApi.createKey(gateway, "{\"name\":\"slow\",\"rate_limit\":{\"requests_per_minute\":1}}");
        OpenAIClient client = gateway.openAi(key.secret());
        client.chat().completions().create(ask(AccountsApi.PRICED));
        HttpResponse<String> limited = gateway.call("POST", "/v1/chat/completions", key.secret(),
                "{\"model\":\"" + AccountsApi.PRICED + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);

        assertThat(samples(scrape(), "switchboard_requests_total"))
                .anySatisfy(s -> assertThat(s).contains("outcome=\"rate_limited\"", "status=\"429\""));
    }

    @Test
    void embeddingsAndTheMessagesApiHaveTheirOwnLabels() throws InterruptedException {
        startWithUpstreams("""
                  - id: test/embed
                    name: "Test: Embed"
                    context_length: 8191
                    output_modalities: [embeddings]
                    tokenizer: cl100k_base
                    pricing: { prompt: 0.02, completion: 0 }
                    endpoints: [ { provider: alpha, upstream_model: upstream-small } ]
                """);
        alpha.enqueue(fixture(200, "openai/embeddings.json"));
        AccountsApi.Created key = AccountsApi.createKey(gateway);
        gateway.openAi(key.secret()).embeddings().create(com.openai.models.embeddings.EmbeddingCreateParams.builder()
                .model("test/embed").input("The food was delicious").build());
        com.anthropic.client.okhttp.AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + gateway.port()).apiKey(key.secret()).maxRetries(0).build()
                .messages().create(com.anthropic.models.messages.MessageCreateParams.builder()
                        .model(AccountsApi.PRICED).maxTokens(40).addUserMessage("Hello from Anthropic").build());

        String metrics = scrapeShowing("http_route=\"/v1/messages\"");

        assertThat(samples(metrics, "gen_ai_client_token_usage_count"))
                .anySatisfy(s -> assertThat(s).contains("gen_ai_operation_name=\"embeddings\"",
                        "endpoint=\"/v1/embeddings\"", "gen_ai_token_type=\"input\"", "gen_ai_provider_name=\"alpha\""))
                .anySatisfy(s -> assertThat(s).contains("gen_ai_operation_name=\"chat\"", "endpoint=\"/v1/messages\""));
        assertThat(samples(metrics, "switchboard_requests_total"))
                .anySatisfy(s -> assertThat(s).contains("operation=\"embeddings\"", "outcome=\"success\""))
                .anySatisfy(s -> assertThat(s).contains("endpoint=\"/v1/messages\"", "outcome=\"success\""));
    }

    @Test
    void metricsCanBeTurnedOff() {
        gateway = TestGateway.start(AccountsApi.yaml() + "observability: { metrics: { enabled: false } }\n");
        assertThat(gateway.get("/metrics").statusCode()).isEqualTo(404);
        assertThat(gateway.get("/healthz").statusCode()).isEqualTo(200);
    }
}
