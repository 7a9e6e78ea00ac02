package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.Stores;
import dev.switchboard.testing.TestGateway;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The budget must hold under concurrency (the bug of LiteLLM #34732 and #40095): hundreds of
 * simultaneous requests on a key whose limit fits only a few. Whatever the interleaving, the
 * successful responses cost at most the limit, every other request is refused with 402, and the
 * key's usage equals the sum of the successful costs exactly, in memory and, after a graceful
 * stop, in the store. Run against both stores.
 */
class CreditConcurrencyTest {
    private static final String ADMIN = "sk-test-admin-credits";
    private static final int REQUESTS = 240;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void concurrentRequestsNeverSpendPastTheLimit(String storeKind) throws Exception {
        String url = TestStores.url(storeKind);
        try {
            runAgainst(url);
        } finally {
            TestStores.drop(url);
        }
    }

    private void runAgainst(String url) throws Exception {
        // $1 per million prompt tokens and $2 per million completion tokens: costs are exact in pico-dollars
        String yaml = """
                auth: { admin_key: %s, require_keys: true }
                storage: { database: "%s" }
                providers:
                  - { id: demo, tokens_per_second: 400 }
                models:
                  - id: test/metered
                    name: Metered echo
                    context_length: 8000
                    max_output_tokens: 64
                    tokenizer: o200k_base
                    pricing: { prompt: 1, completion: 2 }
                    endpoints: [ { provider: demo, upstream_model: echo } ]
                """.formatted(ADMIN, url);
        String keyHash;
        BigDecimal limit = new BigDecimal("0.0004");
        List<Outcome> outcomes = new ArrayList<>();
        try (TestGateway gateway = TestGateway.start(yaml)) {
            HttpResponse<String> created = gateway.call("POST", "/api/v1/keys", ADMIN,
                    "{\"name\":\"tight budget\",\"limit\":" + limit.toPlainString() + "}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode createdJson = Json.parse(created.body());
            String key = createdJson.path("key").asText();
            keyHash = createdJson.path("data").path("hash").asText();

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            List<CompletableFuture<Outcome>> inFlight = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                boolean stream = i % 2 == 0;
                String body = "{\"model\":\"test/metered\",\"max_tokens\":24,\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Budget check number " + i + " with a few words\"}]}";
                HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                        .header("content-type", "application/json")
                        .header("authorization", "Bearer " + key)
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> Outcome.of(r, stream)));
            }
            for (CompletableFuture<Outcome> f : inFlight) {
                outcomes.add(f.get(90, TimeUnit.SECONDS));
            }

            List<Outcome> served = outcomes.stream().filter(o -> o.status == 200).toList();
            List<Outcome> refused = outcomes.stream().filter(o -> o.status != 200).toList();
            BigDecimal spent = served.stream().map(o -> o.cost).reduce(BigDecimal.ZERO, BigDecimal::add);

            System.out.printf("%s: %d served for $%s of $%s, %d refused%n", url.substring(0, url.indexOf(':')),
                    served.size(), spent.toPlainString(), limit.toPlainString(), refused.size());
            assertThat(served).as("some requests fit the limit").isNotEmpty();
            assertThat(refused).as("the limit fits only a few of %d", REQUESTS).hasSizeGreaterThan(REQUESTS / 2);
            assertThat(refused).allSatisfy(o -> {
                assertThat(o.status).as(o.body).isEqualTo(402);
                assertThat(Json.parse(o.body).path("error").path("type").asText()).isEqualTo("insufficient_quota");
                assertThat(Json.parse(o.body).path("error").path("message").asText()).contains("left of its limit");
            });
            assertThat(served).allSatisfy(o -> assertThat(o.cost).as(o.body).isPositive());
            assertThat(spent).as("successful costs never exceed the limit").isLessThanOrEqualTo(limit);

            JsonNode keyInfo = Json.parse(gateway.call("GET", "/api/v1/key", key, null).body()).path("data");
            assertThat(keyInfo.path("usage").decimalValue()).as("usage equals the sum of successful costs")
                    .isEqualByComparingTo(spent);
            assertThat(keyInfo.path("reserved").decimalValue()).as("nothing stays reserved").isZero();
            assertThat(keyInfo.path("limit_remaining").decimalValue()).isEqualByComparingTo(limit.subtract(spent));
        }

        // after a graceful stop, the store holds one ledger row per success and the same usage
        List<Outcome> served = outcomes.stream().filter(o -> o.status == 200).toList();
        BigDecimal spent = served.stream().map(o -> o.cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        try (Store store = Stores.open(url)) {
            KeyRecord stored = store.key(keyHash).orElseThrow();
            assertThat(BigDecimal.valueOf(stored.usagePico(), 12)).isEqualByComparingTo(spent);
            for (Outcome o : served) {
                GenerationRecord row = store.generation(o.id).orElseThrow(() -> new AssertionError("no ledger row for " + o.id));
                assertThat(row.keyHash()).isEqualTo(keyHash);
                assertThat(BigDecimal.valueOf(row.costPico(), 12)).isEqualByComparingTo(o.cost);
                assertThat(row.streamed()).isEqualTo(o.streamed);
            }
            assertThat(store.usageSince(0).get(keyHash)).isEqualTo(stored.usagePico());
        }

        // and a restart reads the usage back: the key is still out of budget for the same request
        try (TestGateway again = TestGateway.start("""
                auth: { admin_key: %s, require_keys: true }
                storage: { database: "%s" }
                """.formatted(ADMIN, url))) {
            JsonNode listed = Json.parse(again.call("GET", "/api/v1/keys/" + keyHash, ADMIN, null).body()).path("data");
            assertThat(listed.path("usage").decimalValue()).isEqualByComparingTo(spent);
        }
    }

    /** One response: its status, and for a success its generation id and cost (from the last usage when streamed). */
    private record Outcome(int status, String body, boolean streamed, String id, BigDecimal cost) {
        static Outcome of(HttpResponse<String> response, boolean streamed) {
            if (response.statusCode() != 200) {
                return new Outcome(response.statusCode(), response.body(), streamed, null, null);
            }
            JsonNode last = null;
            if (streamed) {
                for (String line : response.body().split("\n")) {
                    if (line.startsWith("data: {")) {
                        JsonNode chunk = Json.parse(line.substring(6));
                        if (chunk.has("error")) {
                            throw new AssertionError("stream failed: " + line);
                        }
                        if (chunk.hasNonNull("usage")) {
                            last = chunk;
                        }
                    }
                }
            } else {
                last = Json.parse(response.body());
            }
            assertThat(last).as("usage in %s", response.body()).isNotNull();
            return new Outcome(200, response.body(), streamed, last.path("id").asText(),
                    last.path("usage").path("cost").decimalValue());
        }
    }
}
