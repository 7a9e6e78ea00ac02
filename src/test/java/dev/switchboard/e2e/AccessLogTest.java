package dev.switchboard.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The access log: one line per finished request with its fields, never a prompt or a key's secret or hash. */
class AccessLogTest {
    static final String PROMPT = "tell nobody about the purple walrus";

    ListAppender<ILoggingEvent> lines;
    Logger accessLogger;
    TestGateway gateway;

    @BeforeEach
    void listen() {
        accessLogger = (Logger) LoggerFactory.getLogger("switchboard.access");
        lines = new ListAppender<>();
        lines.start();
        accessLogger.addAppender(lines);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        accessLogger.detachAppender(lines);
    }

    private List<String> linesWith(String text) {
        synchronized (lines) { // the appender adds under its own lock, from event-loop threads
            return lines.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(text)).toList();
        }
    }

    /** The lines containing {@code text}, once there are {@code expected} of them (the line follows the response's last byte). */
    private List<String> awaitLinesWith(String text, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        List<String> found = linesWith(text);
        while (found.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
            found = linesWith(text);
        }
        return found;
    }

    private static ChatCompletionCreateParams ask() {
        return ChatCompletionCreateParams.builder().model(AccountsApi.PRICED).addUserMessage(PROMPT).build();
    }

    @Test
    void aCompletionWritesOneTextLineWithItsFieldsAndNoSecrets() throws InterruptedException {
        gateway = TestGateway.start(AccountsApi.yaml());
        AccountsApi.Created key = AccountsApi.createKey(gateway, "{\"name\":\"billing team\"}");

        ChatCompletion completion = gateway.openAi(key.secret()).chat().completions().create(ask().toBuilder()
                .putAdditionalHeader("X-Title", "Walrus Tracker").build());

        List<String> logged = awaitLinesWith(completion.id(), 1);
        assertThat(logged).hasSize(1);
        String line = logged.getFirst();
        assertThat(line).startsWith("time=")
                .contains(" method=POST route=/v1/chat/completions status=200 outcome=success",
                        " generation_id=" + completion.id(), " key=\"billing team\"", " model=test/priced",
                        " provider=demo", " prompt_tokens=" + completion.usage().orElseThrow().promptTokens(),
                        " completion_tokens=" + completion.usage().orElseThrow().completionTokens(), " cost_usd=0.0000",
                        " ttft_ms=- streamed=false attempts=1 finish_reason=stop app=\"Walrus Tracker\"")
                .containsPattern(" latency_ms=\\d+ ");
        assertThat(String.join("\n", linesWith("")))
                .doesNotContain(PROMPT, "purple", key.secret(), key.hash());
    }

    @Test
    void aStreamLogsItsTimeToFirstTokenAsJson() throws InterruptedException {
        gateway = TestGateway.start(AccountsApi.yaml() + "observability: { access_log: { format: json } }\n");
        AccountsApi.Created key = AccountsApi.createKey(gateway);

        String id;
        try (StreamResponse<ChatCompletionChunk> stream = gateway.openAi(key.secret()).chat().completions()
                .createStreaming(ask())) {
            id = stream.stream().map(ChatCompletionChunk::id).reduce((a, b) -> b).orElseThrow();
        }

        List<String> logged = awaitLinesWith(id, 1);
        assertThat(logged).hasSize(1);
        JsonNode line = Json.parse(logged.getFirst());
        assertThat(line.get("generation_id").asText()).isEqualTo(id);
        assertThat(line.get("route").asText()).isEqualTo("/v1/chat/completions");
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.get("streamed").asBoolean()).isTrue();
        assertThat(line.get("ttft_ms").isIntegralNumber()).isTrue();
        assertThat(line.get("completion_tokens").asLong()).isPositive();
        assertThat(line.get("key").asText()).isEqualTo("test key");
        assertThat(line.get("model").asText()).isEqualTo(AccountsApi.PRICED);
        assertThat(line.get("cost_usd").decimalValue()).isPositive();
        assertThat(logged.getFirst()).doesNotContain(PROMPT, key.secret(), key.hash());
    }

    @Test
    void otherRoutesAndRefusedRequestsLogOneShortLineEach() throws InterruptedException {
        gateway = TestGateway.start(AccountsApi.yaml());

        HttpResponse<String> models = gateway.get("/api/v1/models");
        HttpResponse<String> refused = gateway.call("POST", "/v1/chat/completions", "sk-sb-v1-not-a-real-key",
                "{\"model\":\"test/priced\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}");

        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(awaitLinesWith("route=/v1/models ", 1)).singleElement()
                .satisfies(line -> assertThat(line).contains("method=GET", "status=200").containsPattern("latency_ms=\\d+$"));
        assertThat(awaitLinesWith("route=/v1/chat/completions status=401", 1)).hasSize(1);
        assertThat(String.join("\n", linesWith("route="))).doesNotContain(PROMPT, "not-a-real-key");
    }

    @Test
    void aStreamTheClientAbandonsIsLoggedOnceAsCancelledAndCounted() throws Exception {
        gateway = TestGateway.start(AccountsApi.yaml(true,
                "  - { id: slow, name: Slow Demo, protocol: demo, tokens_per_second: 20 }\n",
                "  - { id: test/slow, name: Slow, context_length: 8000, max_output_tokens: 1000, tokenizer: o200k_base,\n"
                        + "      pricing: { prompt: 1, completion: 2 }, endpoints: [ { provider: slow, upstream_model: echo } ] }\n"));
        AccountsApi.Created key = AccountsApi.createKey(gateway);
        // about 200 tokens at 20 a second: ten seconds if the client stayed
        String body = AccountsApi.chatBody("test/slow", "tick ".repeat(200), true);
        String id = null;
        int contentChunks = 0;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + key.secret() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String line;
            while (contentChunks < 3 && (line = reader.readLine()) != null) {
                if (line.regionMatches(true, 0, "x-generation-id:", 0, 16)) {
                    id = line.substring(16).strip();
                } else if (line.startsWith("data: {") && line.contains("\"content\":\"")) {
                    contentChunks++;
                }
            }
        }
        assertThat(id).startsWith("gen-");

        List<String> logged = awaitLinesWith(id, 1);
        assertThat(logged).singleElement().satisfies(line -> assertThat(line)
                .contains(" status=200 outcome=cancelled ", " streamed=true", " model=test/slow", " provider=slow")
                .containsPattern(" ttft_ms=\\d+ ")
                .doesNotContain("tick"));
        String metrics = gateway.get("/metrics").body();
        assertThat(MetricsTest.samples(metrics, "switchboard_requests_total"))
                .anySatisfy(s -> assertThat(s).contains("outcome=\"cancelled\"", "model=\"test/slow\""));
        assertThat(MetricsTest.samples(metrics, "switchboard_upstream_attempts_total"))
                .anySatisfy(s -> assertThat(s).contains("provider=\"slow\"", "outcome=\"cancelled\""));
    }

    @Test
    void theLogCanBeTurnedOff() {
        gateway = TestGateway.start(AccountsApi.yaml() + "observability: { access_log: { enabled: false } }\n");

        assertThat(gateway.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/v1/models").statusCode()).isEqualTo(200);
        gateway.close(); // every request has ended, and so has any line it would have written
        gateway = null;

        assertThat(linesWith("route=")).isEmpty();
    }
}
