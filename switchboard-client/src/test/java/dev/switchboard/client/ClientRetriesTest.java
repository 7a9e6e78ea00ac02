package dev.switchboard.client;

import dev.switchboard.client.FakeHttpServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which failures are sent again, how long the client waits between tries, and when it gives up. */
class ClientRetriesTest {
    static final String ANSWER = """
            {"id":"gen-1","model":"m","provider":"P","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},
             "finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2,"cost":0.000003}}""";

    FakeHttpServer server;
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    final List<SwitchboardClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new FakeHttpServer();
    }

    @AfterEach
    void stop() {
        clients.forEach(SwitchboardClient::close);
        server.close();
    }

    SwitchboardClient client(int maxRetries) {
        return client(server.baseUrl(), maxRetries);
    }

    SwitchboardClient client(String baseUrl, int maxRetries) {
        SwitchboardClient client = SwitchboardClient.builder().baseUrl(baseUrl).apiKey("sk-test").maxRetries(maxRetries)
                .backoff(Duration.ofMillis(400), Duration.ofSeconds(2)).sleeper(waits::add).build();
        clients.add(client);
        return client;
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 502, 503, 504})
    void retriesARetryableStatusThenReturnsTheAnswer(int status) {
        server.enqueue(Reply.error(status, "upstream_error", "try later"), Reply.json(200, ANSWER));

        assertThat(client(2).run("m", "hello")).isEqualTo("hi");

        assertThat(server.received()).hasSize(2);
        assertThat(server.received().get(1).body()).isEqualTo(server.received().get(0).body());
        assertThat(waits).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 402, 403, 404, 413, 500})
    void neverRetriesWhatAnotherTryCannotFix(int status) {
        server.enqueue(Reply.error(status, "some_error", "no"), Reply.json(200, ANSWER));

        assertThatThrownBy(() -> client(3).run("m", "hello")).isInstanceOf(SwitchboardException.class)
                .satisfies(e -> assertThat(((SwitchboardException) e).status()).isEqualTo(status));

        assertThat(server.received()).hasSize(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void honoursRetryAfterInsteadOfItsOwnBackoff() {
        server.enqueue(Reply.json(429, "{\"error\":{\"code\":429,\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}",
                Map.of("retry-after", "7")), Reply.json(200, ANSWER));

        client(1).run("m", "hello");

        assertThat(waits).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void givesUpWhenRetryAfterIsLongerThanAMinute() {
        server.enqueue(Reply.json(429, "{\"error\":{\"code\":429,\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}",
                Map.of("retry-after", "3600")), Reply.json(200, ANSWER));

        assertThatThrownBy(() -> client(3).run("m", "hello")).isInstanceOfSatisfying(RateLimitedException.class,
                e -> assertThat(e.retryAfter()).hasValue(Duration.ofHours(1)));
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void backsOffExponentiallyWithJitterUpToTheCapThenThrowsTheLastFailure() {
        for (int i = 0; i < 5; i++) {
            server.enqueue(Reply.error(502, "upstream_error", "failure " + i));
        }

        assertThatThrownBy(() -> client(4).run("m", "hello")).isInstanceOf(UpstreamException.class)
                .hasMessage("failure 4");

        assertThat(server.received()).hasSize(5);
        // 400 ms doubling, capped at 2 s, each 75-100 % of its step
        assertThat(waits).hasSize(4);
        assertThat(waits.get(0).toMillis()).isBetween(300L, 400L);
        assertThat(waits.get(1).toMillis()).isBetween(600L, 800L);
        assertThat(waits.get(2).toMillis()).isBetween(1200L, 1600L);
        assertThat(waits.get(3).toMillis()).isBetween(1500L, 2000L);
    }

    @Test
    void retriesWhenTheGatewayCannotBeReached() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> client("http://127.0.0.1:" + closedPort + "/api/v1", 2).run("m", "hello"))
                .isInstanceOfSatisfying(ConnectionFailedException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.getMessage()).contains("could not connect");
                });
        assertThat(waits).hasSize(2);
    }

    @Test
    void zeroMaxRetriesSendsOnce() {
        server.enqueue(Reply.error(503, "upstream_error", "none available"), Reply.json(200, ANSWER));

        assertThatThrownBy(() -> client(0).run("m", "hello")).isInstanceOf(UpstreamException.class);
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void retriesAStreamRefusedBeforeItBeganButNeverOneThatHadBegun() {
        server.enqueue(Reply.error(503, "upstream_error", "none available"),
                Reply.sse("data: {\"id\":\"gen-9\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n",
                        "data: {\"id\":\"gen-9\",\"error\":{\"code\":502,\"message\":\"provider disconnected\"},"
                                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n",
                        "data: [DONE]\n\n"),
                Reply.json(200, ANSWER));
        StringBuilder text = new StringBuilder();

        try (var stream = client(3).stream("m", List.of(Message.user("hello")))) {
            assertThatThrownBy(() -> stream.forEach(c -> text.append(c.content())))
                    .isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.duringStream()).isTrue();
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.status()).isEqualTo(502);
                        assertThat(e.generationId()).hasValue("gen-9");
                        assertThat(e.getMessage()).isEqualTo("provider disconnected");
                    });
        }

        assertThat(text).hasToString("par");
        assertThat(server.received()).hasSize(2);
        assertThat(waits).hasSize(1);
    }
}
