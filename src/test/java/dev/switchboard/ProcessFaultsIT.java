package dev.switchboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.Stores;
import dev.switchboard.testing.ChatLoad;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.GatewayProcess;
import dev.switchboard.testing.StoredLedger;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, the process-level proof: a real gateway process under concurrent load (streamed and
 * not, from an HTTP upstream) stopped with SIGTERM, or killed with SIGKILL and started again on the
 * same store, SQLite and PostgreSQL. (Runs in Maven's integration-test phase, after {@code package}.)
 */
class ProcessFaultsIT {
    static final String ADMIN = "sk-test-admin-process-faults";
    static final String MODEL = "test/model";
    /**
     * How old a finished answer may be at a {@code kill -9} and still lose its row: the ledger's
     * documented window (rows are written every 200 ms, plus the batch being written, docs/accounts.md),
     * with room for a busy two-core machine.
     */
    private static final long LEDGER_WINDOW_MS = 1_000;
    private static final String ENDLESS_CHUNK = "{\"id\":\"chatcmpl-endless\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1,\"model\":\"upstream-alpha\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"la \"},"
            + "\"finish_reason\":null}]}";

    // docs/operations.md "Failure behaviour: crashes and database outages": the SIGTERM rows
    @Test
    void sigtermUnderLoadLetsEveryRequestInFlightFinishWithinTheGraceThenExits(@TempDir Path dir) throws Exception {
        int requests = 120;
        int endless = 4;
        long graceMs = 10_000;
        String url = "sqlite:" + dir.resolve("switchboard-data/switchboard.db");
        try (FakeUpstream upstream = FakeUpstream.start()) {
            // streams: 13 events 500 ms apart (about 6.5 s); answers not streamed: 6 s; "endless": past the grace
            String stream = Fixtures.text("openai/chat_stream_text.sse");
            upstream.route(r -> r.bodyText().contains("endless")
                    ? (r.json().path("stream").asBoolean() ? FakeUpstream.endless(ENDLESS_CHUNK, 200) : FakeUpstream.hang())
                    : r.json().path("stream").asBoolean() ? FakeUpstream.sseEvents(stream, 500)
                    : FakeUpstream.delayed(6_000, FakeUpstream.fixture(200, "openai/chat_nonstream.json")));
            try (GatewayProcess gateway = GatewayProcess.start(dir, config(url, upstream, graceMs));
                 HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                Key key = createKey(http, gateway);
                try (ChatLoad outliving = ChatLoad.batch(gateway.uri("/v1/chat/completions"), key.secret, MODEL, endless, "endless");
                     ChatLoad load = ChatLoad.batch(gateway.uri("/v1/chat/completions"), key.secret, MODEL, requests)) {
                    awaitUpstreamRequests(upstream, requests + endless);
                    assertThat(load.ended()).as("every request is in flight").isZero();

                    long signalAt = System.currentTimeMillis();
                    gateway.terminate();
                    long refusedAfter = awaitRefused(gateway.port(), signalAt, Duration.ofSeconds(5));
                    assertThat(load.ended()).as("new connections refused (%d ms after the signal) while every request is "
                            + "still in flight", refusedAfter).isZero();

                    assertThat(load.awaitEnded(requests, Duration.ofMillis(graceMs + 10_000))).isTrue();
                    List<ChatLoad.Outcome> cut = load.outcomes().stream()
                            .filter(o -> !o.complete() || o.endedAtMillis() >= signalAt + graceMs).toList();
                    assertThat(cut).as("requests cut or late within the grace").isEmpty();
                    // requests that outlive the grace: ended in words as it runs out (503, or a stream's error
                    // chunk and [DONE]), not before and not with a cut connection
                    assertThat(outliving.awaitEnded(endless, Duration.ofSeconds(20))).isTrue();
                    assertThat(outliving.outcomes()).allSatisfy(o -> {
                        assertThat(o.complete()).isFalse();
                        assertThat(o.endedAtMillis() - signalAt).as("ended at the end of the grace")
                                .isGreaterThanOrEqualTo(graceMs - 1_000);
                        assertThat(o.detail()).as("told why").contains("shutting down");
                        if (o.streamed()) {
                            assertThat(o.status()).isEqualTo(200);
                            assertThat(o.detail()).contains("data: [DONE]");
                        } else {
                            assertThat(o.status()).isEqualTo(503);
                        }
                    });
                    assertThat(gateway.waitFor(Duration.ofSeconds(30))).as("the process exits:%n%s", gateway.output()).isTrue();

                    try (Store store = Stores.open(url)) {
                        for (ChatLoad.Outcome o : load.outcomes()) {
                            GenerationRecord row = store.generation(o.generationId())
                                    .orElseThrow(() -> new AssertionError("lost generation " + o.generationId()));
                            assertThat(row.finishReason()).isEqualTo("stop");
                            assertThat(row.keyHash()).isEqualTo(key.hash);
                        }
                        for (ChatLoad.Outcome o : outliving.outcomes()) {
                            if (o.streamed()) {
                                // what it relayed until the end is charged; the stream ended in error, not by the client
                                GenerationRecord row = store.generation(o.generationId())
                                        .orElseThrow(() -> new AssertionError("lost generation " + o.generationId()));
                                assertThat(row.finishReason()).isEqualTo("error");
                                assertThat(row.cancelled()).isFalse();
                                assertThat(row.costPico()).isPositive();
                            } else {
                                assertThat(store.generation(o.generationId())).as("a non-streamed answer ended before it began")
                                        .isEmpty();
                            }
                        }
                    }
                    assertThat(StoredLedger.ids(url, key.hash)).hasSize(requests + endless / 2);
                    assertThat(StoredLedger.keyUsage(url, key.hash)).as("the key's usage is the sum of its rows")
                            .isEqualTo(StoredLedger.costSum(url, key.hash));
                }
            }
        }
    }

    // docs/operations.md "Failure behaviour: crashes and database outages": the kill -9 rows
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void killNineUnderLoadLosesAtMostTheLedgerWindowAndARestartHoldsNothing(String kind, @TempDir Path dir) throws Exception {
        int workers = 60;
        String url = kind.equals("sqlite") ? "sqlite:" + dir.resolve("switchboard-data/switchboard.db") : TestStores.postgresUrl();
        try (FakeUpstream upstream = FakeUpstream.start();
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            String stream = Fixtures.text("openai/chat_stream_text.sse");
            upstream.route(r -> r.json().path("stream").asBoolean() ? FakeUpstream.sseEvents(stream, 40)
                    : FakeUpstream.delayed(200, FakeUpstream.fixture(200, "openai/chat_nonstream.json")));
            String yaml = config(url, upstream, 10_000);
            Key key;
            long killedAt;
            List<ChatLoad.Outcome> outcomes;
            try (GatewayProcess first = GatewayProcess.start(dir, yaml)) {
                key = createKey(http, first);
                try (ChatLoad load = ChatLoad.loop(first.uri("/v1/chat/completions"), key.secret, MODEL, workers)) {
                    assertThat(load.awaitEnded(4 * workers, Duration.ofSeconds(30))).as("the load runs").isTrue();
                    Thread.sleep(2 * LEDGER_WINDOW_MS); // so that many answers ended longer than the window before the kill
                    killedAt = System.currentTimeMillis();
                    first.kill();
                    assertThat(load.stop(Duration.ofSeconds(20))).isTrue();
                    outcomes = load.outcomes();
                }
            }

            Set<String> stored = StoredLedger.ids(url, key.hash);
            Set<String> answered = new HashSet<>();
            outcomes.stream().filter(o -> o.generationId() != null).forEach(o -> answered.add(o.generationId()));
            Set<String> strangers = new HashSet<>(stored);
            strangers.removeAll(answered);
            assertThat(strangers).as("rows of no request the clients saw begin").isEmpty();
            List<ChatLoad.Outcome> finished = outcomes.stream().filter(ChatLoad.Outcome::complete).toList();
            List<Long> lostAges = finished.stream().filter(o -> !stored.contains(o.generationId()))
                    .map(o -> killedAt - o.endedAtMillis()).sorted().toList();
            System.out.printf("kill -9 (%s): %d answers finished, %d without a row, ended %s ms before the kill%n",
                    kind, finished.size(), lostAges.size(), lostAges);
            assertThat(finished.stream().filter(o -> o.endedAtMillis() < killedAt - LEDGER_WINDOW_MS).count())
                    .as("answers finished well before the kill").isGreaterThan(2L * workers);
            assertThat(lostAges).as("answers without a row: each ended less than %d ms before the kill", LEDGER_WINDOW_MS)
                    .allMatch(age -> age < LEDGER_WINDOW_MS);
            assertThat(StoredLedger.keyUsage(url, key.hash)).as("the key's stored usage is the sum of its rows")
                    .isEqualTo(StoredLedger.costSum(url, key.hash));

            try (GatewayProcess second = GatewayProcess.start(dir, yaml)) {
                long rowsSum = StoredLedger.costSum(url, key.hash);
                JsonNode restarted = keyJson(http, second, key.hash);
                assertThat(restarted.path("usage").decimalValue()).as("usage after the restart is the ledger's sum")
                        .isEqualByComparingTo(BigDecimal.valueOf(rowsSum, 12));
                assertThat(restarted.path("reserved").decimalValue()).as("nothing is left reserved").isZero();

                HttpResponse<String> again = http.send(chat(second.uri("/v1/chat/completions"), key.secret, "after the crash"),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
                JsonNode after = keyJson(http, second, key.hash);
                assertThat(after.path("reserved").decimalValue()).isZero();
                assertThat(after.path("usage").decimalValue()).isGreaterThan(restarted.path("usage").decimalValue());

                second.terminate();
                assertThat(second.waitFor(Duration.ofSeconds(30))).as("stops on SIGTERM").isTrue();
            }
            assertThat(StoredLedger.keyUsage(url, key.hash)).isEqualTo(StoredLedger.costSum(url, key.hash));
            assertThat(StoredLedger.ids(url, key.hash)).hasSize(stored.size() + 1);
        } finally {
            TestStores.drop(url);
        }
    }

    record Key(String secret, String hash) {
    }

    private static String config(String url, FakeUpstream upstream, long graceMs) {
        return configOn("database: \"" + url + "\"", upstream, graceMs);
    }

    /** A gateway of one provider (the fake {@code upstream}) and one model, on {@code storage} (the members of {@code storage:}). */
    static String configOn(String storage, FakeUpstream upstream, long graceMs) {
        return """
                auth: { admin_key: %s, require_keys: true }
                server: { shutdown_grace_ms: %d }
                storage: { %s }
                providers:
                  - id: alpha
                    name: Alpha
                    protocol: openai
                    base_url: %s
                    api_key: sk-provider-alpha
                    data_policy: { training: false, retention_days: 0 }
                models:
                  - id: %s
                    name: "Test: model"
                    context_length: 100000
                    max_output_tokens: 4096
                    tokenizer: o200k_base
                    pricing: { prompt: 2, completion: 8 }
                    endpoints: [ { provider: alpha, upstream_model: upstream-alpha } ]
                """.formatted(ADMIN, graceMs, storage, upstream.baseUrl(), MODEL);
    }

    static Key createKey(HttpClient http, GatewayProcess gateway) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(gateway.uri("/api/v1/keys"))
                .header("authorization", "Bearer " + ADMIN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"load\",\"limit\":100}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode json = Json.parse(created.body());
        return new Key(json.path("key").asText(), json.path("data").path("hash").asText());
    }

    static JsonNode keyJson(HttpClient http, GatewayProcess gateway, String hash) throws Exception {
        HttpResponse<String> key = http.send(HttpRequest.newBuilder(gateway.uri("/api/v1/keys/" + hash))
                .header("authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(key.statusCode()).as(key.body()).isEqualTo(200);
        return Json.parse(key.body()).path("data");
    }

    static HttpRequest chat(URI uri, String key, String text) {
        return HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}")).build();
    }

    private static void awaitUpstreamRequests(FakeUpstream upstream, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (upstream.requestCount() < n) {
            assertThat(System.nanoTime()).as("%d of %d requests reached the upstream", upstream.requestCount(), n)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Milliseconds from {@code since} until 127.0.0.1:{@code port} refuses connections; fails after {@code timeout}. */
    private static long awaitRefused(int port, long since, Duration timeout) throws InterruptedException {
        long deadline = since + timeout.toMillis();
        while (!refused(port)) {
            assertThat(System.currentTimeMillis()).as("new connections are still accepted").isLessThan(deadline);
            Thread.sleep(50);
        }
        return System.currentTimeMillis() - since;
    }

    /** True when nothing accepts a TCP connection on 127.0.0.1:{@code port}. */
    private static boolean refused(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
