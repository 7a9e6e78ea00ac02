package dev.switchboard.faults;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12's promises about clients no other test executed: a client that leaves before the first
 * token gives back everything and blames no provider; a slow client holds the stream back (the
 * provider is paused, not buffered without bound, and not timed out as idle) and then gets it whole.
 */
class ClientSideFaultsTest {
    private static final String ADMIN = "sk-test-admin-client-faults";
    /** Long enough that the client's leaving is always seen first, however busy the machine. */
    private static final long FIRST_TOKEN_MS = 3_000;
    private static final long IDLE_MS = 600;
    /** Larger than every socket and queue between the provider and a client that stopped reading. */
    private static final int LARGE_BYTES = 16 * 1024 * 1024;

    private final ListAppender<ILoggingEvent> upstreamLog = new ListAppender<>();
    private final Logger upstreamLogger = (Logger) LoggerFactory.getLogger(UpstreamHttp.class);
    FakeUpstream upstream;
    TestGateway gateway;
    String key;

    @BeforeEach
    void start() {
        upstreamLog.start();
        upstreamLogger.addAppender(upstreamLog);
        upstream = FakeUpstream.start();
        gateway = TestGateway.start("auth: { admin_key: " + ADMIN + ", require_keys: true }\n"
                + "routing: { max_total_ms: 60000 }\n"
                + "providers:\n" + SseWire.OPENAI.provider("primary", upstream, "name: Primary\n"
                + "timeouts: { first_token_ms: " + FIRST_TOKEN_MS + ", idle_ms: " + IDLE_MS + " }")
                + "models:\n  - { id: test/model, name: Test, context_length: 100000, max_output_tokens: 4096,"
                + " tokenizer: o200k_base, pricing: { prompt: 2, completion: 8 },\n"
                + "      endpoints: [ { provider: primary, upstream_model: upstream-model } ] }\n");
        HttpResponse<String> created = gateway.call("POST", "/api/v1/keys", ADMIN, "{\"name\":\"client faults\",\"limit\":1}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        key = Json.parse(created.body()).path("key").asText();
    }

    @AfterEach
    void stop() {
        upstreamLogger.detachAppender(upstreamLog);
        gateway.close();
        upstream.close();
    }

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void aClientThatLeavesBeforeTheFirstTokenHoldsNothingAndBlamesNoProvider(boolean stream) throws Exception {
        upstream.always((request, upstream) -> {
        }); // the provider is still thinking when the client gives up
        String body = ClientApi.CHAT.body("test/model", stream, List.of("primary"));
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + key + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            FaultMatrix.poll(upstream::requestCount, n -> n == 1);
        }

        assertThat(upstream.awaitConnectionClosed(Duration.ofSeconds(5))).as("the upstream call is cancelled").isTrue();
        assertNothingHeldOrCharged();
        Thread.sleep(FIRST_TOKEN_MS + 400); // past the first-token limit: a timer left armed would now blame the provider
        JsonNode endpoint = endpoint();
        assertThat(endpoint.path("uptime_last_5m").asDouble(100)).as("no failure counted: %s", endpoint).isEqualTo(100);
        assertThat(endpoint.path("status").asText()).isEqualTo("ok");
        assertNothingHeldOrCharged();
        assertThat(upstreamLog.list).as("the reset of a cancelled call is ours: no warning blames the provider")
                .noneMatch(e -> e.getFormattedMessage().contains("provider primary failed"));
    }

    @Test
    void aSlowClientHoldsTheStreamBackThenGetsItWholeWithoutBlamingTheProvider() throws Exception {
        AtomicBoolean providerPaused = new AtomicBoolean();
        byte[] piece = SseWire.OPENAI.contentFrame(Wire.bigText(64 * 1024));
        List<byte[]> frames = SseWire.OPENAI.frames();
        upstream.always((request, upstream) -> {
            HttpServerResponse response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
            frames.subList(0, 2).forEach(frame -> response.write(Buffer.buffer(frame)));
            writeRespectingBackPressure(response, piece, LARGE_BYTES / (64 * 1024), providerPaused,
                    () -> frames.subList(2, frames.size()).forEach(frame -> response.write(Buffer.buffer(frame))));
        });
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(ClientApi.CHAT.body("test/model", true, List.of("primary"))))
                .build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        String id = response.headers().firstValue("x-generation-id").orElseThrow();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (InputStream in = response.body()) {
            received.write(in.readNBytes(1024)); // the first chunks, then the client stops reading
            FaultMatrix.poll(providerPaused::get, paused -> paused); // back-pressure reached the provider
            Thread.sleep(IDLE_MS * 3); // held longer than the idle limit: the provider is not idle, the client is slow
            in.transferTo(received);
        }

        ClientApi.Shown shown = ClientApi.CHAT.read(200, received.toString(StandardCharsets.UTF_8), true);
        assertThat(shown.streamCompleted()).as("the stream ended normally").isTrue();
        assertThat(shown.content()).hasSizeGreaterThan(LARGE_BYTES).startsWith("Hello").endsWith(" you today?");
        FaultMatrix.poll(() -> gateway.server().accounts().ledger().used(), used -> used == 0);
        JsonNode row = Json.parse(gateway.call("GET", "/api/v1/generation?id=" + id, ADMIN, null).body()).path("data");
        assertThat(row.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(row.path("total_cost").decimalValue()).isEqualByComparingTo(shown.cost());
        JsonNode keyInfo = keyInfo();
        assertThat(keyInfo.path("usage").decimalValue()).isEqualByComparingTo(shown.cost());
        assertThat(keyInfo.path("reserved").decimalValue()).isZero();
        assertThat(endpoint().path("uptime_last_5m").asDouble()).as("served, not failed").isEqualTo(100);
    }

    /** Writes {@code count} copies of {@code frame}, waiting for the queue to drain when it is full, then {@code then}. */
    private static void writeRespectingBackPressure(HttpServerResponse response, byte[] frame, int count,
                                                    AtomicBoolean paused, Runnable then) {
        for (int left = count; left > 0; left--) {
            if (response.closed()) {
                return;
            }
            if (response.writeQueueFull()) {
                paused.set(true);
                int rest = left;
                response.drainHandler(v -> writeRespectingBackPressure(response, frame, rest, paused, then));
                return;
            }
            response.write(Buffer.buffer(frame));
        }
        then.run();
        response.end();
    }

    private void assertNothingHeldOrCharged() {
        FaultMatrix.poll(() -> gateway.server().accounts().ledger().used(), used -> used == 0);
        JsonNode info = keyInfo();
        assertThat(info.path("reserved").decimalValue()).as("nothing stays reserved: %s", info).isZero();
        assertThat(info.path("usage").decimalValue()).as("nothing generated, nothing charged").isEqualByComparingTo(BigDecimal.ZERO);
    }

    private JsonNode keyInfo() {
        return Json.parse(gateway.call("GET", "/api/v1/key", key, null).body()).path("data");
    }

    private JsonNode endpoint() {
        JsonNode endpoints = Json.parse(gateway.get("/api/v1/models/test/model/endpoints").body()).path("data").path("endpoints");
        return StreamSupport.stream(endpoints.spliterator(), false)
                .filter(e -> e.path("tag").asText().equals("primary")).findFirst().orElseThrow();
    }
}
