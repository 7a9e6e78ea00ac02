package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.Stores;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, item 2: a stream that has started is still bound by the provider's idle limit between
 * chunks and by the request's whole time budget. A stall or a drip after the first token ends with
 * an error chunk and [DONE] in bounded time, with no switch to the fallback (content was shown),
 * what was generated charged and in the ledger, and nothing left reserved.
 */
class StreamDeadlinesTest {
    private static final String ADMIN = "sk-test-admin-deadlines";
    private static final long IDLE_MS = 600;
    private static final long BUDGET_MS = 2_500;
    /** How late a timer may fire on a busy test machine; the error message tells the idle limit and the budget apart. */
    private static final long LATE_MS = 5_000;

    FakeUpstream alpha;
    FakeUpstream drip;
    FakeUpstream claude;
    FakeUpstream beta;
    TestGateway gateway;
    String database;
    String key;

    @BeforeEach
    void start() {
        alpha = FakeUpstream.start();
        drip = FakeUpstream.start();
        claude = FakeUpstream.start();
        beta = FakeUpstream.start();
        database = TestGateway.freshSqliteUrl();
        gateway = TestGateway.start("auth: { admin_key: " + ADMIN + ", require_keys: true }\n"
                + "storage: { database: \"" + database + "\" }\n"
                + "routing: { max_total_ms: " + BUDGET_MS + " }\n"
                + "providers:\n"
                + Upstreams.provider("alpha", alpha, "timeouts: { idle_ms: " + IDLE_MS + " }")
                + Upstreams.provider("drip", drip)
                + """
                  - id: claude
                    name: Claude
                    protocol: anthropic
                    base_url: http://127.0.0.1:%d
                    api_key: sk-ant-test
                    data_policy: { training: false, retention_days: 0 }
                    timeouts: { idle_ms: %d }
                """.formatted(claude.port(), IDLE_MS)
                + Upstreams.provider("beta", beta)
                + "models:\n"
                + Upstreams.model("test/model", "alpha", "beta")
                + Upstreams.model("test/drip", "drip", "beta")
                + Upstreams.model("test/claude", "claude", "beta"));
        beta.always(FakeUpstream.sse(Fixtures.text("openai/chat_stream_text.sse")));
        HttpResponse<String> created = gateway.call("POST", "/api/v1/keys", ADMIN, "{\"name\":\"deadlines\",\"limit\":1}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        key = Json.parse(created.body()).path("key").asText();
    }

    @AfterEach
    void stop() {
        gateway.close();
        alpha.close();
        drip.close();
        claude.close();
        beta.close();
    }

    @Test
    void openAiStreamStalledAfterTheFirstTokenEndsAtTheIdleLimit() {
        // role chunk, "Hello", "!", then nothing on an open connection
        alpha.enqueue(eventsThenSilence(Fixtures.text("openai/chat_stream_text.sse"), 3));

        Ended ended = stream("test/model", "alpha");

        assertThat(ended.millis).as("ended by the idle limit, well before the budget: %s", ended.data)
                .isBetween(IDLE_MS - 50, LATE_MS);
        JsonNode error = ended.assertErrorEnd();
        assertThat(error.path("error").path("message").asText()).contains("idle");
        assertThat(ended.text).isEqualTo("Hello!");
        assertThat(error.path("usage").path("completion_tokens").asLong()).isEqualTo(2);
        assertThat(beta.requestCount()).as("no fallback once content was shown").isZero();
        assertThat(endpointStats("test/model", "alpha").path("uptime_last_5m").asDouble())
                .as("a stall is the provider's fault: it counts against its health").isZero();
        assertSettled(ended, 2);
    }

    @Test
    void anthropicStreamStalledAfterTheFirstTokenEndsAtTheIdleLimit() {
        // message_start, content_block_start, ping, "Okay", then nothing
        claude.enqueue(eventsThenSilence(Fixtures.text("anthropic/messages_stream.sse"), 4));

        Ended ended = stream("test/claude", "claude");

        assertThat(ended.millis).as(ended.data.toString()).isBetween(IDLE_MS - 50, LATE_MS);
        JsonNode error = ended.assertErrorEnd();
        assertThat(error.path("error").path("message").asText()).contains("idle");
        assertThat(ended.text).isEqualTo("Okay");
        assertThat(beta.requestCount()).isZero();
        assertSettled(ended, error.path("usage").path("completion_tokens").asLong());
    }

    @Test
    void chunksArrivingInsideTheIdleLimitStillEndAtTheTotalBudget() {
        String first = FakeUpstream.events(Fixtures.text("openai/chat_stream_text.sse")).get(1);
        alpha.enqueue(FakeUpstream.endless(first.substring("data: ".length()).strip(), 150));

        Ended ended = stream("test/model", "alpha");

        assertThat(ended.millis).as("cut at max_total_ms: %s", ended.data).isBetween(BUDGET_MS - 100, BUDGET_MS + LATE_MS);
        JsonNode error = ended.assertErrorEnd();
        assertThat(error.path("error").path("message").asText()).contains("max_total_ms");
        assertThat(ended.text).startsWith("HelloHello");
        assertThat(beta.requestCount()).isZero();
        assertSettled(ended, error.path("usage").path("completion_tokens").asLong());
    }

    @Test
    void aByteDripAfterTheFirstTokenEndsAtTheTotalBudget() {
        // the default idle limit (60 s) never fires: a byte every 100 ms; the budget ends it
        drip.enqueue(eventsThenDrip(Fixtures.text("openai/chat_stream_text.sse"), 2, 100));

        Ended ended = stream("test/drip", "drip");

        assertThat(ended.millis).as(ended.data.toString()).isBetween(BUDGET_MS - 100, BUDGET_MS + LATE_MS);
        JsonNode error = ended.assertErrorEnd();
        assertThat(error.path("error").path("message").asText()).contains("max_total_ms");
        assertThat(ended.text).isEqualTo("Hello");
        assertThat(beta.requestCount()).isZero();
        assertSettled(ended, 1);
    }

    @Test
    void aNonStreamedDripEndsAtTheTotalBudgetWithAJsonError() {
        drip.enqueue((request, upstream) -> {
            HttpServerResponse response = request.response().setStatusCode(200).setChunked(true)
                    .putHeader("content-type", "application/json");
            dripBytes(response, Fixtures.bytes("openai/chat_nonstream.json"), 0, 100);
        });
        long t0 = System.nanoTime();
        HttpResponse<String> response = chat("{\"model\":\"test/drip\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]"
                + ",\"provider\":{\"order\":[\"drip\",\"beta\"]}}");
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(millis).isBetween(BUDGET_MS - 100, BUDGET_MS + LATE_MS);
        assertThat(response.statusCode()).as(response.body()).isBetween(500, 599);
        assertThat(Json.parse(response.body()).path("error").path("message").asText()).isNotBlank();
        JsonNode usage = keyInfo();
        assertThat(usage.path("reserved").decimalValue()).as("nothing stays reserved").isZero();
        assertThat(usage.path("usage").decimalValue()).as("nothing was delivered, nothing charged").isZero();
    }

    // ---- helpers ----

    /** What the client received, and how long it took. */
    record Ended(long millis, List<String> data, String text) {
        JsonNode assertErrorEnd() {
            assertThat(data.getLast()).isEqualTo("[DONE]");
            JsonNode last = Json.parse(data.get(data.size() - 2));
            assertThat(last.path("choices").get(0).path("finish_reason").asText()).isEqualTo("error");
            assertThat(last.path("usage").has("cost")).isTrue();
            return last;
        }

        String id() {
            return Json.parse(data.getFirst()).path("id").asText();
        }

        BigDecimal cost() {
            return Json.parse(data.get(data.size() - 2)).path("usage").path("cost").decimalValue();
        }
    }

    /** Streams from {@code model}, trying {@code primary} first and beta (which always answers well) second. */
    private Ended stream(String model, String primary) {
        long t0 = System.nanoTime();
        HttpResponse<String> response = chat("{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]"
                + ",\"provider\":{\"order\":[\"" + primary + "\",\"beta\"]}}");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> data = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String event : response.body().split("\n\n")) {
            if (event.startsWith("data: ")) {
                String payload = event.substring(6);
                data.add(payload);
                if (payload.startsWith("{")) {
                    JsonNode choices = Json.parse(payload).path("choices");
                    if (!choices.isEmpty()) {
                        text.append(choices.get(0).path("delta").path("content").asText(""));
                    }
                }
            }
        }
        return new Ended(millis, data, text.toString());
    }

