package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import dev.switchboard.testing.TestRedis;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.stream.StreamSupport;

import static dev.switchboard.e2e.AccountsApi.ADMIN;
import static dev.switchboard.e2e.AccountsApi.createKey;
import static dev.switchboard.testing.FakeUpstream.fixture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways in one JVM sharing one PostgreSQL database and one Redis (cluster mode): what one
 * node learns or changes, the other knows at once.
 */
@Timeout(120)
class ClusterTest {
    static final String ECHO = "switchboard/echo";

    private String database;
    private String prefix;

    @BeforeEach
    void freshStores() {
        database = TestStores.postgresUrl();
        prefix = TestRedis.prefix();
    }

    @AfterEach
    void dropStores() {
        TestStores.drop(database);
        TestRedis.clean(prefix);
    }

    private String storage() {
        return "storage: { database: \"" + database + "\", redis: \"" + TestRedis.URI + "\", redis_prefix: \""
                + prefix + "\" }\n";
    }

    /** Two nodes, one after the other (the first creates the schema). */
    private TestGateway[] twoNodes(String yaml) {
        TestGateway a = TestGateway.start(storage() + yaml);
        try {
            return new TestGateway[] {a, TestGateway.start(storage() + yaml)};
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
    }

    @Test
    void aKeyDisabledOrDeletedOnOneNodeIsRefusedOnTheOtherWithinASecond() {
        TestGateway[] nodes = twoNodes(AccountsApi.yaml());
        try (TestGateway a = nodes[0]; TestGateway b = nodes[1]) {
            AccountsApi.Created key = createKey(a);
            var onB = b.openAi(key.secret());
            // B reads the key and keeps it in its cache
            assertThat(chat(onB).id()).startsWith("gen-");

            AccountsApi.patch(a, key.hash(), "{\"disabled\":true}");
            long disabledAt = System.nanoTime();
            awaitWithin(Duration.ofSeconds(1), disabledAt, () -> refusedWith(onB, PermissionDeniedException.class));

            AccountsApi.patch(a, key.hash(), "{\"disabled\":false}");
            long enabledAt = System.nanoTime();
            awaitWithin(Duration.ofSeconds(1), enabledAt, () -> refusedWith(onB, null));

            assertThat(a.call("DELETE", "/api/v1/keys/" + key.hash(), ADMIN, null).statusCode()).isEqualTo(200);
            long deletedAt = System.nanoTime();
            awaitWithin(Duration.ofSeconds(1), deletedAt, () -> refusedWith(onB, UnauthorizedException.class));
        }
    }

    @Test
    void aGenerationIsFoundOnTheOtherNodeAsSoonAsItsAnswerEnded() {
        TestGateway[] nodes = twoNodes(AccountsApi.yaml());
        try (TestGateway a = nodes[0]; TestGateway b = nodes[1]) {
            AccountsApi.Created key = createKey(a);
            for (int i = 0; i < 3; i++) {
                ChatCompletion answer = chat(a.openAi(key.secret()));
                HttpResponse<String> found = b.call("GET", "/api/v1/generation?id=" + answer.id(), key.secret(), null);
                assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
                JsonNode data = Json.parse(found.body()).path("data");
                assertThat(data.path("id").asText()).isEqualTo(answer.id());
                assertThat(data.path("model").asText()).isEqualTo(ECHO);
                assertThat(data.path("tokens_completion").asLong())
                        .isEqualTo(answer.usage().orElseThrow().completionTokens());
            }
            assertThat(TestRedis.keys(prefix)).anyMatch(k -> k.startsWith(prefix + "generation:gen-"));
        }
    }

    @Test
    void aBreakerOpenedOnOneNodeIsRespectedByTheOther() {
        try (FakeUpstream steady = FakeUpstream.start(); FakeUpstream flaky = FakeUpstream.start()) {
            steady.always(fixture(200, "openai/chat_nonstream.json"));
            flaky.always(fixture(500, "openai/error_401.json"));
            TestGateway[] nodes = twoNodes("providers:\n" + Upstreams.provider("steady", steady)
                    + Upstreams.provider("flaky", flaky) + "models:\n" + Upstreams.model("test/model", "steady", "flaky"));
            try (TestGateway a = nodes[0]; TestGateway b = nodes[1]) {
                String flakyFirst = "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"provider\":{\"order\":[\"flaky\",\"steady\"]}}";
                assertThat(flakyStatus(b)).isEqualTo("ok");
                for (int i = 0; i < 5; i++) {
                    assertThat(a.post("/v1/chat/completions", flakyFirst).statusCode()).isEqualTo(200);
                }
                AccountsApi.poll(() -> flakyStatus(b), "down"::equals);
                int flakyCalls = flaky.requestCount();

                // without a preference B balances between the two (same price) unless it knows one is down
                String anyProvider = "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                for (int i = 0; i < 10; i++) {
                    HttpResponse<String> answer = b.post("/v1/chat/completions", anyProvider);
                    assertThat(answer.statusCode()).isEqualTo(200);
                    assertThat(Json.parse(answer.body()).path("provider").asText()).isEqualTo("Steady");
                }
                assertThat(flaky.requestCount()).as("B never tried the endpoint A found down").isEqualTo(flakyCalls);
            }
        }
    }

