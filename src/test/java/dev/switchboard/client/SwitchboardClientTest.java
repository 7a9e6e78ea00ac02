package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.client.example.Example;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.sseCutAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Java client against a running gateway: the demo echo model, a fake OpenAI upstream, real keys and limits. */
class SwitchboardClientTest {
    static final String ADMIN = "sk-test-admin";
    static final String ECHO = "switchboard/echo";
    /** Served by the demo echo at $1 (prompt) and $2 (completion) per million tokens. */
    static final String PRICED = "test/priced";
    /** Served by the fake upstream {@code alpha} at $2 and $8 per million tokens. */
    static final String UPSTREAM = "test/upstream";

    static FakeUpstream upstream;
    static TestGateway gateway;
    static String key;

    final List<Duration> waits = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = TestGateway.start("""
                auth: { admin_key: %s, require_keys: true }
                providers:
                  - { id: demo, tokens_per_second: 0 }
                  - { id: alpha, name: Alpha, protocol: openai, base_url: "%s", api_key: sk-provider-alpha }
                models:
                  - { id: %s, name: Priced, context_length: 8000, max_output_tokens: 50, tokenizer: o200k_base,
                      pricing: { prompt: 1, completion: 2 }, endpoints: [ { provider: demo, upstream_model: echo } ] }
                  - { id: %s, name: Upstream, context_length: 100000, max_output_tokens: 4096, tokenizer: o200k_base,
                      pricing: { prompt: 2, completion: 8 }, endpoints: [ { provider: alpha, upstream_model: upstream-alpha } ] }
                """.formatted(ADMIN, upstream.baseUrl(), PRICED, UPSTREAM));
        key = createKey("{\"name\": \"client\"}");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void clearWaits() {
        waits.clear();
    }

    /** The client as an application builds it, except that waits between retries are recorded, not slept. */
    SwitchboardClient client(String apiKey) {
        return SwitchboardClient.builder().baseUrl("http://127.0.0.1:" + gateway.port() + "/api/v1").apiKey(apiKey)
                .timeout(Duration.ofSeconds(30)).maxRetries(2).sleeper(waits::add).build();
    }

