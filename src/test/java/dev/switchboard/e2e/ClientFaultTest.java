package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.accounting.Caller;
import dev.switchboard.catalog.Protocol;
import dev.switchboard.gateway.ClientSink;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's bad request is the client's: it gets a 400 at once, the failed attempt gives back its
 * reservation and ledger slot, and the endpoint's health and breaker never hear of it (issue 12, item 3).
 */
class ClientFaultTest {
    private static final String CHAT = "{\"model\":\"test/model\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"provider\":{\"order\":[\"first\",\"second\"]}}";

    private static String yaml(FakeUpstream first, FakeUpstream second) {
        return "auth: { admin_key: " + AccountsApi.ADMIN + ", require_keys: true }\n"
                + "providers:\n" + Upstreams.provider("first", first) + Upstreams.provider("second", second)
                + "models:\n" + Upstreams.model("test/model", "first", "second");
    }

    /** UTF-16 (with and without a byte order mark) and UTF-32: JSON between systems is UTF-8 (RFC 8259 §8.1). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE"})
    void aBodyNotInUtf8IsA400ThatHoldsNothingAndBlamesNoProvider(String encoding) {
        try (FakeUpstream first = FakeUpstream.start(); FakeUpstream second = FakeUpstream.start();
             TestGateway gateway = TestGateway.start(yaml(first, second))) {
            first.always(fixture(200, "openai/chat_nonstream.json"));
            second.always(fixture(200, "openai/chat_nonstream.json"));
            AccountsApi.Created key = AccountsApi.createKey(gateway, "{\"name\":\"faults\",\"limit\":1}");
            byte[] body = CHAT.getBytes(Charset.forName(encoding));
            String stream = CHAT.replace("{\"model\"", "{\"stream\":true,\"model\"");
            byte[] streamBody = stream.getBytes(Charset.forName(encoding));
            String messages = "{\"model\":\"test/model\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            String responses = "{\"model\":\"test/model\",\"input\":\"hi\"}";
            String embeddings = "{\"model\":\"test/model\",\"input\":\"hi\"}";

            for (int i = 0; i < 4; i++) {
                assertRefusedAt(gateway, key.secret(), "/v1/chat/completions", body);
                assertRefusedAt(gateway, key.secret(), "/v1/chat/completions", streamBody);
            }
            assertRefusedAt(gateway, key.secret(), "/v1/messages", messages.getBytes(Charset.forName(encoding)));
            assertRefusedAt(gateway, key.secret(), "/v1/responses", responses.getBytes(Charset.forName(encoding)));
            assertRefusedAt(gateway, key.secret(), "/v1/embeddings", embeddings.getBytes(Charset.forName(encoding)));

            assertThat(first.requestCount() + second.requestCount()).as("nothing reached a provider").isZero();
            assertNothingHeld(gateway, key);
            assertHealthy(gateway, "first");
            // the breaker is closed: the first endpoint of the order still serves
            HttpResponse<String> served = post(gateway, key.secret(), "/v1/chat/completions",
                    CHAT.getBytes(StandardCharsets.UTF_8));
            assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
            assertThat(Json.parse(served.body()).path("provider").asText()).isEqualTo("First");
        }
    }

    /**
     * An upstream 400 describes the request: passed through, it counts against no endpoint, so a
     * client repeating a bad request cannot mark a healthy endpoint down or open its breaker.
     */
    @Test
    void upstream400sNeverCountAgainstTheEndpoint() {
        try (FakeUpstream first = FakeUpstream.start(); FakeUpstream second = FakeUpstream.start();
             TestGateway gateway = TestGateway.start(yaml(first, second))) {
            String invalid = "{\"error\":{\"message\":\"Invalid value for 'temperature'\",\"type\":\"invalid_request_error\","
                    + "\"param\":\"temperature\",\"code\":\"invalid_value\"}}";
            String tooLong = "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens\","
                    + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}";
            // a context-length error is tried on the next endpoint (a larger one may fit), but is still the request's
            first.always(json(400, tooLong));
            second.always(json(400, invalid));
            AccountsApi.Created key = AccountsApi.createKey(gateway, "{\"name\":\"faults\",\"limit\":1}");

            for (int i = 0; i < 8; i++) {
                HttpResponse<String> refused = post(gateway, key.secret(), "/v1/chat/completions",
                        CHAT.getBytes(StandardCharsets.UTF_8));
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            }
            first.always(fixture(200, "openai/chat_nonstream.json"));
            second.always(fixture(200, "openai/chat_nonstream.json"));

            assertNothingHeld(gateway, key);
            assertHealthy(gateway, "first");
            assertHealthy(gateway, "second");
            int before = first.requestCount();
            HttpResponse<String> served = post(gateway, key.secret(), "/v1/chat/completions",
                    CHAT.getBytes(StandardCharsets.UTF_8));
            assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
            assertThat(first.requestCount()).as("the first endpoint's breaker stayed closed").isEqualTo(before + 1);
        }
    }

    /**
     * An adapter that throws while building the upstream body (a bug, or a request it cannot
     * express): the request ends at once, a 500 or a 400, and gives back its reservation, its
     * ledger slot and its first-token timer, which then never fires against the provider.
     */
    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void anAdapterThatThrowsWhileBuildingTheBodyReleasesEverything(boolean stream) throws Exception {
        try (FakeUpstream first = FakeUpstream.start(); FakeUpstream second = FakeUpstream.start();
             TestGateway gateway = TestGateway.start("auth: { admin_key: " + AccountsApi.ADMIN + ", require_keys: true }\n"
                     + "providers:\n" + Upstreams.provider("first", first, "timeouts: { first_token_ms: 300 }")
                     + Upstreams.provider("second", second, "timeouts: { first_token_ms: 300 }")
                     + "models:\n" + Upstreams.model("test/model", "first", "second"))) {
            AccountsApi.Created key = AccountsApi.createKey(gateway, "{\"name\":\"faults\",\"limit\":1}");
            KeyRecord record = gateway.server().accounts().key(key.hash()).get(5, TimeUnit.SECONDS).orElseThrow();
            Vertx vertx = Vertx.vertx();
            try {
                String body = stream ? CHAT.replace("{\"model\"", "{\"stream\":true,\"model\"") : CHAT;
                Recorder bug = serve(gateway, vertx, record, body, () -> new IllegalStateException("adapter bug"));
                assertThat(bug.answer.get(5, TimeUnit.SECONDS)).isEqualTo(500);
                assertThat(bug.body).contains("internal_error").doesNotContain("adapter bug");
                Recorder invalid = serve(gateway, vertx, record, body,
                        () -> new InvalidRequestException("stop", "stop: not expressible upstream"));
                assertThat(invalid.answer.get(5, TimeUnit.SECONDS)).isEqualTo(400);
                assertThat(invalid.body).contains("stop: not expressible upstream");
                if (stream) {
                    // the stream opened, then failed on our side as it started: still ended, still released
                    Recorder broken = serve(gateway, vertx, record, body, new ProviderAdapter() {
                        @Override
                        public Future<byte[]> complete(UpstreamCall call) {
                            throw new AssertionError("streamed");
                        }

                        @Override
                        public Future<ChunkStream> stream(UpstreamCall call) {
                            return Future.succeededFuture(new FailingStream());
                        }
                    });
                    assertThat(broken.answer.get(5, TimeUnit.SECONDS)).isEqualTo(500);
                }

                assertNothingHeld(gateway, key);
                Thread.sleep(600); // past the first-token timeout: a timer left armed would now blame the provider
                assertHealthy(gateway, "first");
                assertThat(first.requestCount() + second.requestCount()).isZero();
            } finally {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The same for embeddings: an adapter throwing while building the upstream body releases everything. */
    @Test
    void anEmbeddingsAdapterThatThrowsReleasesEverything() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             TestGateway gateway = TestGateway.start("auth: { admin_key: " + AccountsApi.ADMIN + ", require_keys: true }\n"
                     + "providers:\n" + Upstreams.provider("first", upstream, "timeouts: { first_token_ms: 300 }")
                     + "models:\n  - { id: test/embed, name: Embed, context_length: 8191, input_modalities: [text],\n"
                     + "      output_modalities: [embeddings], tokenizer: cl100k_base, pricing: { prompt: 0.02, completion: 0 },\n"
                     + "      endpoints: [ { provider: first, upstream_model: upstream-small } ] }\n")) {
            AccountsApi.Created key = AccountsApi.createKey(gateway, "{\"name\":\"faults\",\"limit\":1}");
            KeyRecord record = gateway.server().accounts().key(key.hash()).get(5, TimeUnit.SECONDS).orElseThrow();
            ProviderAdapter throwing = new ProviderAdapter() {
                @Override
                public Future<byte[]> complete(UpstreamCall call) {
                    throw new AssertionError("not chat");
                }

                @Override
                public Future<ChunkStream> stream(UpstreamCall call) {
                    throw new AssertionError("not chat");
                }

                @Override
                public boolean servesEmbeddings() {
                    return true;
                }

                @Override
                public Future<byte[]> embed(UpstreamCall call, byte[] body) {
                    throw new IllegalStateException("adapter bug");
                }
            };
            Vertx vertx = Vertx.vertx();
            try {
                Recorder sink = new Recorder();
                vertx.runOnContext(v -> gateway.server().gateway().embeddings(
                        dev.switchboard.protocol.openai.EmbeddingRequest.decode(
                                "{\"model\":\"test/embed\",\"input\":\"hi\"}".getBytes(StandardCharsets.UTF_8)),
                        sink, new Caller(record), null, null,
                        new ProviderAdapters(vertx, Clock.systemUTC(), Map.of(Protocol.OPENAI, throwing)), vertx));
                assertThat(sink.answer.get(5, TimeUnit.SECONDS)).isEqualTo(500);
                assertThat(sink.body).contains("internal_error");
                assertNothingHeld(gateway, key);
                Thread.sleep(600); // past the response timeout: a timer left armed would now blame the provider
                JsonNode endpoint = Json.parse(gateway.get("/api/v1/models/test/embed/endpoints").body())
                        .path("data").path("endpoints").get(0);
                assertThat(endpoint.path("uptime_last_5m").isNull()).as(endpoint.toString()).isTrue();
                assertThat(upstream.requestCount()).isZero();
            } finally {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A stream that fails on our side as it is started. */
    private static final class FailingStream implements ChunkStream {
        @Override
        public void start(Listener listener) {
            throw new IllegalStateException("relay bug");
        }

        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }

        @Override
        public void cancel() {
        }
    }

    /** Serves {@code body} through the gateway with an OpenAI adapter that throws {@code failure} when called. */
    private static Recorder serve(TestGateway gateway, Vertx vertx, KeyRecord key, String body,
                                  Supplier<RuntimeException> failure) {
        return serve(gateway, vertx, key, body, new ProviderAdapter() {
            @Override
            public Future<byte[]> complete(UpstreamCall call) {
                throw failure.get();
            }

            @Override
            public Future<ChunkStream> stream(UpstreamCall call) {
                throw failure.get();
            }
        });
    }

    /** Serves {@code body} through the gateway with {@code throwing} as its OpenAI adapter. */
    private static Recorder serve(TestGateway gateway, Vertx vertx, KeyRecord key, String body, ProviderAdapter throwing) {
        Recorder sink = new Recorder();
        vertx.runOnContext(v -> {
            ProviderAdapters adapters = new ProviderAdapters(vertx, Clock.systemUTC(), Map.of(Protocol.OPENAI, throwing));
            gateway.server().gateway().chatCompletion(ChatRequest.decode(body.getBytes(StandardCharsets.UTF_8)), sink,
                    new Caller(key), null, null, adapters, vertx);
        });
        return sink;
    }

    /** The client side of a request served in-process: its status once answered, and its body. */
    private static final class Recorder implements ClientSink {
        final CompletableFuture<Integer> answer = new CompletableFuture<>();
        volatile String body = "";
        private int status;

        @Override
        public void respond(int status, Map<String, String> headers, byte[] json) {
            this.status = status;
            body = new String(json, StandardCharsets.UTF_8);
            answer.complete(status);
        }

        @Override
        public void startStream(Map<String, String> headers) {
            status = 200;
        }

        @Override
        public boolean headSent() {
            return status != 0;
        }

        @Override
        public void write(byte[] bytes) {
            body += new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public void end(byte[] last) {
            body += new String(last, StandardCharsets.UTF_8);
            answer.complete(status);
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public void onDrain(Runnable action) {
        }

        @Override
        public void onClose(Runnable action) {
        }

        @Override
        public boolean closed() {
            return answer.isDone();
        }
    }

    private static void assertRefusedAt(TestGateway gateway, String key, String path, byte[] body) {
        long start = System.nanoTime();
        HttpResponse<String> response = post(gateway, key, path, body);
        long tookMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        // every API's error shape (the Messages API's included) has an error object with type and message
        JsonNode error = Json.parse(response.body()).path("error");
        assertThat(error.path("type").asText()).as(response.body()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).as(path).contains("UTF-8");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(tookMs).as("answered at once").isLessThan(5_000);
    }

    static HttpResponse<String> post(TestGateway gateway, String key, String path, byte[] body) {
        return gateway.send(HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").header("authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** No reservation left on the key, no ledger slot held by a request that ended without a row. */
    static void assertNothingHeld(TestGateway gateway, AccountsApi.Created key) {
        JsonNode info = AccountsApi.key(gateway, key.hash());
        assertThat(info.path("reserved").decimalValue()).as("nothing stays reserved: %s", info).isZero();
        AccountsApi.poll(() -> gateway.server().accounts().ledger().used(), used -> used == 0);
    }

    /** The endpoint is not down, and no failure was counted against it. */
    static void assertHealthy(TestGateway gateway, String tag) {
        JsonNode endpoints = Json.parse(gateway.get("/api/v1/models/test/model/endpoints").body())
                .path("data").path("endpoints");
        JsonNode endpoint = StreamSupport.stream(endpoints.spliterator(), false)
                .filter(e -> e.path("tag").asText().equals(tag)).findFirst().orElseThrow();
        assertThat(endpoint.path("status").asText()).as(endpoint.toString()).isNotEqualTo("down");
        JsonNode uptime = endpoint.path("uptime_last_5m");
        assertThat(uptime.isNull() || uptime.asDouble() == 100.0).as("no failure counted: %s", endpoint).isTrue();
    }
}
