package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.RawHttp;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The HTTP edge against hostile and sloppy clients (issue 12): header and idle timeouts, the connection
 * limit, Host headers, cross-origin requests and 413s that clients see as 413s.
 */
@Timeout(60)
class EdgeHardeningTest {
    static final long HEADER_TIMEOUT_MS = 600;
    static final long IDLE_TIMEOUT_MS = 900;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("""
                server: { port: 0, stream_keepalive_ms: 60000, max_body_bytes: 1048576,
                          header_timeout_ms: %d, idle_timeout_ms: %d }
                providers:
                  - { id: demo, tokens_per_second: 0 }
                  - { id: slow, name: Slow Demo, protocol: demo, tokens_per_second: 10 }
                models:
                  - { id: test/slow, name: Slow, context_length: 8000, max_output_tokens: 1000, tokenizer: o200k_base,
                      pricing: { prompt: 1, completion: 2 }, endpoints: [ { provider: slow, upstream_model: echo } ] }
                """.formatted(HEADER_TIMEOUT_MS, IDLE_TIMEOUT_MS));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static JsonNode error(int status, int expected, String body) {
        assertThat(status).as(body).isEqualTo(expected);
        JsonNode error = Json.parse(body).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(expected);
        assertThat(error.get("type").asText()).isNotBlank();
        return error;
    }

    // --- item 7: timeouts ---

