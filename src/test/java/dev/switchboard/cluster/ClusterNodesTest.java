package dev.switchboard.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.TestGateway;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Switchboard nodes on one PostgreSQL database and one Redis (a private redis-server), requests
 * dealt to them in turn as a round-robin balancer would: a key's credit limit and its requests per
 * minute hold for the pair as they hold on one node.
 */
@Timeout(180)
class ClusterNodesTest {
    private static final String ADMIN = "sk-test-admin-cluster";

    private PrivateRedis redis;
    private String database;
    private final List<TestGateway> nodes = new ArrayList<>();

    @BeforeEach
    void shared() throws Exception {
        redis = new PrivateRedis();
        database = TestStores.postgresUrl();
    }

    @AfterEach
    void stop() throws Exception {
        nodes.forEach(TestGateway::close);
        redis.close();
        TestStores.drop(database);
    }

    private TestGateway node() {
        return node(Clock.systemUTC(), "");
    }

    private TestGateway node(Clock clock) {
        return node(clock, "");
    }

    /** {@code storage}: more settings of the storage section, e.g. {@code redis_down: local}. */
    private TestGateway node(Clock clock, String storage) {
        // $1 per million prompt tokens and $2 per million completion tokens: costs are exact in pico-dollars
        TestGateway node = TestGateway.startAt(clock, """
                auth: { admin_key: %s, require_keys: true }
                storage: { database: "%s", redis: "%s" %s}
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
                """.formatted(ADMIN, database, redis.uri(), storage.isEmpty() ? "" : ", " + storage + " "));
        nodes.add(node);
        return node;
    }

    /** A key made on the first node; the second starts after, as a node that reads the keys at start. */
    private String key(TestGateway on, String spec) {
        HttpResponse<String> created = on.call("POST", "/api/v1/keys", ADMIN, spec);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Json.parse(created.body()).path("key").asText();
    }

    private static List<HttpResponse<String>> roundRobin(List<TestGateway> nodes, String key, int requests) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            String body = "{\"model\":\"test/metered\",\"max_tokens\":24,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"Budget check number " + i + " with a few words\"}]}";
            HttpRequest request = HttpRequest.newBuilder(nodes.get(i % nodes.size()).uri("/v1/chat/completions"))
                    .header("content-type", "application/json")
                    .header("authorization", "Bearer " + key)
                    .timeout(Duration.ofSeconds(90))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : inFlight) {
            answers.add(f.get(120, TimeUnit.SECONDS));
        }
        return answers;
    }

    @Test
    void twoNodesNeverSpendPastAKeysLimit() throws Exception {
        TestGateway a = node();
        BigDecimal limit = new BigDecimal("0.0004");
        String key = key(a, "{\"name\":\"tight budget\",\"limit\":" + limit.toPlainString() + "}");
        TestGateway b = node();

        List<HttpResponse<String>> answers = roundRobin(List.of(a, b), key, 300);

        List<HttpResponse<String>> served = answers.stream().filter(r -> r.statusCode() == 200).toList();
        BigDecimal spent = served.stream().map(r -> Json.parse(r.body()).path("usage").path("cost").decimalValue())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(served).as("some requests fit the limit").isNotEmpty();
        assertThat(answers).filteredOn(r -> r.statusCode() != 200).allSatisfy(r ->
                assertThat(r.statusCode()).as(r.body()).isEqualTo(402));
        assertThat(spent).as("the pair spends no more than the limit").isLessThanOrEqualTo(limit);
        for (TestGateway node : List.of(a, b)) {
            JsonNode seen = Json.parse(node.call("GET", "/api/v1/key", key, null).body()).path("data");
            assertThat(seen.path("usage").decimalValue()).as("usage on every node").isEqualByComparingTo(spent);
            assertThat(seen.path("limit_remaining").decimalValue()).isEqualByComparingTo(limit.subtract(spent));
            assertThat(node.get("/metrics").body()).contains("switchboard_redis_up 1.0");
        }
    }

    private static HttpResponse<String> chat(TestGateway node, String key) {
        return node.call("POST", "/v1/chat/completions", key,
                "{\"model\":\"test/metered\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    @Test
    void refusesKeysWithLimitsWhileRedisIsDownThenServesThemAgain() throws Exception {
        TestGateway node = node();
        String limited = key(node, "{\"name\":\"limited\",\"limit\":1}");
        String unlimited = key(node, "{\"name\":\"unlimited\"}");
        assertThat(chat(node, limited).statusCode()).isEqualTo(200);

        redis.kill();

        HttpResponse<String> refused = chat(node, limited);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(node.call("GET", "/api/v1/key", limited, null).statusCode()).isEqualTo(503);
        assertThat(chat(node, unlimited).statusCode()).as("a key without limits needs no shared counter").isEqualTo(200);
        assertThat(node.get("/metrics").body()).contains("switchboard_redis_up 0.0");

        redis.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (chat(node, limited).statusCode() != 200) {
            assertThat(System.nanoTime()).as("served again once Redis is back").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void servesOnItsShareOfTheLimitsWhileRedisIsDownWhenToldTo() throws Exception {
        TestGateway node = node(Clock.systemUTC(), "redis_down: local, cluster_nodes: 2");
        String limited = key(node, "{\"name\":\"limited\",\"limit\":1,\"rate_limit\":{\"requests_per_minute\":4}}");

        redis.kill();

        assertThat(chat(node, limited).statusCode()).isEqualTo(200);
        assertThat(chat(node, limited).statusCode()).isEqualTo(200);
        assertThat(chat(node, limited).statusCode()).as("half of 4 requests per minute").isEqualTo(429);
    }

    @Test
    void twoNodesAdmitAKeysRequestsPerMinuteExactly() throws Exception {
        // time stands still for both nodes, so no bucket refills while the requests arrive
        ManualClock clock = new ManualClock();
        TestGateway a = node(clock);
        String key = key(a, "{\"name\":\"rpm\",\"rate_limit\":{\"requests_per_minute\":30}}");
        TestGateway b = node(clock);

        List<HttpResponse<String>> answers = roundRobin(List.of(a, b), key, 60);

        assertThat(answers).filteredOn(r -> r.statusCode() == 200).as("30 per minute for the pair").hasSize(30);
        assertThat(answers).filteredOn(r -> r.statusCode() != 200).allSatisfy(r -> {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        });
    }
}
