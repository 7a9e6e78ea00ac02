package dev.switchboard.client;

import dev.switchboard.client.FakeHttpServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gateway's error bodies (DESIGN.md §4) as typed exceptions carrying status, type, message and metadata. */
class ErrorMappingTest {
    FakeHttpServer server;
    SwitchboardClient client;

    @BeforeEach
    void start() throws IOException {
        server = new FakeHttpServer();
        client = SwitchboardClient.builder().baseUrl(server.baseUrl()).apiKey("sk-test").maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @ParameterizedTest
    @CsvSource({
            "400, invalid_request_error, BadRequestException",
            "401, authentication_error, AuthenticationException",
            "402, insufficient_quota, InsufficientCreditsException",
            "403, permission_error, PermissionDeniedException",
            "404, not_found_error, NotFoundException",
            "408, timeout_error, TimeoutException",
            "413, invalid_request_error, BadRequestException",
            "429, rate_limit_error, RateLimitedException",
            "500, server_error, UpstreamException",
            "502, upstream_error, UpstreamException",
            "503, upstream_error, UpstreamException",
            "504, upstream_error, UpstreamException",
    })
    void mapsEachStatusToItsException(int status, String type, String exception) {
        server.enqueue(Reply.error(status, type, "what went wrong"));

        assertThatThrownBy(() -> client.run("m", "hello"))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                    assertThat(e.getClass().getSimpleName()).isEqualTo(exception);
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.type()).isEqualTo(type);
                    assertThat(e.getMessage()).isEqualTo("what went wrong");
                    assertThat(e.duringStream()).isFalse();
                });
    }

    @Test
    void carriesMetadataTheGenerationIdAndRetryAfter() {
        server.enqueue(Reply.json(503, """
                {"error":{"code":503,"message":"no endpoint is available","type":"upstream_error","param":"provider.only",
                 "metadata":{"attempts":[{"provider":"alpha","status":429,"message":"busy"}]}}}""",
                Map.of("x-generation-id", "gen-42", "retry-after", "2")));

        assertThatThrownBy(() -> client.run("m", "hello")).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.metadata().at("/attempts/0/provider").asText()).isEqualTo("alpha");
            assertThat(e.generationId()).hasValue("gen-42");
            assertThat(e.param()).hasValue("provider.only");
            assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(2));
            assertThat(e.isRetryable()).isTrue();
        });
    }

    @Test
    void aBodyThatIsNotTheErrorShapeStillGivesTheStatusAndWhatCame() {
        server.enqueue(new Reply(502, Map.of("content-type", "text/html"), List.of("<html>Bad Gateway</html>")));

        assertThatThrownBy(() -> client.run("m", "hello")).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.type()).isEqualTo("upstream_error");
            assertThat(e.getMessage()).isEqualTo("HTTP 502: <html>Bad Gateway</html>");
            assertThat(e.metadata().isEmpty()).isTrue();
        });
    }

    @Test
    void readsRetryAfterAsSecondsOrAsAnHttpDate() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);

        assertThat(Errors.retryAfter("3", clock)).isEqualTo(Duration.ofSeconds(3));
        assertThat(Errors.retryAfter("0.5", clock)).isEqualTo(Duration.ofMillis(500));
        assertThat(Errors.retryAfter("Wed, 02 Dec 2026 10:00:30 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Errors.retryAfter("Wed, 02 Dec 2026 09:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
        assertThat(Errors.retryAfter("soon", clock)).isNull();
        assertThat(Errors.retryAfter("-1", clock)).isNull();
    }

    @Test
    void anErrorChunkWithAStringCodeIsAnUpstreamFailure() {
        var chunk = Json.parseOrMissing("""
                {"id":"cmpl-abc123","error":{"code":"server_error","message":"Provider disconnected unexpectedly"},
                 "choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}""");

        SwitchboardException e = Errors.fromChunk(chunk);

        assertThat(e).isInstanceOf(UpstreamException.class);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.getMessage()).isEqualTo("Provider disconnected unexpectedly");
        assertThat(e.duringStream()).isTrue();
        assertThat(e.isRetryable()).isFalse();
        assertThat(Errors.fromResponse(418, HttpHeaders.of(Map.of(), (a, b) -> true), "", clock()).getMessage())
                .isEqualTo("HTTP 418");
    }

    private static Clock clock() {
        return Clock.systemUTC();
    }
}
