package dev.switchboard.e2e;

import dev.switchboard.protocol.Json;
import dev.switchboard.providers.http.BoundedBody;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, item 11: answers that are not streamed are read within a bound. A 100 MB answer or a
 * declared Content-Length past it fails the attempt (InvalidResponse, then fallback) without the
 * gateway reading it all; a huge error page is read only as far as its first 64 KiB.
 */
class UpstreamBodyLimitsTest {
    private static final long HUNDRED_MB = 100L * 1024 * 1024;
    private static final Buffer MEGABYTE = Buffer.buffer(new byte[1024 * 1024]);

    FakeUpstream alpha;
    FakeUpstream beta;
    TestGateway gateway;
    /** Bytes the fake upstream handed to its connection before the gateway dropped it. */
    final AtomicLong sent = new AtomicLong();

    @BeforeEach
    void start() {
        alpha = FakeUpstream.start();
        beta = FakeUpstream.start();
        gateway = TestGateway.start("routing: { max_attempts: 4 }\n"
                + "providers:\n"
                + Upstreams.provider("alpha", alpha, "timeouts: { first_token_ms: 20000 }")
                + Upstreams.provider("beta", beta)
                + "models:\n"
                + Upstreams.model("test/model", "alpha", "beta")
                + Upstreams.model("test/only-alpha", "alpha"));
    }

    @AfterEach
    void stop() {
        gateway.close();
        alpha.close();
        beta.close();
    }

    /** Writes {@code total} bytes of body a megabyte at a time, as fast as the connection takes them. */
    private FakeUpstream.Reply huge(int status, String contentType, long total) {
        return (request, upstream) -> {
            HttpServerResponse response = request.response().setStatusCode(status).setChunked(true)
                    .putHeader("content-type", contentType);
            response.exceptionHandler(e -> { });
            writeFrom(response, total);
        };
    }

    private void writeFrom(HttpServerResponse response, long left) {
        while (left > 0 && !response.writeQueueFull() && !response.closed()) {
            response.write(MEGABYTE);
            sent.addAndGet(MEGABYTE.length());
            left -= MEGABYTE.length();
        }
        if (response.closed()) {
            return;
        }
        if (left <= 0) {
            response.end();
            return;
        }
        long remaining = left;
        response.drainHandler(v -> writeFrom(response, remaining));
    }

    private HttpResponse<String> ask(String model) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}],\"provider\":{\"order\":[\"alpha\",\"beta\"]}}");
    }

    private void assertNothingHeld() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (gateway.server().accounts().ledger().used() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(gateway.server().accounts().ledger().used()).as("no ledger slot stays taken").isZero();
    }

    @Test
    void aHundredMegabyteAnswerFailsTheAttemptAndFallsBack() throws Exception {
        alpha.enqueue(huge(200, "application/json", HUNDRED_MB));
        beta.enqueue(fixture(200, "openai/chat_nonstream.json"));

        long start = System.nanoTime();
        HttpResponse<String> response = ask("test/model");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Json.parse(response.body()).path("provider").asText()).isEqualTo("Beta");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded, on a loaded machine too")
                .isLessThan(Duration.ofSeconds(45));
        assertThat(alpha.awaitConnectionClosed(Duration.ofSeconds(5))).as("the gateway dropped the connection").isTrue();
        assertThat(sent.get()).as("the gateway stopped reading past its bound")
                .isLessThan(HUNDRED_MB).isGreaterThan(BoundedBody.MAX_ANSWER_BYTES / 2);
        assertNothingHeld();
    }

    @Test
    void aHundredMegabyteAnswerWithoutAFallbackIsABadGatewayInOurWords() throws Exception {
        alpha.enqueue(huge(200, "application/json", HUNDRED_MB));

        HttpResponse<String> response = ask("test/only-alpha");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(Json.parse(response.body()).path("error").path("message").asText())
                .contains("alpha").contains("larger than 65536 KiB");
        assertThat(sent.get()).isLessThan(HUNDRED_MB);
        assertNothingHeld();
    }

    @Test
    void aDeclaredContentLengthPastTheBoundIsRefusedBeforeReading() throws Exception {
        alpha.enqueue((request, upstream) -> {
            // declares 10 GB, sends a few bytes and then nothing: only the declaration can be judged
            request.response().setStatusCode(200).putHeader("content-type", "application/json")
                    .putHeader("content-length", Long.toString(10_000_000_000L)).write("{\"id\":");
        });
        beta.enqueue(fixture(200, "openai/chat_nonstream.json"));

        long start = System.nanoTime();
        HttpResponse<String> response = ask("test/model");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Json.parse(response.body()).path("provider").asText()).isEqualTo("Beta");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no waiting for the body")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(alpha.awaitConnectionClosed(Duration.ofSeconds(5))).isTrue();
        assertNothingHeld();
    }

    @Test
    void aHugeErrorPageIsReadOnlyToItsBoundAndFallsBack() throws Exception {
        alpha.enqueue(huge(502, "text/html", HUNDRED_MB));
        beta.enqueue(fixture(200, "openai/chat_nonstream.json"));

        long start = System.nanoTime();
        HttpResponse<String> response = ask("test/model");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Json.parse(response.body()).path("provider").asText()).isEqualTo("Beta");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(alpha.awaitConnectionClosed(Duration.ofSeconds(5))).isTrue();
        assertThat(sent.get()).as("the page was not read whole").isLessThan(HUNDRED_MB / 2);
        assertNothingHeld();
    }

    @Test
    void aHugeErrorPageWithoutAFallbackIsDescribedNotRelayed() throws Exception {
        alpha.enqueue(huge(503, "text/html", HUNDRED_MB));

        HttpResponse<String> response = ask("test/only-alpha");

        assertThat(response.statusCode()).isGreaterThanOrEqualTo(500);
        assertThat(response.body().length()).as("a short error in our words").isLessThan(2_000);
        assertThat(sent.get()).isLessThan(HUNDRED_MB / 2);
        assertNothingHeld();
    }
}