    @Test
    void aNodeStartedAfterABreakerOpenedRespectsIt() {
        try (FakeUpstream steady = FakeUpstream.start(); FakeUpstream flaky = FakeUpstream.start()) {
            steady.always(fixture(200, "openai/chat_nonstream.json"));
            flaky.always(fixture(500, "openai/error_401.json"));
            String yaml = storage() + "providers:\n" + Upstreams.provider("steady", steady)
                    + Upstreams.provider("flaky", flaky) + "models:\n" + Upstreams.model("test/model", "steady", "flaky");
            try (TestGateway a = TestGateway.start(yaml)) {
                String flakyFirst = "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"provider\":{\"order\":[\"flaky\",\"steady\"]}}";
                for (int i = 0; i < 5; i++) {
                    assertThat(a.post("/v1/chat/completions", flakyFirst).statusCode()).isEqualTo(200);
                }
                assertThat(flakyStatus(a)).isEqualTo("down");
                int flakyCalls = flaky.requestCount();
                try (TestGateway b = TestGateway.start(yaml)) {
                    assertThat(flakyStatus(b)).as("known from its first moment").isEqualTo("down");
                    String anyProvider = "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                    for (int i = 0; i < 6; i++) {
                        assertThat(Json.parse(b.post("/v1/chat/completions", anyProvider).body()).path("provider").asText())
                                .isEqualTo("Steady");
                    }
                    assertThat(flaky.requestCount()).isEqualTo(flakyCalls);
                }
            }
        }
    }

    @Test
    void theEndpointsApiShowsEveryNodesTrafficOnEachNode() {
        try (FakeUpstream steady = FakeUpstream.start(); FakeUpstream flaky = FakeUpstream.start()) {
            steady.always(fixture(200, "openai/chat_nonstream.json"));
            flaky.always(fixture(500, "openai/error_401.json"));
            TestGateway[] nodes = twoNodes("providers:\n" + Upstreams.provider("steady", steady)
                    + Upstreams.provider("flaky", flaky) + "models:\n" + Upstreams.model("test/model", "steady", "flaky"));
            try (TestGateway a = nodes[0]; TestGateway b = nodes[1]) {
                String flakyFirst = "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"provider\":{\"order\":[\"flaky\",\"steady\"]}}";
                // A alone: flaky fails twice (below the breaker's minimum), steady answers both times
                for (int i = 0; i < 2; i++) {
                    assertThat(a.post("/v1/chat/completions", flakyFirst).statusCode()).isEqualTo(200);
                }
                JsonNode steadyOnB = AccountsApi.poll(() -> endpoint(b, "steady"),
                        e -> e.path("uptime_last_30m").isNumber());
                assertThat(steadyOnB.path("uptime_last_30m").asDouble()).isEqualTo(100.0);
                assertThat(steadyOnB.path("latency_last_30m").path("p50").isNumber()).as("A's latencies, on B").isTrue();
                JsonNode flakyOnB = AccountsApi.poll(() -> endpoint(b, "flaky"), e -> e.path("uptime_last_30m").isNumber());
                assertThat(flakyOnB.path("uptime_last_30m").asDouble()).isEqualTo(0.0);
                assertThat(endpoint(a, "steady").path("uptime_last_30m").asDouble()).isEqualTo(100.0);

                // flaky recovers; B's two successes add to A's two failures, on B at once and on A soon after
                flaky.always(fixture(200, "openai/chat_nonstream.json"));
                for (int i = 0; i < 2; i++) {
                    assertThat(b.post("/v1/chat/completions", flakyFirst).statusCode()).isEqualTo(200);
                }
                assertThat(endpoint(b, "flaky").path("uptime_last_30m").asDouble()).isEqualTo(50.0);
                AccountsApi.poll(() -> endpoint(a, "flaky").path("uptime_last_30m").asDouble(), u -> u == 50.0);
                assertThat(steady.requestCount()).as("B's requests went to flaky").isEqualTo(2);
            }
        }
    }

    private static JsonNode endpoint(TestGateway gateway, String provider) {
        JsonNode endpoints = Json.parse(gateway.get("/api/v1/models/test/model/endpoints").body())
                .path("data").path("endpoints");
        return StreamSupport.stream(endpoints.spliterator(), false)
                .filter(e -> e.path("tag").asText().startsWith(provider))
                .findFirst().orElseThrow();
    }

    @Test
    void aCooldownStartedOnOneNodeIsRespectedByTheOther() {
        try (FakeUpstream steady = FakeUpstream.start(); FakeUpstream limited = FakeUpstream.start()) {
            steady.always(fixture(200, "openai/chat_nonstream.json"));
            limited.always(FakeUpstream.json(429, "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}",
                    java.util.Map.of("retry-after", "60")));
            TestGateway[] nodes = twoNodes("providers:\n" + Upstreams.provider("steady", steady)
                    + Upstreams.provider("limited", limited) + "models:\n"
                    + Upstreams.model("test/model", "steady", "limited"));
            try (TestGateway a = nodes[0]; TestGateway b = nodes[1]) {
                String limitedFirst = "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"provider\":{\"order\":[\"limited\",\"steady\"]}}";
                assertThat(a.post("/v1/chat/completions", limitedFirst).statusCode()).isEqualTo(200);
                assertThat(limited.requestCount()).isEqualTo(1);
                AccountsApi.poll(() -> status(b, "limited"), "cooldown"::equals);

                String anyProvider = "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                for (int i = 0; i < 10; i++) {
                    HttpResponse<String> answer = b.post("/v1/chat/completions", anyProvider);
                    assertThat(answer.statusCode()).isEqualTo(200);
                    assertThat(Json.parse(answer.body()).path("provider").asText()).isEqualTo("Steady");
                }
                assertThat(limited.requestCount()).as("B waited out the cooldown A was asked for").isEqualTo(1);
            }
        }
    }

    /** Two nodes started at once on an empty database: one admin key and one default key, shown by one node. */
    @Test
    void twoNodesStartedAtOnceOnAnEmptyDatabaseCreateTheFirstKeysOnce() throws Exception {
        String yaml = storage() + "auth: { require_keys: true }\nproviders:\n  - { id: demo, tokens_per_second: 0 }\n";
        // the schema exists (as an operator's empty database does); the tables do not
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(TestStores.POSTGRES_JDBC, "postgres", "");
             java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema());
        }
        var threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.Callable<TestGateway> start = () -> {
            go.await();
            return TestGateway.start(yaml);
        };
        var first = threads.submit(start);
        var second = threads.submit(start);
        go.countDown();
        try (TestGateway a = first.get(60, java.util.concurrent.TimeUnit.SECONDS);
             TestGateway b = second.get(60, java.util.concurrent.TimeUnit.SECONDS)) {
            var shown = java.util.stream.Stream.of(a, b).map(n -> n.server().bootstrap())
                    .filter(boot -> boot.inferenceSecret() != null).toList();
            assertThat(shown).as("exactly one node created (and prints) the first keys").hasSize(1);
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(TestStores.POSTGRES_JDBC, "postgres", "");
                 java.sql.Statement s = c.createStatement();
                 java.sql.ResultSet roles = s.executeQuery("SELECT role, name FROM " + schema()
                         + ".api_keys ORDER BY role")) {
                java.util.List<String> keys = new java.util.ArrayList<>();
                while (roles.next()) {
                    keys.add(roles.getString(1) + " " + roles.getString(2));
                }
                assertThat(keys).containsExactly("ADMIN admin", "INFERENCE default");
            }
            // the keys printed work on both nodes
            String admin = shown.getFirst().adminSecret();
            String inference = shown.getFirst().inferenceSecret();
            for (TestGateway node : new TestGateway[] {a, b}) {
                assertThat(node.call("GET", "/api/v1/keys", admin, null).statusCode()).isEqualTo(200);
                assertThat(chat(node.openAi(inference)).id()).startsWith("gen-");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private String schema() {
        return database.substring(database.indexOf("?schema=") + "?schema=".length());
    }

    private static String flakyStatus(TestGateway gateway) {
        return status(gateway, "flaky");
    }

    private static String status(TestGateway gateway, String provider) {
        return endpoint(gateway, provider).path("status").asText();
    }

    private static ChatCompletion chat(com.openai.client.OpenAIClient client) {
        return client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(ECHO).addUserMessage("hello cluster").build());
    }

    /** True when the call fails with {@code expected} (or succeeds, when null). */
    private static boolean refusedWith(com.openai.client.OpenAIClient client, Class<? extends RuntimeException> expected) {
        try {
            chat(client);
            return expected == null;
        } catch (RuntimeException e) {
            if (expected == null || !expected.isInstance(e)) {
                if (expected != null && !(e instanceof PermissionDeniedException) && !(e instanceof UnauthorizedException)) {
                    throw e;
                }
                return false;
            }
            return true;
        }
    }

    /** Polls {@code done} until true; fails unless it became true within {@code bound} of {@code sinceNanos}. */
    private static void awaitWithin(Duration bound, long sinceNanos, BooleanSupplier done) {
        long deadline = sinceNanos + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("still not seen after 10 s").isNegative();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - sinceNanos)).isLessThan(bound);
    }
}
