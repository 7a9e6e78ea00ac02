package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.Stores;
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
