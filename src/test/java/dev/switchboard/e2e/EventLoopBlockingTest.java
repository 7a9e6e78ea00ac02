package dev.switchboard.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.switchboard.testing.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token counting never holds an event loop (issue 12, item 6): the gateway runs with Vert.x's
 * blocked-thread checker at {@value #MAX_LOOP_MS} ms, and any "Thread blocked" warning while the
 * requests under test run fails the test. The encodings are loaded at start, so the first
 * request does not pay for them (~2 s for o200k_base); a 32 MiB prompt on a key with token and
 * credit limits is counted on a worker (counted on the loop, it held the loop for 7-11 s here).
 * The threshold is not 100 ms: on a 2-core machine shared with other builds (load average 11-19)
 * runs at 100 ms warned once or twice each, somewhere else every time (allocating the 32 MiB body,
 * a metrics update, an upstream write; 104-154 ms); at 250 ms copying the 32 MiB upstream body
 * (into the spliced body, then into Netty's direct buffer) still reached 251-333 ms. 500 ms is the
 * lowest that held in three runs in a row (docs/operations.md). Vert.x's HTTP classes are loaded at
 * start (WarmUp), not in the first request.
 */
class EventLoopBlockingTest {
    private static final long MAX_LOOP_MS = 500;
    private static final String MODEL = "test/huge-context";

    private final BlockedThreadWarnings warnings = new BlockedThreadWarnings();
    private FakeUpstream upstream;
    private TestGateway gateway;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        // a context larger than the prompt, so the 32 MiB request is routed, counted and served
        String yaml = "server: { port: 0, stream_keepalive_ms: 60000, max_body_bytes: 67108864 }\n"
                + "auth: { admin_key: " + AccountsApi.ADMIN + ", require_keys: true }\n"
                + "providers:\n"
                + Upstreams.provider("alpha", upstream)
                + "models:\n"
                + Upstreams.model(MODEL, "alpha").replace("context_length: 100000", "context_length: 20000000");
        VertxOptions strict = new VertxOptions()
                .setBlockedThreadCheckInterval(MAX_LOOP_MS / 2).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
                .setMaxEventLoopExecuteTime(MAX_LOOP_MS).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                // the warning then carries the blocked thread's stack: what held the loop
                .setWarningExceptionTime(MAX_LOOP_MS).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
        gateway = TestGateway.start(yaml, strict);
        warnings.attach(); // from readiness on: what a client can feel
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
        warnings.detach();
    }

    @Test
    void theFirstRequestAndA32MiBPromptOnALimitedKeyNeverBlockTheEventLoop() throws Exception {
        AccountsApi.Created key = AccountsApi.createKey(gateway, "{\"name\": \"limited\", \"limit\": 100,"
                + " \"rate_limit\": {\"tokens_per_minute\": 50000000}}");

        // the first request after start: a token limit counts its prompt on the loop, with an encoding loaded at start
        upstream.enqueue(json(200, answer(12)));
        byte[] hello = AccountsApi.chatBody(MODEL, "Hello there, first request", false).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> first = gateway.send(chat(key.secret(), hello).build());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

        String prompt = prose(32 * 1024 * 1024);
        byte[] body = Json.bytes(Json.object().put("model", MODEL).put("max_tokens", 16).set("messages",
                Json.MAPPER.createArrayNode().add(Json.object().put("role", "user").put("content", prompt))));
        long promptTokens = 6_000_000; // what the fake provider reports; the gateway's own count only routes and limits
        upstream.enqueue(json(200, answer(promptTokens)));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long started = System.nanoTime();
        var large = http.sendAsync(chat(key.secret(), body).timeout(Duration.ofSeconds(90)).build(),
                HttpResponse.BodyHandlers.ofString());
        // while the prompt is read, counted and sent, the gateway keeps answering (printed: a busy machine slows it)
        long slowestHealthMs = 0;
        while (!large.isDone()) {
            long before = System.nanoTime();
            HttpResponse<String> health = gateway.get("/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            slowestHealthMs = Math.max(slowestHealthMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before));
            Thread.sleep(20);
        }
        HttpResponse<String> response = large.get();
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        List<String> blocked = warnings.seen(); // while the requests under test ran (not the checks below)
        System.out.printf("32 MiB prompt served in %d ms; slowest /healthz meanwhile %d ms%n", tookMs, slowestHealthMs);

        assertThat(response.statusCode()).as(response.body().substring(0, Math.min(500, response.body().length())))
                .isEqualTo(200);
        assertThat(tookMs).as("bounded").isLessThan(60_000);
        assertThat(upstream.last().body().length).as("the whole prompt reached the provider").isGreaterThan(prompt.length());
        JsonNode usage = Json.parse(response.body()).path("usage");
        assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(promptTokens);
        BigDecimal cost = usage.path("cost").decimalValue();
        // $2 per million prompt tokens, $8 per million completion tokens; both answers generate 5 tokens
        assertThat(cost).isEqualByComparingTo(new BigDecimal("12.00004"));

        String id = Json.parse(response.body()).path("id").asText();
        JsonNode row = Json.parse(AccountsApi.poll(() -> gateway.call("GET", "/api/v1/generation?id=" + id, key.secret(), null),
                r -> r.statusCode() == 200).body()).path("data");
        assertThat(row.path("tokens_prompt").asLong()).isEqualTo(promptTokens);
        assertThat(row.path("total_cost").decimalValue()).isEqualByComparingTo(cost);
        JsonNode keyInfo = Json.parse(gateway.call("GET", "/api/v1/key", key.secret(), null).body()).path("data");
        BigDecimal firstCost = new BigDecimal("0.000064"); // 12 prompt tokens at $2/M + 5 completion tokens at $8/M
        assertThat(keyInfo.path("usage").decimalValue()).isEqualByComparingTo(cost.add(firstCost));
        assertThat(keyInfo.path("reserved").decimalValue()).as("nothing stays reserved").isZero();

        assertThat(blocked).as("Vert.x's blocked-thread checker at %d ms", MAX_LOOP_MS).isEmpty();
    }

    @Test
    void aClientThatLeavesWhileItsPromptIsCountedReleasesItsLedgerSlotAndReachesNoProvider() throws Exception {
        AccountsApi.Created key = AccountsApi.createKey(gateway, "{\"name\": \"leaves\", \"limit\": 100,"
                + " \"rate_limit\": {\"tokens_per_minute\": 50000000}}");
        upstream.always(FakeUpstream.hang());
        byte[] body = Json.bytes(Json.object().put("model", MODEL).put("max_tokens", 16).set("messages",
                Json.MAPPER.createArrayNode().add(Json.object().put("role", "user").put("content", prose(8 * 1024 * 1024)))));

        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + key.secret() + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            // admitted: the request holds a ledger slot while its prompt is counted (seconds for 8 MiB)
            AccountsApi.poll(EventLoopBlockingTest.this::ledgerSlotsInUse, used -> used == 1);
        }
        long left = System.nanoTime();
        AccountsApi.poll(EventLoopBlockingTest.this::ledgerSlotsInUse, used -> used == 0);
        System.out.printf("ledger slot released %d ms after the client left%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - left));

        assertThat(upstream.requestCount()).as("nothing was sent for a client that left").isZero();
        JsonNode keyInfo = Json.parse(gateway.call("GET", "/api/v1/key", key.secret(), null).body()).path("data");
        assertThat(keyInfo.path("usage").decimalValue()).isZero();
        assertThat(keyInfo.path("reserved").decimalValue()).as("nothing stays reserved").isZero();
    }

    private long ledgerSlotsInUse() {
        String metrics = gateway.call("GET", "/metrics", AccountsApi.ADMIN, null).body();
        Matcher gauge = Pattern.compile("(?m)^switchboard_ledger_queue_depth(?:\\{[^}]*})? ([0-9.]+)").matcher(metrics);
        assertThat(gauge.find()).as(metrics).isTrue();
        return (long) Double.parseDouble(gauge.group(1));
    }

    private HttpRequest.Builder chat(String secret, byte[] body) {
        return HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + secret)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private static String answer(long promptTokens) {
        return """
                {"id": "chatcmpl-huge", "object": "chat.completion", "created": 1700000000, "model": "upstream-alpha",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "Read it all, thanks."},
                              "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": %d, "completion_tokens": 5, "total_tokens": %d}}
                """.formatted(promptTokens, promptTokens + 5);
    }

    /** About {@code bytes} of ASCII prose from a small vocabulary: costs the tokenizer what real text does. */
    private static String prose(int bytes) {
        String[] words = {"the", "gateway", "counts", "every", "token", "of", "a", "prompt", "before", "routing",
                "it", "to", "providers", "with", "enough", "context", "and", "credit", "left", "today"};
        Random random = new Random(12);
        StringBuilder text = new StringBuilder(bytes + 16);
        while (text.length() < bytes) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(9) == 0 ? ". " : " ");
        }
        return text.toString();
    }

    /** Collects the blocked-thread checker's warnings from every logger (Vert.x logs them through SLF4J). */
    private static final class BlockedThreadWarnings extends AppenderBase<ILoggingEvent> {
        private final List<String> seen = new CopyOnWriteArrayList<>();

        void attach() {
            setContext(root().getLoggerContext());
            start();
            root().addAppender(this);
        }

        void detach() {
            root().detachAppender(this);
            stop();
        }

        List<String> seen() {
            return List.copyOf(seen);
        }

        @Override
        protected void append(ILoggingEvent event) {
            String message = event.getFormattedMessage();
            if (message != null && message.contains("has been blocked for")) {
                seen.add(event.getLoggerName() + ": " + message);
            }
        }

        private static Logger root() {
            return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        }
    }
}
