package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static dev.switchboard.testing.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, item 11, for embeddings: a large answer (parsed and written off the event loop) is
 * served whole; a 100 MB one fails the attempt and the next provider answers.
 */
class EmbeddingsBodyLimitsTest {
    private static final int VECTORS = 600;
    private static final int DIMENSIONS = 1536;

    FakeUpstream primary;
    FakeUpstream backup;
    TestGateway gateway;
    final AtomicLong sent = new AtomicLong();

    @BeforeEach
    void start() {
        primary = FakeUpstream.start();
        backup = FakeUpstream.start();
        gateway = TestGateway.start("providers:\n" + Upstreams.provider("primary", primary)
                + Upstreams.provider("backup", backup) + """
                models:
                  - id: test/embed
                    name: "Test: Embed"
                    context_length: 8191
                    input_modalities: [text]
                    output_modalities: [embeddings]
                    tokenizer: cl100k_base
                    pricing: { prompt: 0.02, completion: 0 }
                    endpoints:
                      - { provider: primary, upstream_model: upstream-small }
                      - { provider: backup, upstream_model: upstream-small-b }
                """);
    }

    @AfterEach
    void stop() {
        gateway.close();
        primary.close();
        backup.close();
    }

    /** An OpenAI embeddings answer of {@code vectors} vectors of {@link #DIMENSIONS} numbers (~10 MB for 600). */
    private static String embeddings(int vectors) {
        StringBuilder out = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int v = 0; v < vectors; v++) {
            out.append(v == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(v).append(",\"embedding\":[");
            for (int d = 0; d < DIMENSIONS; d++) {
                out.append(d == 0 ? "" : ",").append("-0.00").append(1_000_000 + (v * 31 + d) % 9_000_000);
            }
            out.append("]}");
        }
        return out.append("],\"model\":\"upstream-small\",\"usage\":{\"prompt_tokens\":").append(vectors)
                .append(",\"total_tokens\":").append(vectors).append("}}").toString();
    }

    @Test
    void aLargeAnswerIsServedWhole() throws InterruptedException {
        String answer = embeddings(VECTORS);
        assertThat(answer.length()).isGreaterThan(8 * 1024 * 1024);
        primary.enqueue(json(200, answer));

        CreateEmbeddingResponse response = gateway.openAi().embeddings().create(EmbeddingCreateParams.builder()
                .model("test/embed")
                .input(EmbeddingCreateParams.Input.ofArrayOfStrings(java.util.Collections.nCopies(VECTORS, "hello")))
                .putAdditionalBodyProperty("provider", JsonValue.from(Map.of("order", List.of("primary"))))
                .build());

        assertThat(response.data()).hasSize(VECTORS);
        assertThat(response.data().get(VECTORS - 1).index()).isEqualTo(VECTORS - 1);
        assertThat(response.data().getFirst().embedding()).hasSize(DIMENSIONS);
        assertThat(response.usage().promptTokens()).isEqualTo(VECTORS);
        assertThat(response._additionalProperties().get("provider").asString()).hasValue("Primary");
        assertNothingHeld();
    }

    @Test
    void aHundredMegabyteAnswerFailsTheAttemptAndTheNextProviderAnswers() throws InterruptedException {
        Buffer megabyte = Buffer.buffer(new byte[1024 * 1024]);
        primary.enqueue((request, upstream) -> {
            HttpServerResponse response = request.response().setStatusCode(200).setChunked(true)
                    .putHeader("content-type", "application/json");
            response.exceptionHandler(e -> { });
            write(response, megabyte, 100);
        });
        backup.enqueue(json(200, embeddings(2)));

        long start = System.nanoTime();
        HttpResponse<String> response = gateway.post("/v1/embeddings", "{\"model\":\"test/embed\",\"input\":[\"a\",\"b\"],"
                + "\"provider\":{\"order\":[\"primary\",\"backup\"]}}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = Json.parse(response.body());
        assertThat(body.path("provider").asText()).isEqualTo("Backup");
        assertThat(body.path("data")).hasSize(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(45));
        assertThat(sent.get()).as("not read whole").isLessThan(100L * 1024 * 1024);
        assertNothingHeld();
    }

    /** The served row leaves its ledger slot once written (the writer stores rows every few ms). */
    private void assertNothingHeld() throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (gateway.server().accounts().ledger().used() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(gateway.server().accounts().ledger().used()).as("no ledger slot stays taken").isZero();
    }

    private void write(HttpServerResponse response, Buffer chunk, int left) {
        int remaining = left;
        while (remaining > 0 && !response.writeQueueFull() && !response.closed()) {
            response.write(chunk);
            sent.addAndGet(chunk.length());
            remaining--;
        }
        if (response.closed()) {
            return;
        }
        if (remaining == 0) {
            response.end();
            return;
        }
        int rest = remaining;
        response.drainHandler(v -> write(response, chunk, rest));
    }
}
