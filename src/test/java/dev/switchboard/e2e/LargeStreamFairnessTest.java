package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.switchboard.testing.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, item 16: a provider that streams a 50 MB answer as fast as it can must not hold the
 * event loop that relays it. With one event loop for everything, small requests sent while the
 * large stream runs are answered within a generous bound, and the large stream still arrives whole:
 * every chunk, in order, with the provider's usage and its cost.
 */
class LargeStreamFairnessTest {
    /** 50 MB of upstream SSE: about 400 bytes per event. */
    private static final int CHUNKS = 128_000;
    private static final int TEXT_PER_CHUNK = 256;
    private static final long PROMPT_TOKENS = 12;
    /** Within the model's max_output_tokens (4096): a provider reporting more is billed at that. */
    private static final long COMPLETION_TOKENS = 4_000;
    /** What a small request may take while the large stream runs on the same loop (a busy 2-core machine included). */
    private static final long SMALL_REQUEST_BOUND_MS = 10_000;

    private FakeUpstream bulk;
    private FakeUpstream quick;
    private TestGateway gateway;

    @BeforeEach
    void start() {
        bulk = FakeUpstream.start();
        quick = FakeUpstream.start();
        gateway = TestGateway.start("server: { port: 0, stream_keepalive_ms: 60000, event_loops: 1 }\n"
                + "providers:\n" + Upstreams.provider("bulk", bulk) + Upstreams.provider("quick", quick)
                + "models:\n" + Upstreams.model("test/bulk", "bulk") + Upstreams.model("test/quick", "quick"));
        quick.always(json(200, """
                {"id": "chatcmpl-quick", "object": "chat.completion", "created": 1700000000, "model": "upstream-quick",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "Quick."}, "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}}
                """));
    }

    @AfterEach
    void stop() {
        gateway.close();
        bulk.close();
        quick.close();
    }

