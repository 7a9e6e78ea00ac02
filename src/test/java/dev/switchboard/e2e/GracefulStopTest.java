package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.Stores;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A graceful stop while streams are in flight: every stream still finishes with its usage, and
 * every generation is in the store afterwards — nothing accepted is lost.
 */
class GracefulStopTest {
    private static final int STREAMS = 12;

    @Test
    void streamsInFlightFinishAndEveryGenerationIsStored() throws Exception {
        String url = TestStores.sqliteUrl();
        // slow enough that every stream is still running when the stop begins
        TestGateway gateway = TestGateway.start("""
                storage: { database: "%s" }
                providers:
                  - { id: demo, tokens_per_second: 20 }
                """.formatted(url));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        CountDownLatch allStarted = new CountDownLatch(STREAMS);
        List<CompletableFuture<List<String>>> streams = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            String body = "{\"model\":\"switchboard/echo\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"" + "one two three four five six seven eight nine ten ".repeat(4) + i + "\"}]}";
            HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            streams.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                    .thenApplyAsync(response -> readEvents(response.body(), allStarted)));
        }
        assertThat(allStarted.await(20, TimeUnit.SECONDS)).as("every stream started").isTrue();

        assertThat(streams).as("the stop begins while every stream is running").noneMatch(CompletableFuture::isDone);
        gateway.server().shutdown(Duration.ofSeconds(20));

        List<String> ids = new ArrayList<>();
        for (CompletableFuture<List<String>> stream : streams) {
            List<String> events = stream.get(30, TimeUnit.SECONDS);
            assertThat(events.getLast()).as("the stream ran to its end").isEqualTo("[DONE]");
            JsonNode usageChunk = Json.parse(events.get(events.size() - 2));
            assertThat(usageChunk.path("usage").path("completion_tokens").asLong()).isPositive();
            ids.add(usageChunk.path("id").asText());
        }
        try (Store store = Stores.open(url)) {
            for (String id : ids) {
                GenerationRecord row = store.generation(id).orElseThrow(() -> new AssertionError("lost generation " + id));
                assertThat(row.streamed()).isTrue();
                assertThat(row.cancelled()).isFalse();
                assertThat(row.tokensCompletion()).isPositive();
            }
        }
    }

    /**
     * Issue 12, item 1: a stop while streams from a real (HTTP) upstream are in flight. The upstream
     * clients stay open until the streams are done; meanwhile new connections are refused; every
     * stream ends with its usage and [DONE], and every row is stored, for the key that paid.
     */
    @Test
    void upstreamStreamsFinishWithinTheGraceWhileNewConnectionsAreRefused() throws Exception {
        String url = TestStores.sqliteUrl();
        String admin = "sk-test-admin-graceful";
        try (FakeUpstream upstream = FakeUpstream.start()) {
            // about 15 events 200 ms apart: each stream runs about 3 s, well past the old 0.6 s cut
            upstream.always(FakeUpstream.sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 200));
            TestGateway gateway = TestGateway.start("auth: { admin_key: " + admin + ", require_keys: true }\n"
                    + "server: { port: 0, shutdown_grace_ms: 15000 }\n"
                    + "storage: { database: \"" + url + "\" }\n"
                    + "providers:\n" + Upstreams.provider("alpha", upstream)
                    + "models:\n" + Upstreams.model("test/model", "alpha"));
            HttpResponse<String> created = gateway.call("POST", "/api/v1/keys", admin, "{\"name\":\"drain\",\"limit\":1}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String key = Json.parse(created.body()).path("key").asText();
            String keyHash = Json.parse(created.body()).path("data").path("hash").asText();
            int port = gateway.port();

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CountDownLatch allStarted = new CountDownLatch(STREAMS);
            List<CompletableFuture<List<String>>> streams = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                        .header("content-type", "application/json")
                        .header("authorization", "Bearer " + key)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"test/model\",\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"stream " + i + "\"}]}")).build();
                streams.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                        .thenApplyAsync(response -> readEvents(response.body(), allStarted)));
            }
            assertThat(allStarted.await(20, TimeUnit.SECONDS)).as("every stream started").isTrue();
            assertThat(streams).noneMatch(CompletableFuture::isDone);

            long stopAt = System.nanoTime();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> gateway.server().shutdown(Duration.ofSeconds(15)));
            Thread.sleep(500); // past the moment the old stop cut every stream
            assertThat(refused(port)).as("new connections are refused during the grace").isTrue();
            assertThat(streams).as("streams still running after the listeners closed").noneMatch(CompletableFuture::isDone);

            List<String> ids = new ArrayList<>();
            for (CompletableFuture<List<String>> stream : streams) {
                List<String> events = stream.get(30, TimeUnit.SECONDS);
                assertThat(events.getLast()).as("the stream ran to its end: %s", events).isEqualTo("[DONE]");
                JsonNode usageChunk = Json.parse(events.get(events.size() - 2));
                assertThat(usageChunk.has("error")).as(usageChunk.toString()).isFalse();
                assertThat(usageChunk.path("usage").path("completion_tokens").asLong()).isPositive();
                ids.add(usageChunk.path("id").asText());
            }
            stopping.get(30, TimeUnit.SECONDS);
            assertThat((System.nanoTime() - stopAt) / 1_000_000).as("the stop waited for the streams").isGreaterThan(1_000);
            try (Store store = Stores.open(url)) {
                for (String id : ids) {
                    GenerationRecord row = store.generation(id).orElseThrow(() -> new AssertionError("lost generation " + id));
                    assertThat(row.finishReason()).isEqualTo("stop");
                    assertThat(row.cancelled()).isFalse();
                    assertThat(row.keyHash()).isEqualTo(keyHash);
                }
            }
        }
    }

    /** True when nothing accepts a TCP connection on 127.0.0.1:{@code port}. */
    private static boolean refused(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1_000);
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /** The data of every SSE event, counting down {@code started} at the first content chunk. */
    private static List<String> readEvents(InputStream body, CountDownLatch started) {
        List<String> events = new ArrayList<>();
        boolean counted = false;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                    if (!counted) {
                        counted = true;
                        started.countDown();
                    }
                }
            }
        } catch (java.io.IOException e) {
            events.add("broken: " + e);
        }
        return events;
    }
}
