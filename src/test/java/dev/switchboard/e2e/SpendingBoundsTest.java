package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.switchboard.testing.FakeUpstream.json;
import static dev.switchboard.testing.FakeUpstream.sse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No request can spend past a key's limit by asking for many choices or by its provider reporting
 * more (or absurdly more) than it was allowed to generate (issue 12, items 4 and 8).
 * test/model costs $2 per million prompt and $8 per million completion tokens.
 */
class SpendingBoundsTest {
    private static final BigDecimal PROMPT = new BigDecimal("0.000002");
    private static final BigDecimal COMPLETION = new BigDecimal("0.000008");

    private static String yaml(FakeUpstream upstream) {
        return "auth: { admin_key: " + AccountsApi.ADMIN + ", require_keys: true }\n"
                + "providers:\n" + Upstreams.provider("only", upstream)
                + "models:\n" + Upstreams.model("test/model", "only");
    }

    private static String chat(int n, boolean stream) {
        return "{\"model\":\"test/model\",\"max_tokens\":10,\"n\":" + n + ",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    /** 128 choices of 10 tokens may cost $0.01: a $0.001 key is refused before anything is sent; one choice fits. */
    @Test
    void nMultipliesTheWorstCaseReservation() {
        try (FakeUpstream upstream = FakeUpstream.start(); TestGateway gateway = TestGateway.start(yaml(upstream))) {
            upstream.always(json(200, completion(19, 10)));
            AccountsApi.Created key = AccountsApi.createKey(gateway, "{\"name\":\"small\",\"limit\":0.001}");

            JsonNode refused = AccountsApi.error(ClientFaultTest.post(gateway, key.secret(), "/v1/chat/completions",
                    chat(128, false).getBytes(StandardCharsets.UTF_8)), 402);
            assertThat(refused.path("type").asText()).isEqualTo("insufficient_quota");
            assertThat(upstream.requestCount()).as("nothing was sent").isZero();

            HttpResponse<String> served = ClientFaultTest.post(gateway, key.secret(), "/v1/chat/completions",
                    chat(1, false).getBytes(StandardCharsets.UTF_8));
            assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
            assertThat(upstream.last().json().path("n").asInt()).isEqualTo(1);
            JsonNode info = AccountsApi.key(gateway, key.hash());
            assertThat(info.path("usage").decimalValue()).isEqualByComparingTo(cost(19, 10));
            assertThat(info.path("reserved").decimalValue()).isZero();
        }
    }

    /**
     * The tokens-per-minute estimate counts every choice too: 128 × 10 output tokens do not fit what is
     * left of 1,000 a minute (a request larger than the whole bucket passes only when it is full).
     */
    @Test
    void nMultipliesTheRateLimitTokenEstimate() {
        try (FakeUpstream upstream = FakeUpstream.start(); TestGateway gateway = TestGateway.start(yaml(upstream))) {
            upstream.always(json(200, completion(19, 10)));
            AccountsApi.Created key = AccountsApi.createKey(gateway,
                    "{\"name\":\"paced\",\"rate_limit\":{\"tokens_per_minute\":1000}}");

            // one choice takes about 30 of the 1,000; a bucket no longer full refuses what does not fit it
            HttpResponse<String> served = ClientFaultTest.post(gateway, key.secret(), "/v1/chat/completions",
                    chat(1, false).getBytes(StandardCharsets.UTF_8));
            assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
            HttpResponse<String> limited = ClientFaultTest.post(gateway, key.secret(), "/v1/chat/completions",
                    chat(128, false).getBytes(StandardCharsets.UTF_8));
            assertThat(AccountsApi.error(limited, 429).path("type").asText()).isEqualTo("rate_limit_error");
            assertThat(limited.headers().firstValue("x-ratelimit-limit")).hasValue("1000");
            assertThat(upstream.requestCount()).as("only the first was sent").isEqualTo(1);
        }
    }

    /** {@code n} outside OpenAI's 1..128 is the client's error, named by its field. */
    @Test
    void nOutsideItsRangeIsA400() {
        try (FakeUpstream upstream = FakeUpstream.start(); TestGateway gateway = TestGateway.start(yaml(upstream))) {
            AccountsApi.Created key = AccountsApi.createKey(gateway);
            for (String n : List.of("0", "129", "-1", "1.5", "\"2\"")) {
                JsonNode error = AccountsApi.error(ClientFaultTest.post(gateway, key.secret(), "/v1/chat/completions",
                        chat(1, false).replace("\"n\":1", "\"n\":" + n).getBytes(StandardCharsets.UTF_8)), 400);
                assertThat(error.path("param").asText()).as(n).isEqualTo("n");
            }
            assertThat(upstream.requestCount()).isZero();
        }
    }

    /**
     * 300 requests at once on a $0.01 key, each asking for 10 tokens while the provider reports
     * 5,000: each is charged for the 10 it was allowed, so the key never passes its limit (before,
     * every response in flight added its excess: $0.24–0.31 on a $0.01 key).
     */
    @Test
    void aProviderReportingMoreThanMaxTokensCannotOverspendUnderConcurrency() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(); TestGateway gateway = TestGateway.start(yaml(upstream))) {
            upstream.route(r -> r.json().path("stream").asBoolean() ? sse(stream(19, 5000)) : json(200, completion(19, 5000)));
            BigDecimal limit = new BigDecimal("0.01");
            AccountsApi.Created key = AccountsApi.createKey(gateway, "{\"name\":\"small\",\"limit\":0.01}");

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 300; i++) {
                inFlight.add(http.sendAsync(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                        .timeout(Duration.ofSeconds(60)).header("content-type", "application/json")
                        .header("authorization", "Bearer " + key.secret())
                        .POST(HttpRequest.BodyPublishers.ofString(chat(1, i % 2 == 0))).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            BigDecimal shown = BigDecimal.ZERO;
            int served = 0;
            for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                HttpResponse<String> response = f.get(90, TimeUnit.SECONDS);
                if (response.statusCode() == 402) {
                    continue;
                }
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                JsonNode usage = usage(response.body());
                assertThat(usage.path("completion_tokens").asLong()).as("charged up to max_tokens").isEqualTo(10);
                assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo(cost(19, 10));
                shown = shown.add(usage.path("cost").decimalValue());
                served++;
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(90));

            assertThat(served).as("the limit fits some").isPositive();
            JsonNode info = AccountsApi.key(gateway, key.hash());
            assertThat(info.path("usage").decimalValue()).as("usage equals what clients were shown")
                    .isEqualByComparingTo(shown);
            assertThat(info.path("usage").decimalValue()).as("never past the limit").isLessThanOrEqualTo(limit);
            assertThat(info.path("reserved").decimalValue()).isZero();
            AccountsApi.poll(() -> gateway.server().accounts().ledger().used(), used -> used == 0);
        }
    }