    static String createKey(String body) {
        HttpResponse<String> created = gateway.call("POST", "/api/v1/keys", ADMIN, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Json.parse(created.body()).get("key").asText();
    }

    @Test
    void runAnswersWithTheModelsText() {
        try (SwitchboardClient client = client(key)) {
            assertThat(client.run(ECHO, "Hello from Java")).isEqualTo("Hello from Java");
        }
    }

    @Test
    void chatUsageAndCostMatchTheGenerationInTheLedger() {
        try (SwitchboardClient client = client(key)) {
            ChatResult result = client.chat(PRICED, List.of(Message.system("Echo."), Message.user("count these words")),
                    ChatOptions.builder().maxTokens(40).temperature(0.0).build());

            assertThat(result.id()).startsWith("gen-");
            assertThat(result.model()).isEqualTo(PRICED);
            assertThat(result.content()).isEqualTo("count these words");
            assertThat(result.finishReason()).isEqualTo("stop");
            Usage usage = result.usage();
            assertThat(usage.promptTokens()).isPositive();
            assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
            BigDecimal expected = new BigDecimal("0.000001").multiply(BigDecimal.valueOf(usage.promptTokens()))
                    .add(new BigDecimal("0.000002").multiply(BigDecimal.valueOf(usage.completionTokens())));
            assertThat(usage.cost()).isEqualByComparingTo(expected);

            Generation generation = awaitGeneration(client, result.id());
            assertThat(generation.model()).isEqualTo(PRICED);
            assertThat(generation.promptTokens()).isEqualTo(usage.promptTokens());
            assertThat(generation.completionTokens()).isEqualTo(usage.completionTokens());
            assertThat(generation.totalCost()).isEqualByComparingTo(usage.cost());
            assertThat(generation.streamed()).isFalse();
        }
    }

    @Test
    void streamsTheTextThenTheUsageWithItsCost() {
        try (SwitchboardClient client = client(key);
             Stream<ChatChunk> stream = client.stream(PRICED, List.of(Message.user("one two three four")))) {
            List<ChatChunk> chunks = stream.toList();

            assertThat(chunks.size()).isGreaterThan(2);
            assertThat(chunks).extracting(ChatChunk::id).containsOnly(chunks.getFirst().id());
            assertThat(String.join("", chunks.stream().map(ChatChunk::content).toList())).isEqualTo("one two three four");
            assertThat(chunks).filteredOn(c -> c.finishReason() != null).singleElement()
                    .extracting(ChatChunk::finishReason).isEqualTo("stop");
            Usage usage = chunks.getLast().usage().orElseThrow();
            assertThat(usage.completionTokens()).isPositive();
            assertThat(usage.cost()).isPositive();

            Generation generation = awaitGeneration(client, chunks.getFirst().id());
            assertThat(generation.streamed()).isTrue();
            assertThat(generation.totalCost()).isEqualByComparingTo(usage.cost());
        }
    }

    @Test
    void toolCallsMakeARoundTripThroughTheUpstream() {
        upstream.enqueue(fixture(200, "openai/chat_tool_call.json"), fixture(200, "openai/chat_nonstream.json"));
        Tool weather = Tool.of("get_weather", "The weather at a location", Map.of("type", "object",
                "properties", Map.of("location", Map.of("type", "string")), "required", List.of("location")));
        ChatOptions options = ChatOptions.builder().tool(weather).toolChoice("auto").build();
        List<Message> messages = List.of(Message.user("Weather in San Francisco?"));

        try (SwitchboardClient client = client(key)) {
            ChatResult call = client.chat(UPSTREAM, messages, options);

            assertThat(call.finishReason()).isEqualTo("tool_calls");
            assertThat(call.provider()).isEqualTo("Alpha");
            ToolCall toolCall = call.toolCalls().getFirst();
            assertThat(toolCall.name()).isEqualTo("get_weather");
            assertThat(toolCall.argumentsJson().get("location").asText()).isEqualTo("San Francisco, CA");
            JsonNode first = upstream.last().json();
            assertThat(first.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
            assertThat(first.at("/tools/0/function/parameters/required/0").asText()).isEqualTo("location");
            assertThat(first.get("tool_choice").asText()).isEqualTo("auto");

            ChatResult answer = client.chat(UPSTREAM, List.of(messages.getFirst(), Message.assistant(call),
                    Message.tool(toolCall.id(), "{\"temperature_c\": 18}")), options);

            assertThat(answer.content()).contains("Hello! How can I assist you today?");
            assertThat(answer.usage().cost()).isEqualByComparingTo("0.000118"); // 19 × $2/M + 10 × $8/M
            JsonNode second = upstream.last().json();
            assertThat(second.at("/messages/1/role").asText()).isEqualTo("assistant");
            assertThat(second.at("/messages/1/tool_calls/0/id").asText()).isEqualTo(toolCall.id());
            assertThat(second.at("/messages/1/tool_calls/0/function/arguments").asText()).isEqualTo(toolCall.arguments());
            assertThat(second.at("/messages/2/role").asText()).isEqualTo("tool");
            assertThat(second.at("/messages/2/tool_call_id").asText()).isEqualTo(toolCall.id());
            assertThat(second.at("/messages/2/content").asText()).isEqualTo("{\"temperature_c\": 18}");
        }
    }

    @Test
    void aStreamedToolCallCollectsIntoOneResult() {
        upstream.enqueue(FakeUpstream.sseEvents(Fixtures.text("openai/chat_stream.sse"), 1));

        ChatResult call;
        try (SwitchboardClient client = client(key);
             Stream<ChatChunk> stream = client.stream(UPSTREAM, List.of(Message.user("Weather in San Francisco?")),
                     ChatOptions.builder().tool(Tool.of("get_weather", "The weather", Map.of("type", "object"))).build())) {
            call = stream.collect(ChatChunks.toResult());
        }

        assertThat(call.id()).startsWith("gen-");
        assertThat(call.finishReason()).isEqualTo("tool_calls");
        assertThat(call.toolCalls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("get_weather");
            assertThat(c.argumentsJson().get("location").asText()).isEqualTo("San Francisco, CA");
        });
        assertThat(call.usage().cost()).isPositive();
        assertThat(upstream.last().json().at("/tools/0/function/name").asText()).isEqualTo("get_weather");
    }

    @Test
    void aKeyWithoutCreditsGetsInsufficientCredits() {
        String broke = createKey("{\"name\": \"broke\", \"limit\": 0}");

        try (SwitchboardClient client = client(broke)) {
            assertThatThrownBy(() -> client.run(PRICED, "costly")).isInstanceOfSatisfying(InsufficientCreditsException.class, e -> {
                assertThat(e.status()).isEqualTo(402);
                assertThat(e.type()).isEqualTo("insufficient_quota");
                assertThat(e.isRetryable()).isFalse();
            });
        }
        assertThat(waits).isEmpty();
    }

    @Test
    void anUnknownModelIsNotFound() {
        try (SwitchboardClient client = client(key)) {
            assertThatThrownBy(() -> client.run("nobody/no-such-model", "hi"))
                    .isInstanceOfSatisfying(NotFoundException.class, e -> {
                        assertThat(e.status()).isEqualTo(404);
                        assertThat(e.getMessage()).contains("nobody/no-such-model");
                    });
        }
        assertThat(waits).isEmpty();
    }

    @Test
    void anUnknownKeyIsAnAuthenticationFailureAndABadMemberABadRequest() {
        try (SwitchboardClient stranger = client("sk-sb-v1-unknown"); SwitchboardClient client = client(key)) {
            assertThatThrownBy(() -> stranger.run(ECHO, "hi")).isInstanceOf(AuthenticationException.class);
            assertThatThrownBy(() -> client.chat(ECHO, List.of(Message.user("hi")),
                    ChatOptions.builder().extra("tools", Map.of("type", "function")).build()))
                    .isInstanceOfSatisfying(BadRequestException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.type()).isEqualTo("invalid_request_error");
                        assertThat(e.param()).hasValue("tools");
                    });
        }
        assertThat(waits).isEmpty();
    }

    @Test
    void aRateLimitedKeyGetsRateLimitedWithRetryAfter() {
        String limited = createKey("{\"name\": \"rpm\", \"rate_limit\": {\"requests_per_minute\": 1}}");

        try (SwitchboardClient client = SwitchboardClient.builder().baseUrl(gateway.baseUrl()).apiKey(limited)
                .maxRetries(0).build()) {
            assertThat(client.run(ECHO, "first")).isEqualTo("first");
            assertThatThrownBy(() -> client.run(ECHO, "second")).isInstanceOfSatisfying(RateLimitedException.class, e -> {
                assertThat(e.status()).isEqualTo(429);
                assertThat(e.type()).isEqualTo("rate_limit_error");
                assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofSeconds(1),
                        Duration.ofSeconds(60)));
                assertThat(e.isRetryable()).isTrue();
            });
        }
    }

    @Test
    void retriesAFailedUpstreamThenReturnsTheAnswer() {
        upstream.enqueue(FakeUpstream.json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"),
                fixture(200, "openai/chat_nonstream.json"));
        int before = upstream.requestCount();

        try (SwitchboardClient client = client(key)) {
            ChatResult result = client.chat(UPSTREAM, List.of(Message.user("Hello!")));

            assertThat(result.content()).contains("Hello! How can I assist you today?");
        }
        assertThat(upstream.requestCount() - before).isEqualTo(2);
        assertThat(waits).hasSize(1);
    }

    @Test
    void aStreamTheProviderBreaksOffThrowsFromTheStreamAndIsNotRetried() {
        upstream.enqueue(sseCutAfter(Fixtures.text("openai/chat_stream_text.sse"), 3));
        int before = upstream.requestCount();
        StringBuilder text = new StringBuilder();

        try (SwitchboardClient client = client(key);
             Stream<ChatChunk> stream = client.stream(UPSTREAM, List.of(Message.user("Hello!")))) {
            assertThatThrownBy(() -> stream.forEach(c -> text.append(c.content())))
                    .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                        assertThat(e.duringStream()).isTrue();
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.generationId()).hasValueSatisfying(id -> assertThat(id).startsWith("gen-"));
                    });
        }
        assertThat(text).isNotEmpty();
        assertThat(upstream.requestCount() - before).isEqualTo(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void listsTheCatalog() {
        try (SwitchboardClient client = client(key)) {
            assertThat(client.models()).filteredOn(m -> m.id().equals(PRICED)).singleElement().satisfies(m -> {
                assertThat(m.contextLength()).isEqualTo(8000);
                assertThat(m.promptPrice()).isEqualByComparingTo("0.000001");
                assertThat(m.completionPrice()).isEqualByComparingTo("0.000002");
            });
        }
    }

    @Test
    void theReadmeExampleRunsAgainstTheGateway() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        try (SwitchboardClient client = client(key)) {
            Example.demo(client, ECHO, new PrintStream(printed, true, StandardCharsets.UTF_8));
        }

        assertThat(printed.toString(StandardCharsets.UTF_8).lines().toList())
                .startsWith("Hello, Switchboard!", "What does an LLM gateway do?")
                .contains("Stream this back to me.")
                .anyMatch(line -> line.startsWith("switchboard/echo via ") && line.contains(" tokens, $"))
                .anyMatch(line -> line.startsWith("[streamed: $"))
                .anyMatch(line -> line.startsWith("404 not_found_error: "));
    }

    /** The ledger is written after the answer: 404 until then. */
    private static Generation awaitGeneration(SwitchboardClient client, String id) {
        return Poll.until(() -> {
            try {
                return client.generation(id);
            } catch (NotFoundException notYet) {
                return null;
            }
        }, g -> g != null, Duration.ofSeconds(10));
    }
}
