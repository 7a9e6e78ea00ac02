package dev.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.faults.Fault.Outcome;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12's fault matrix for one upstream wire and one client API: every {@link Fault}, streamed
 * and not, with a fallback endpoint that answers well and without one. Each case has its own
 * model (so its own endpoints' health) and its own key with a credit limit (so its own
 * reservation and usage), which lets the cases run side by side on one gateway.
 *
 * <p>Each case checks that the client got an answer, an error in the API's shape or a stream
 * ending with its error event, within a generous bound; that the ledger row and the key's usage
 * equal what the client was shown (no row when nothing was generated); that nothing stays
 * reserved and every ledger slot is back; and that the fault counts against the provider's
 * health only when it is the provider's.
 */
abstract class FaultMatrix {
    static final String ADMIN = "sk-test-admin-faults";
    /** Small limits keep the suite short; they leave room for a test machine shared with other builds. */
    static final long FIRST_TOKEN_MS = 2_000;
    /** Well above the drip's gap: a 1 byte/s drip is ended by the budget, not the idle limit. */
    static final long IDLE_MS = 2_500;
    static final long BUDGET_MS = 6_000;
    /** Every case ends within this, however busy the machine. */
    static final Duration ENDS_WITHIN = Duration.ofSeconds(15);
    private static final int PARALLEL = 8;
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();

    private FakeUpstream upstream;
    private TestGateway gateway;

    abstract Wire wire();

    abstract ClientApi api();

    /** One case of the matrix, and what it got. */
    record Case(int n, Fault fault, boolean stream, boolean fallback) {
        String model() {
            return "faults/c" + n;
        }

        String name() {
            return fault.name().toLowerCase().replace('_', ' ') + (stream ? ", streamed" : ", not streamed")
                    + (fallback ? ", with a fallback" : ", no fallback");
        }

        Outcome expected() {
            return fault.expected(stream);
        }
    }