    @Test
    void aClientTricklingItsHeadersIsCutOffAtTheHeaderTimeout() throws Exception {
        long started = System.nanoTime();
        boolean cut = false;
        try (RawHttp raw = new RawHttp(gateway.port(), 100)) {
            raw.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n");
            for (int i = 0; i < 150 && !cut; i++) { // up to 15 s of one header byte every 100 ms
                try {
                    raw.write(i % 2 == 0 ? "X" : "-");
                    cut = raw.closedByServer();
                } catch (IOException e) {
                    cut = true;
                }
            }
        }
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(cut).as("closed while trickling").isTrue();
        // the upper bound leaves room for a busy machine; without the timeout the connection stays open
        assertThat(elapsedMs).isBetween(HEADER_TIMEOUT_MS - 50, HEADER_TIMEOUT_MS + 8_000);
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port(), 15_000)) {
            RawHttp.Answer health = raw.exchange("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(health.status()).isEqualTo(200);
            long idleFrom = System.nanoTime();
            assertThat(raw.closedByServer()).isTrue();
            long idleMs = (System.nanoTime() - idleFrom) / 1_000_000;
            assertThat(idleMs).isBetween(IDLE_TIMEOUT_MS - 50, IDLE_TIMEOUT_MS + 8_000);
        }
    }

    @Test
    void aSlowAnswerIsNotIdle() throws Exception {
        // about 20 tokens at 10 a second: two seconds with no byte either way, over twice the idle timeout
        String body = """
                {"model":"test/slow","messages":[{"role":"user","content":"%s"}]}""".formatted("tick ".repeat(20));
        try (RawHttp raw = new RawHttp(gateway.port(), 20_000)) {
            RawHttp.Answer answer = raw.exchange("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(Json.parse(answer.body()).at("/choices/0/message/content").asText()).contains("tick");
        }
    }

    @Test
    void theConnectionLimitRefusesWithA503AndHealthzWorksOnceConnectionsClose() throws Exception {
        try (TestGateway limited = TestGateway.start("server: { port: 0, max_connections: 3 }\n")) {
            List<RawHttp> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    RawHttp raw = new RawHttp(limited.port(), 5_000);
                    held.add(raw);
                    assertThat(raw.exchange("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").status()).isEqualTo(200);
                }
                try (RawHttp fourth = new RawHttp(limited.port(), 5_000)) {
                    RawHttp.Answer refused = fourth.exchange("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    JsonNode error = error(refused.status(), 503, refused.body());
                    assertThat(error.get("message").asText()).contains("server.max_connections is 3");
                    assertThat(refused.header("retry-after")).isEqualTo("1");
                    assertThat(refused.header("connection")).isEqualToIgnoringCase("close");
                    assertThat(fourth.closedByServer()).isTrue();
                }
            } finally {
                held.forEach(RawHttp::close);
            }
            HttpResponse<String> after = pollUntil200(limited, "/healthz");
            assertThat(after.statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> pollUntil200(TestGateway target, String path) throws InterruptedException {
        HttpResponse<String> last = null;
        for (int i = 0; i < 50; i++) {
            last = target.get(path);
            if (last.statusCode() == 200) {
                return last;
            }
            Thread.sleep(100); // the server sees the closes asynchronously
        }
        return last;
    }

    // --- item 14: Host ---

    @Test
    void anHttp11RequestWithoutHostOrWithTwoIsA400() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port(), 5_000)) {
            RawHttp.Answer none = raw.exchange("GET /healthz HTTP/1.1\r\n\r\n");
            assertThat(error(none.status(), 400, none.body()).get("message").asText()).contains("Host header");
            assertThat(raw.closedByServer()).isTrue();
        }
        try (RawHttp raw = new RawHttp(gateway.port(), 5_000)) {
            RawHttp.Answer two = raw.exchange("GET /healthz HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n");
            assertThat(error(two.status(), 400, two.body()).get("message").asText()).contains("exactly one Host");
        }
        try (RawHttp raw = new RawHttp(gateway.port(), 5_000)) {
            String body = "{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            RawHttp.Answer chat = raw.exchange("POST /v1/chat/completions HTTP/1.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body);
            error(chat.status(), 400, chat.body());
        }
        try (RawHttp raw = new RawHttp(gateway.port(), 5_000)) {
            assertThat(raw.exchange("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").status()).isEqualTo(200);
        }
        try (RawHttp raw = new RawHttp(gateway.port(), 5_000)) {
            assertThat(raw.exchange("GET /healthz HTTP/1.0\r\n\r\n").status()).as("HTTP/1.0 needs no Host").isEqualTo(200);
        }
    }

    // --- item 12: cross-origin requests ---

    static final String CHAT = "{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aCrossOriginSimplePostIsRefusedWith403WhenCorsIsNotConfigured() {
        HttpResponse<String> answer = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("origin", "https://evil.example").header("content-type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build());
        JsonNode error = error(answer.statusCode(), 403, answer.body());
        assertThat(error.get("message").asText()).contains("https://evil.example", "server.cors.allowed_origins");
        assertThat(answer.headers().firstValue("access-control-allow-origin")).isEmpty();

        HttpResponse<String> preflight = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("origin", "https://evil.example").header("access-control-request-method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        error(preflight.statusCode(), 403, preflight.body());
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).isEmpty();

        HttpResponse<String> sandboxed = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("origin", "null").header("content-type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build());
        error(sandboxed.statusCode(), 403, sandboxed.body());
    }

    @Test
    void sameOriginAndOriginlessRequestsAreServed() {
        HttpResponse<String> same = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("origin", "http://127.0.0.1:" + gateway.port()).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build());
        assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
        assertThat(gateway.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
    }

    @Test
    void configuredOriginsGetPreflightsAndCorsHeadersOthersAre403() {
        try (TestGateway cors = TestGateway.start("""
                server: { port: 0, cors: { allowed_origins: [ "https://App.example/" ] } }
                """)) {
            HttpResponse<String> preflight = cors.send(HttpRequest.newBuilder(cors.uri("/v1/chat/completions"))
                    .header("origin", "https://app.example").header("access-control-request-method", "POST")
                    .header("access-control-request-headers", "authorization, content-type")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example");
            assertThat(preflight.headers().firstValue("access-control-allow-methods").orElse("")).contains("POST");
            assertThat(preflight.headers().firstValue("access-control-allow-headers").orElse(""))
                    .contains("authorization", "content-type");

            HttpResponse<String> allowed = cors.send(HttpRequest.newBuilder(cors.uri("/v1/chat/completions"))
                    .header("origin", "https://app.example").header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build());
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example");
            assertThat(allowed.headers().firstValue("access-control-expose-headers").orElse("")).contains("x-generation-id");

            HttpResponse<String> other = cors.send(HttpRequest.newBuilder(cors.uri("/v1/chat/completions"))
                    .header("origin", "https://evil.example").header("content-type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build());
            error(other.statusCode(), 403, other.body());
        }
    }

    // --- item 13: 413 ---

    @Test
    void theOpenAiSdkSeesA413NotAConnectionError() {
        // 4 MiB: far more than socket buffers hold, so closing under it would reset the client's write
        String content = "x".repeat(4 * 1024 * 1024);
        for (int i = 0; i < 10; i++) {
            OpenAIServiceException refused = catchThrowableOfType(OpenAIServiceException.class, () ->
                    gateway.openAi().chat().completions().create(ChatCompletionCreateParams.builder()
                            .model("switchboard/echo").addUserMessage(content).build()));
            assertThat(refused).as("attempt " + i).isNotNull();
            assertThat(refused.statusCode()).as("attempt " + i).isEqualTo(413);
        }
        ChatCompletion fine = gateway.openAi().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("switchboard/echo").addUserMessage("after").build());
        assertThat(fine.choices().getFirst().message().content()).hasValue("after");
    }

    @Test
    void aBodyFarBeyondTheLimitIsAnsweredWithoutReadingItAll() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port(), 5_000)) {
            RawHttp.Answer answer = raw.exchange("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{");
            error(answer.status(), 413, answer.body());
            assertThat(raw.closedByServer()).isTrue();
        }
    }
}