    /** POSTs a chat completion with the test's key; a client that waits longer than any deadline here fails the test. */
    private HttpResponse<String> chat(String body) {
        return gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The key paid what the client was shown, holds nothing, and the ledger has the broken stream's row. */
    private void assertSettled(Ended ended, long completionTokens) {
        JsonNode info = keyInfo();
        assertThat(info.path("reserved").decimalValue()).as("nothing stays reserved").isZero();
        assertThat(info.path("usage").decimalValue()).as("the key paid what the client was shown")
                .isEqualByComparingTo(ended.cost());
        gateway.close(); // a graceful stop writes every queued ledger row
        try (Store store = Stores.open(database)) {
            GenerationRecord row = store.generation(ended.id()).orElseThrow();
            assertThat(row.finishReason()).isEqualTo("error");
            assertThat(row.streamed()).isTrue();
            assertThat(row.tokensCompletion()).isEqualTo(completionTokens);
            assertThat(BigDecimal.valueOf(row.costPico(), 12)).isEqualByComparingTo(ended.cost());
        }
    }

    private JsonNode endpointStats(String model, String provider) {
        JsonNode endpoints = Json.parse(gateway.call("GET", "/api/v1/models/" + model + "/endpoints", key, null).body())
                .path("data").path("endpoints");
        for (JsonNode endpoint : endpoints) {
            if (endpoint.path("tag").asText().equals(provider)) {
                return endpoint;
            }
        }
        throw new AssertionError("no endpoint " + provider + " in " + endpoints);
    }

    private JsonNode keyInfo() {
        return Json.parse(gateway.call("GET", "/api/v1/key", key, null).body()).path("data");
    }

    /** The first {@code count} events of an SSE text, then silence on the open connection. */
    private static FakeUpstream.Reply eventsThenSilence(String sse, int count) {
        return (request, upstream) -> {
            HttpServerResponse response = request.response().setStatusCode(200).setChunked(true)
                    .putHeader("content-type", "text/event-stream");
            response.write(String.join("", FakeUpstream.events(sse).subList(0, count)));
        };
    }

    /** The first {@code count} events, then the rest one byte every {@code gapMs}. */
    private static FakeUpstream.Reply eventsThenDrip(String sse, int count, long gapMs) {
        return (request, upstream) -> {
            List<String> events = FakeUpstream.events(sse);
            HttpServerResponse response = request.response().setStatusCode(200).setChunked(true)
                    .putHeader("content-type", "text/event-stream");
            response.write(String.join("", events.subList(0, count)));
            byte[] rest = String.join("", events.subList(count, events.size())).getBytes(StandardCharsets.UTF_8);
            dripBytes(response, rest, 0, gapMs);
        };
    }

    private static void dripBytes(HttpServerResponse response, byte[] bytes, int at, long gapMs) {
        if (response.closed() || at >= bytes.length) {
            return;
        }
        response.write(io.vertx.core.buffer.Buffer.buffer(new byte[] {bytes[at]}));
        Vertx.currentContext().owner().setTimer(gapMs, id -> dripBytes(response, bytes, at + 1, gapMs));
    }
}