    record Got(int status, String body, String generationId, Duration took, String key, String keyHash) {
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @TestFactory
    List<DynamicTest> everyFaultEndsCleanly() throws Exception {
        List<Case> cases = cases();
        Map<String, Case> byUpstreamModel = new ConcurrentHashMap<>();
        cases.forEach(c -> {
            byUpstreamModel.put("up-c" + c.n, c);
            byUpstreamModel.put("fb-c" + c.n, c);
        });
        upstream = FakeUpstream.start();
        upstream.route(received -> {
            String model = wire().upstreamModel(received);
            Case c = byUpstreamModel.get(model);
            return model.startsWith("fb-") ? healthy(c.stream) : c.fault.reply(wire(), c.stream);
        });
        gateway = TestGateway.start(yaml(cases));

        Map<Case, Future<Got>> running = new ConcurrentHashMap<>();
        // the cases that wait for timers run side by side; the large answers after them, one at a time, so
        // that relaying megabytes never delays another case's timer on a busy machine
        runAll(cases.stream().filter(c -> c.fault != Fault.LARGE_ANSWER).toList(), PARALLEL, running);
        runAll(cases.stream().filter(c -> c.fault == Fault.LARGE_ANSWER).toList(), 1, running);
        // every request has ended: each queued ledger row is written once the slots are all back
        poll(() -> gateway.server().accounts().ledger().used(), used -> used == 0);

        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> check(c, running.get(c).get())));
        }
        return tests;
    }

    private void runAll(List<Case> cases, int parallel, Map<Case, Future<Got>> running) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            for (Case c : cases) {
                running.put(c, pool.submit(() -> run(c)));
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(90, TimeUnit.SECONDS)).as("every case ended").isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Fault fault : Fault.values()) {
            for (boolean stream : wire().streams() && api() != ClientApi.EMBEDDINGS ? List.of(false, true) : List.of(false)) {
                for (boolean fallback : List.of(false, true)) {
                    cases.add(new Case(cases.size(), fault, stream, fallback));
                }
            }
        }
        return cases;
    }

    private FakeUpstream.Reply healthy(boolean stream) {
        Wire wire = wire();
        if (!stream) {
            return (request, upstream) -> request.response().putHeader("content-type", "application/json")
                    .end(io.vertx.core.buffer.Buffer.buffer(wire.answer(s -> s)));
        }
        return (request, upstream) -> {
            var response = request.response().setChunked(true).putHeader("content-type", wire.streamContentType());
            wire.frames().forEach(frame -> response.write(io.vertx.core.buffer.Buffer.buffer(frame)));
            response.end();
        };
    }

    private String yaml(List<Case> cases) {
        String timeouts = "timeouts: { connect_ms: 1000, first_token_ms: " + FIRST_TOKEN_MS + ", idle_ms: " + IDLE_MS + " }";
        StringBuilder yaml = new StringBuilder()
                .append("auth: { admin_key: ").append(ADMIN).append(", require_keys: true }\n")
                .append("routing: { max_total_ms: ").append(BUDGET_MS).append(" }\n")
                .append("providers:\n")
                .append(wire().provider("primary", upstream, "name: Primary\n" + timeouts))
                .append(wire().provider("backup", upstream, "name: Backup\n" + timeouts))
                .append("models:\n");
        boolean embeddings = api() == ClientApi.EMBEDDINGS;
        for (Case c : cases) {
            yaml.append("  - id: ").append(c.model()).append("\n")
                    .append("    name: \"Fault case ").append(c.n).append("\"\n")
                    .append("    context_length: 100000\n")
                    .append(embeddings ? "    input_modalities: [text]\n    output_modalities: [embeddings]\n"
                            + "    tokenizer: cl100k_base\n    pricing: { prompt: 0.02, completion: 0 }\n"
                            : "    max_output_tokens: 4096\n    tokenizer: o200k_base\n    pricing: { prompt: 2, completion: 8 }\n")
                    .append("    endpoints:\n")
                    .append("      - { provider: primary, upstream_model: up-c").append(c.n).append(" }\n");
            if (c.fallback) {
                yaml.append("      - { provider: backup, upstream_model: fb-c").append(c.n).append(" }\n");
            }
        }
        return yaml.toString();
    }

    private Got run(Case c) {
        HttpResponse<String> created = gateway.call("POST", "/api/v1/keys", ADMIN,
                "{\"name\":\"fault case " + c.n + "\",\"limit\":1}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode key = Json.parse(created.body());
        String secret = key.path("key").asText();
        List<String> order = c.fallback ? List.of("primary", "backup") : List.of("primary");
        HttpRequest request = HttpRequest.newBuilder(gateway.uri(api().path))
                .timeout(ENDS_WITHIN.plusSeconds(10))
                .header("content-type", "application/json")
                .header(api() == ClientApi.MESSAGES ? "x-api-key" : "authorization",
                        api() == ClientApi.MESSAGES ? secret : "Bearer " + secret)
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(api().body(c.model(), c.stream, order)))
                .build();
        long start = System.nanoTime();
        HttpResponse<byte[]> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new AssertionError("the client got no answer: " + e, e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        return new Got(response.statusCode(), strictUtf8(response.body()),
                response.headers().firstValue("x-generation-id").orElse(null), took, secret,
                key.at("/data/hash").asText());
    }

    /** The body as text; bytes that are not UTF-8 fail the case (no provider's bad bytes may reach a client). */
    private static String strictUtf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("the client received bytes that are not UTF-8", e);
        }
    }

    private void check(Case c, Got got) {
        assertThat(got.took).as("ended within %s", ENDS_WITHIN).isLessThan(ENDS_WITHIN);
        ClientApi.Shown shown = api().read(got.status, got.body, c.stream);
        String context = c.name() + ": " + got.status + " " + abbreviated(got.body);
        Outcome outcome = c.expected();
        boolean servedBy = outcome == Outcome.SERVED || outcome == Outcome.FELL_BACK && c.fallback;

        // 1. what the client got
        if (servedBy) {
            assertThat(got.status).as(context).isEqualTo(200);
            assertThat(shown.errorBody()).as(context).isFalse();
            assertThat(shown.provider()).as(context).isEqualTo(outcome == Outcome.SERVED ? "Primary" : "Backup");
            if (c.stream) {
                assertThat(shown.streamCompleted()).as("the stream ended normally: %s", context).isTrue();
            }
            if (api() != ClientApi.EMBEDDINGS) {
                assertThat(shown.content()).as(context).isNotEmpty();
            }
            if (c.fault == Fault.LARGE_ANSWER && outcome == Outcome.SERVED && api() != ClientApi.EMBEDDINGS) {
                assertThat(shown.content().length()).as("the large answer arrived whole").isGreaterThanOrEqualTo(Fault.LARGE_BYTES);
            }
        } else if (outcome == Outcome.FELL_BACK) {
            assertThat(got.status).as(context).isBetween(500, 599);
            assertThat(shown.errorBody()).as(context).isTrue();
            assertThat(shown.error().path("message").asText()).as(context).isNotBlank();
            assertThat(shown.error().path("type").asText()).as(context).isNotBlank();
            assertThat(got.body).as("our words, no stack trace").doesNotContain("\tat ", ".java:", "java.");
        } else {
            assertThat(got.status).as(context).isEqualTo(200);
            assertThat(shown.streamBrokeOff()).as("ends with the error event (and [DONE]): %s", context).isTrue();
            assertThat(shown.content()).as("the first token was shown: %s", context).isNotEmpty();
            assertThat(shown.error().path("message").asText()).as(context).contains(c.fault.endedBy());
            assertThat(shown.provider()).as(context).isEqualTo("Primary");
        }

        // 2. the ledger row and the key's usage, equal to what the client was shown
        assertThat(got.generationId).as("x-generation-id: %s", context).isNotBlank();
        HttpResponse<String> row = gateway.call("GET", "/api/v1/generation?id=" + got.generationId, ADMIN, null);
        JsonNode keyInfo = Json.parse(gateway.call("GET", "/api/v1/key", got.key, null).body()).path("data");
        if (!servedBy && outcome == Outcome.FELL_BACK) {
            assertThat(row.statusCode()).as("nothing generated, no row: %s", row.body()).isEqualTo(404);
            assertThat(keyInfo.path("usage").decimalValue()).as("nothing charged").isZero();
        } else {
            assertThat(row.statusCode()).as(row.body()).isEqualTo(200);
            JsonNode g = Json.parse(row.body()).path("data");
            BigDecimal cost = g.path("total_cost").decimalValue();
            assertThat(g.path("provider").asText()).isEqualTo(outcome == Outcome.FELL_BACK ? "backup" : "primary");
            assertThat(g.path("streamed").asBoolean()).isEqualTo(c.stream);
            if (outcome == Outcome.BROKE_OFF) {
                assertThat(g.path("finish_reason").asText()).as(row.body()).isEqualTo("error");
            } else {
                assertThat(g.path("finish_reason").asText()).as(row.body()).isNotEqualTo("error");
            }
            // the Messages API's error event carries no usage; every other answer and error chunk shows its cost
            if (api() != ClientApi.MESSAGES || outcome != Outcome.BROKE_OFF) {
                assertThat(shown.cost()).as("the client was shown the cost: %s", context).isNotNull();
                assertThat(cost).as("the row's cost is what the client was shown").isEqualByComparingTo(shown.cost());
            }
            assertThat(keyInfo.path("usage").decimalValue()).as("the key paid the row's cost").isEqualByComparingTo(cost);
            if (c.fault == Fault.ABSURD_USAGE) {
                assertThat(g.path("usage_estimated").asBoolean()).as("absurd counts replaced by our own: %s", row.body()).isTrue();
                assertThat(cost).isLessThan(BigDecimal.ONE);
            }
        }

        // 3. nothing stays held
        assertThat(keyInfo.path("reserved").decimalValue()).as("nothing stays reserved: %s", keyInfo).isZero();
        assertThat(gateway.server().accounts().ledger().used()).as("every ledger slot is back").isZero();

        // 4. the provider's health hears of its own faults only
        JsonNode primary = endpoint(c.model(), "primary");
        if (c.fault.providersFault()) {
            assertThat(primary.path("uptime_last_5m").asDouble(100)).as("counted against the provider: %s", primary).isLessThan(100);
        } else {
            assertThat(primary.path("uptime_last_5m").asDouble(100)).as("no failure counted: %s", primary).isEqualTo(100);
        }
        if (c.fallback) {
            JsonNode backup = endpoint(c.model(), "backup");
            assertThat(backup.path("uptime_last_5m").asDouble(100)).as("the fallback is healthy: %s", backup).isEqualTo(100);
            if (outcome != Outcome.FELL_BACK) {
                assertThat(backup.path("uptime_last_5m").isNull()).as("the fallback was not asked: %s", backup).isTrue();
            }
        }
    }

    private JsonNode endpoint(String model, String tag) {
        JsonNode endpoints = Json.parse(gateway.get("/api/v1/models/" + model + "/endpoints").body())
                .path("data").path("endpoints");
        return StreamSupport.stream(endpoints.spliterator(), false)
                .filter(e -> e.path("tag").asText().equals(tag)).findFirst().orElseThrow();
    }

    private static String abbreviated(String body) {
        return body.length() <= 600 ? body : body.substring(0, 300) + " ... " + body.substring(body.length() - 300);
    }

    static <T> T poll(Supplier<T> read, java.util.function.Predicate<T> done) {
        return Poll.until(read, done, Duration.ofSeconds(15));
    }
}