    /**
     * A provider reporting 9×10¹⁸ tokens: the usage no generation can have is replaced by
     * Switchboard's own count (marked estimated); the client is answered at once and nothing leaks.
     */
    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void absurdReportedUsageIsEstimatedAndNothingLeaks(boolean streamed) {
        long absurd = 9_000_000_000_000_000_000L;
        try (FakeUpstream upstream = FakeUpstream.start(); TestGateway gateway = TestGateway.start(yaml(upstream))) {
            upstream.always(streamed ? sse(stream(absurd, absurd)) : json(200, completion(absurd, absurd)));
            AccountsApi.Created key = AccountsApi.createKey(gateway, "{\"name\":\"small\",\"limit\":1}");

            long start = System.nanoTime();
            HttpResponse<String> response = ClientFaultTest.post(gateway, key.secret(), "/v1/chat/completions",
                    chat(1, streamed).getBytes(StandardCharsets.UTF_8));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode usage = usage(response.body());
            assertThat(usage.path("estimated").asBoolean()).as(usage.toString()).isTrue();
            assertThat(usage.path("prompt_tokens").asLong()).isBetween(1L, 100L);
            assertThat(usage.path("completion_tokens").asLong()).isBetween(1L, 10L);

            JsonNode info = AccountsApi.key(gateway, key.hash());
            assertThat(info.path("usage").decimalValue()).isEqualByComparingTo(usage.path("cost").decimalValue());
            assertThat(info.path("reserved").decimalValue()).isZero();
            String id = response.headers().firstValue("x-generation-id").orElseThrow();
            JsonNode row = Json.parse(AccountsApi.poll(() -> gateway.call("GET", "/api/v1/generation?id=" + id,
                    AccountsApi.ADMIN, null), r -> r.statusCode() == 200).body()).path("data");
            assertThat(row.path("tokens_completion").asLong()).isEqualTo(usage.path("completion_tokens").asLong());
            assertThat(row.path("total_cost").decimalValue()).isEqualByComparingTo(usage.path("cost").decimalValue());
            AccountsApi.poll(() -> gateway.server().accounts().ledger().used(), used -> used == 0);
        }
    }

    private static BigDecimal cost(long prompt, long completion) {
        return PROMPT.multiply(BigDecimal.valueOf(prompt)).add(COMPLETION.multiply(BigDecimal.valueOf(completion)));
    }

    private static String completion(long prompt, long completion) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1741569952,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello there\"},"
                + "\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":"
                + completion + ",\"total_tokens\":" + (prompt + completion) + "}}";
    }

    private static String stream(long prompt, long completion) {
        String head = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"m\",";
        return "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello there\"},"
                + "\"finish_reason\":null}]}\n\n"
                + "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
                + "data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":"
                + completion + ",\"total_tokens\":" + (prompt + completion) + "}}\n\n"
                + "data: [DONE]\n\n";
    }

    /** The usage the client was shown: the body's, or the last streamed chunk's. */
    private static JsonNode usage(String body) {
        if (!body.startsWith("data:") && !body.startsWith(":")) {
            return Json.parse(body).path("usage");
        }
        JsonNode last = null;
        for (String line : body.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode chunk = Json.parse(line.substring(6));
                assertThat(chunk.has("error")).as(line).isFalse();
                if (chunk.hasNonNull("usage")) {
                    last = chunk.get("usage");
                }
            }
        }
        assertThat(last).as("usage in %s", body).isNotNull();
        return last;
    }
}