    @Test
    void smallRequestsAreAnsweredWhileAFiftyMegabyteStreamRelaysWhole() throws Exception {
        bulk.enqueue(FakeUpstream.flood(CHUNKS, LargeStreamFairnessTest::contentEvent, tail()));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        long started = System.nanoTime();
        HttpResponse<InputStream> big = http.send(chat("test/bulk", true).timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(big.statusCode()).isEqualTo(200);

        AtomicBoolean bigRunning = new AtomicBoolean(true);
        CompletableFuture<List<Long>> small = CompletableFuture.supplyAsync(() -> smallRequestsWhile(http, bigRunning));
        Relayed relayed;
        try {
            relayed = read(big.body());
        } finally {
            bigRunning.set(false);
        }
        long tookNanos = System.nanoTime() - started;
        List<Long> latencies = small.get(60, TimeUnit.SECONDS);
        long slowest = latencies.stream().mapToLong(Long::longValue).max().orElse(0);
        System.out.printf("%d MB relayed at %.1f MB/s; %d small requests meanwhile, slowest %d ms%n",
                relayed.bytes / 1_000_000, relayed.bytes / 1e6 / (tookNanos / 1e9), latencies.size(), slowest);

        assertThat(relayed.contentChunks).as("every content chunk, in order").isEqualTo(CHUNKS);
        assertThat(relayed.outOfOrder).isZero();
        assertThat(relayed.text).isEqualTo((long) CHUNKS * TEXT_PER_CHUNK);
        assertThat(relayed.lastEvent).isEqualTo("[DONE]");
        JsonNode usage = relayed.usage;
        assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(PROMPT_TOKENS);
        assertThat(usage.path("completion_tokens").asLong()).isEqualTo(COMPLETION_TOKENS);
        // $2 per million prompt tokens, $8 per million completion tokens
        assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo(
                new BigDecimal(PROMPT_TOKENS * 2 + COMPLETION_TOKENS * 8).movePointLeft(6));
        assertThat(relayed.finishReason).isEqualTo("stop");

        assertThat(latencies).as("small requests answered while the large stream ran").hasSizeGreaterThanOrEqualTo(3);
        assertThat(slowest).as("slowest small request, ms").isLessThan(SMALL_REQUEST_BOUND_MS);
    }

    @Test
    void aLongStreamWithoutUsageIsEstimatedAtTheMostOutputTheRequestAllowed() throws Exception {
        // 2,000 chunks of 256 characters (~100,000 tokens), no usage: counting stops once it passes max_tokens
        String finish = tail().substring(0, tail().indexOf("\n\n") + 2);
        bulk.enqueue(FakeUpstream.flood(2_000, LargeStreamFairnessTest::contentEvent, finish + "data: [DONE]\n\n"));
        String body = Json.object().put("model", "test/bulk").put("stream", true).put("max_tokens", 100)
                .set("messages", Json.MAPPER.createArrayNode().add(Json.object().put("role", "user").put("content", "Hello")))
                .toString();
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        Relayed relayed = read(response.body());

        assertThat(relayed.contentChunks).isEqualTo(2_000);
        assertThat(relayed.lastEvent).isEqualTo("[DONE]");
        JsonNode usage = relayed.usage;
        assertThat(usage.path("estimated").asBoolean()).isTrue();
        assertThat(usage.path("completion_tokens").asLong()).as("billed at max_tokens").isEqualTo(100);
        long prompt = usage.path("prompt_tokens").asLong();
        assertThat(prompt).isPositive();
        assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo(new BigDecimal(prompt * 2 + 100 * 8).movePointLeft(6));
    }

    /** Sends small chat requests one after another until the large stream has ended; their latencies in ms. */
    private List<Long> smallRequestsWhile(HttpClient http, AtomicBoolean running) {
        List<Long> latencies = new ArrayList<>();
        while (running.get()) {
            long before = System.nanoTime();
            HttpResponse<String> response;
            try {
                response = http.send(chat("test/quick", false).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(Json.parse(response.body()).path("choices").get(0).path("message").path("content").asText())
                    .isEqualTo("Quick.");
            if (running.get()) { // one that finished after the stream did proves nothing
                latencies.add(ms);
            }
            sleep(20);
        }
        return latencies;
    }

    /** What the client got from the large stream. */
    private static final class Relayed {
        long bytes;
        int contentChunks;
        int outOfOrder;
        long text;
        String finishReason;
        JsonNode usage;
        String lastEvent;
    }

    private static final String CONTENT = "\"delta\":{\"content\":\"";

    private static Relayed read(InputStream body) throws Exception {
        Relayed relayed = new Relayed();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = reader.readLine()) != null) {
                relayed.bytes += line.length() + 1;
                if (!line.startsWith("data: ")) {
                    continue;
                }
                String data = line.substring(6);
                relayed.lastEvent = data;
                if (data.equals("[DONE]")) {
                    continue;
                }
                int content = data.indexOf(CONTENT);
                if (content >= 0) { // found without parsing, so the reader keeps up with the gateway
                    int from = content + CONTENT.length();
                    int to = data.indexOf('"', from); // the test's text has no escapes
                    if (!data.startsWith(prefix(relayed.contentChunks), from)) {
                        relayed.outOfOrder++;
                    }
                    relayed.contentChunks++;
                    relayed.text += to - from;
                    continue;
                }
                JsonNode chunk = Json.parse(data);
                JsonNode choice = chunk.path("choices").path(0);
                if (choice.hasNonNull("finish_reason")) {
                    relayed.finishReason = choice.path("finish_reason").asText();
                }
                if (chunk.hasNonNull("usage")) {
                    relayed.usage = chunk.path("usage");
                }
            }
        }
        return relayed;
    }

    /** Content chunk {@code i}: its number first, so the client can tell the order, then prose to fill. */
    private static String contentEvent(int i) {
        StringBuilder text = new StringBuilder(TEXT_PER_CHUNK).append(prefix(i));
        while (text.length() < TEXT_PER_CHUNK) {
            text.append(" the gateway relays every token");
        }
        text.setLength(TEXT_PER_CHUNK);
        return "data: {\"id\":\"chatcmpl-bulk\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"upstream-bulk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text
                + "\"},\"finish_reason\":null}]}\n\n";
    }

    private static String prefix(int i) {
        return "#" + i + ":";
    }

    private static String tail() {
        return "data: {\"id\":\"chatcmpl-bulk\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"upstream-bulk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: {\"id\":\"chatcmpl-bulk\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"upstream-bulk\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + PROMPT_TOKENS
                + ",\"completion_tokens\":" + COMPLETION_TOKENS + ",\"total_tokens\":" + (PROMPT_TOKENS + COMPLETION_TOKENS)
                + "}}\n\ndata: [DONE]\n\n";
    }

    private HttpRequest.Builder chat(String model, boolean stream) {
        return HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(AccountsApi.chatBody(model, "Hello", stream)));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
