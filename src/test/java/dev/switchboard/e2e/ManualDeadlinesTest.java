package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.ManualTimekeeper;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.TestGateway;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's own deadlines run on an injected timekeeper: a minute-long first-token deadline, a
 * five-minute idle limit and a ten-minute budget are tested by moving time by hand, in well under
 * a second of real time, and nothing fires a moment early.
 */
class ManualDeadlinesTest {
    private final ManualTimekeeper time = new ManualTimekeeper();
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeUpstream alpha;
    private FakeUpstream beta;
    private TestGateway gateway;

    @BeforeEach
    void start() {
        alpha = FakeUpstream.start();
        beta = FakeUpstream.start();
        beta.always(FakeUpstream.sse(Fixtures.text("openai/chat_stream_text.sse")));
        gateway = TestGateway.startOn(time, "server: { port: 0, stream_keepalive_ms: 15000 }\n"
                + "routing: { max_total_ms: 600000 }\n"
                + "providers:\n"
                + Upstreams.provider("alpha", alpha, "timeouts: { first_token_ms: 60000, idle_ms: 300000 }")
                + Upstreams.provider("beta", beta)
                + "models:\n"
                + Upstreams.model("test/alone", "alpha")
                + Upstreams.model("test/pair", "alpha", "beta"));
    }

    @AfterEach
    void stop() {
        gateway.close();
        alpha.close();
        beta.close();
    }

    @Test
    void anAnswerThatNeverComesEndsAtTheFirstTokenDeadlineAndNotBefore() throws Exception {
        alpha.always(FakeUpstream.hang());
        CompletableFuture<HttpResponse<String>> answer = chat("test/alone", false);
        awaitUpstreamCalled(alpha);

        time.advance(Duration.ofSeconds(59));
        Thread.sleep(200);
        assertThat(answer).as("59 s into a 60 s deadline").isNotDone();

        time.advance(Duration.ofSeconds(2));
        HttpResponse<String> response = answer.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
        assertThat(Json.parse(response.body()).path("error").path("message").asText())
                .contains("no response within 60000 ms");
    }

    @Test
    void aStreamWaitingForItsFirstTokenGetsKeepAlivesThenFallsBackAtTheDeadline() throws Exception {
        alpha.always(FakeUpstream.headThenSilence());
        CompletableFuture<HttpResponse<String>> answer = chat("test/pair", true);
        awaitUpstreamCalled(alpha);

        for (int i = 0; i < 4; i++) { // 60 s in 15 s steps: a keep-alive comment each time
            time.advance(Duration.ofSeconds(15));
        }

        HttpResponse<String> response = answer.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().split(": SWITCHBOARD PROCESSING", -1)).as(response.body()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(response.body()).contains("Hello").endsWith("data: [DONE]\n\n");
        assertThat(beta.requestCount()).as("the second endpoint served").isEqualTo(1);
    }

    @Test
    void aStreamStalledAfterItsFirstTokenEndsAtTheIdleLimitWithAnErrorAndDone() throws Exception {
        alpha.always((request, upstream) -> {
            HttpServerResponse response = request.response().setStatusCode(200).setChunked(true)
                    .putHeader("content-type", "text/event-stream");
            response.write(String.join("", FakeUpstream.events(Fixtures.text("openai/chat_stream_text.sse")).subList(0, 2)));
        });
        // the head goes out with the first token: from then on the stream's own watchdog keeps time
        HttpResponse<Stream<String>> head = http.sendAsync(request("test/alone", true), HttpResponse.BodyHandlers.ofLines())
                .get(10, TimeUnit.SECONDS);
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(
                () -> head.body().map(line -> line + "\n").collect(Collectors.joining()));

        time.advance(Duration.ofSeconds(299));
        Thread.sleep(200);
        assertThat(answer).as("299 s into a 300 s idle limit").isNotDone();

        time.advance(Duration.ofSeconds(2));
        String body = answer.get(10, TimeUnit.SECONDS);
        assertThat(body).contains("Hello").endsWith("data: [DONE]\n\n");
        JsonNode error = lastJson(body);
        assertThat(error.path("error").path("message").asText()).contains("idle");
        assertThat(time.pending()).as("no timer left behind").isZero();
    }

    private CompletableFuture<HttpResponse<String>> chat(String model, boolean stream) {
        return http.sendAsync(request(model, stream), HttpResponse.BodyHandlers.ofString());
    }

    /** A chat completion that tries alpha first. */
    private HttpRequest request(String model, boolean stream) {
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"provider\":{\"order\":[\"alpha\",\"beta\"]}}";
        return HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static void awaitUpstreamCalled(FakeUpstream upstream) {
        waitUntil(() -> upstream.requestCount() == 1);
    }

    /** Polls (real time) for at most 10 s. */
    private static void waitUntil(BooleanSupplier condition) {
        Poll.until(condition::getAsBoolean, done -> done, Duration.ofSeconds(10));
    }

    private static JsonNode lastJson(String sse) {
        JsonNode last = null;
        for (String event : sse.split("\n\n")) {
            if (event.startsWith("data: {")) {
                last = Json.parse(event.substring(6));
            }
        }
        return last;
    }
}
