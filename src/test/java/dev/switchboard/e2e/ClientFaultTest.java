package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
            first.always(json(400, invalid));
            second.always(json(400, tooLong));
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
