package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.errors.UnexpectedStatusCodeException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.accounting.KeySecrets;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static dev.switchboard.e2e.AccountsApi.ADMIN;
import static dev.switchboard.e2e.AccountsApi.PRICED;
import static dev.switchboard.e2e.AccountsApi.createKey;
import static dev.switchboard.e2e.AccountsApi.error;
import static dev.switchboard.e2e.AccountsApi.json;
import static dev.switchboard.e2e.AccountsApi.key;
import static dev.switchboard.e2e.AccountsApi.patch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The admin's keys API: create, list, read, change and delete keys; every bad body is a clean 4xx that changes nothing. */
class KeysApiTest {
    @TempDir
    static Path dataDir;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("server: { port: 0, stream_keepalive_ms: 60000, http2_cleartext: true }\n"
                + "storage: { database: \"sqlite:" + dataDir.resolve("switchboard.db") + "\" }\n"
                + AccountsApi.yaml());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static List<String> listedHashes(String query) {
        JsonNode list = json(gateway.call("GET", "/api/v1/keys" + query, ADMIN, null), 200).get("data");
        List<String> hashes = new ArrayList<>();
        list.forEach(k -> hashes.add(k.get("hash").asText()));
        return hashes;
    }

    @Test
    void createsAKeyWhoseSecretIsShownOnceAndWhoseHashIsItsId() {
        String expires = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        HttpResponse<String> response = gateway.call("POST", "/api/v1/keys", ADMIN, """
                {"name": "ci runner", "limit": 5, "limit_reset": "monthly", "expires_at": "%s",
                 "rate_limit": {"requests_per_minute": 10, "tokens_per_minute": 1000}}""".formatted(expires));

        JsonNode body = json(response, 201);
        String secret = body.get("key").asText();
        assertThat(secret).matches("sk-sb-v1-[0-9a-f]{64}");
        JsonNode data = body.get("data");
        assertThat(data.get("hash").asText()).isEqualTo(KeySecrets.hash(secret)).matches("[0-9a-f]{64}");
        assertThat(data.get("label").asText()).isEqualTo("sk-sb-v1-" + secret.substring(9, 12) + "…" + secret.substring(70));
        assertThat(data.get("name").asText()).isEqualTo("ci runner");
        assertThat(data.get("disabled").asBoolean()).isFalse();
        assertThat(data.get("limit").decimalValue()).isEqualByComparingTo("5");
        assertThat(data.get("limit_remaining").decimalValue()).isEqualByComparingTo("5");
        assertThat(data.get("limit_reset").asText()).isEqualTo("monthly");
        assertThat(data.get("usage").decimalValue()).isEqualByComparingTo("0");
        assertThat(data.get("rate_limit").get("requests_per_minute").asLong()).isEqualTo(10);
        assertThat(data.get("rate_limit").get("tokens_per_minute").asLong()).isEqualTo(1000);
        assertThat(Instant.parse(data.get("expires_at").asText())).isEqualTo(Instant.parse(expires));
        assertThat(Instant.parse(data.get("created_at").asText())).isCloseTo(Instant.now(), within(60, ChronoUnit.SECONDS));
        assertThat(data.has("key")).isFalse();

        // the secret is never shown again
        HttpResponse<String> one = gateway.call("GET", "/api/v1/keys/" + data.get("hash").asText(), ADMIN, null);
        assertThat(json(one, 200).get("data")).isEqualTo(data);
        assertThat(one.body()).doesNotContain(secret.substring(9));
        HttpResponse<String> all = gateway.call("GET", "/api/v1/keys?include_disabled=true", ADMIN, null);
        assertThat(all.body()).contains(data.get("hash").asText()).doesNotContain(secret.substring(9));
    }

    @Test
    void storesOnlyTheHashOfTheSecret() throws IOException {
        AccountsApi.Created key = createKey(gateway, "{\"name\":\"never on disk\"}");

        byte[] secret = key.secret().substring(9).getBytes(StandardCharsets.US_ASCII);
        byte[] hash = key.hash().getBytes(StandardCharsets.US_ASCII);
        boolean hashFound = false;
        try (Stream<Path> files = Files.list(dataDir)) {
            for (Path file : files.toList()) {
                byte[] content = Files.readAllBytes(file);
                assertThat(indexOf(content, secret)).as("secret in " + file).isEqualTo(-1);
                hashFound |= indexOf(content, hash) >= 0;
            }
        }
        assertThat(hashFound).as("the key's hash is in the store's files").isTrue();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void theNewSecretCallsModelsThroughTheOpenAiSdk() {
        AccountsApi.Created key = createKey(gateway);

        ChatCompletion completion = gateway.openAi(key.secret()).chat().completions()
                .create(ChatCompletionCreateParams.builder().model("switchboard/echo").addUserMessage("Hi there").build());

        assertThat(completion.choices().getFirst().message().content()).hasValue("Hi there");
    }

    @Test
    void servesTheKeysApiUnderBothPrefixes() {
        HttpResponse<String> created = gateway.call("POST", "/v1/keys", ADMIN, "{\"name\":\"short prefix\"}");
        String hash = json(created, 201).get("data").get("hash").asText();

        assertThat(json(gateway.call("GET", "/v1/keys/" + hash, ADMIN, null), 200).get("data").get("name").asText())
                .isEqualTo("short prefix");
        assertThat(json(gateway.call("GET", "/api/v1/keys/" + hash, ADMIN, null), 200).get("data").get("name").asText())
                .isEqualTo("short prefix");
        assertThat(json(gateway.call("GET", "/v1/keys", ADMIN, null), 200).toString()).contains(hash);
        assertThat(json(gateway.call("PATCH", "/v1/keys/" + hash, ADMIN, "{\"name\":\"renamed\"}"), 200)
                .get("data").get("name").asText()).isEqualTo("renamed");
        assertThat(json(gateway.call("DELETE", "/v1/keys/" + hash, ADMIN, null), 200).get("deleted").asBoolean()).isTrue();
    }

    /** HTTP/2 (h2c) once answered 500 to every create and change: the body was read before the store work began. */
    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void createsAndChangesKeysOverEitherHttpVersion(HttpClient.Version version) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(version).build();
        HttpRequest.Builder admin = HttpRequest.newBuilder().header("authorization", "Bearer " + ADMIN)
                .header("content-type", "application/json");
        // h2c starts with an upgrade on a body-less request; the calls after it use HTTP/2 itself
        client.send(admin.copy().uri(gateway.uri("/api/v1/keys")).GET().build(), HttpResponse.BodyHandlers.ofString());

        HttpResponse<String> created = client.send(admin.copy().uri(gateway.uri("/api/v1/keys"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"over " + version + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.version()).isEqualTo(version);
        String hash = json(created, 201).get("data").get("hash").asText();
        HttpResponse<String> patched = client.send(admin.copy().uri(gateway.uri("/api/v1/keys/" + hash))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"limit\": 4}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(json(patched, 200).get("data").get("limit").decimalValue()).isEqualByComparingTo("4");
        assertThat(key(gateway, hash).get("name").asText()).isEqualTo("over " + version);
    }

    @Test
    void listsEnabledKeysUnlessAskedForDisabledOnesAndSkipsByOffset() {
        AccountsApi.Created enabled = createKey(gateway);
        AccountsApi.Created disabled = createKey(gateway);
        patch(gateway, disabled.hash(), "{\"disabled\": true}");

        List<String> shown = listedHashes("");
        assertThat(shown).contains(enabled.hash()).doesNotContain(disabled.hash());
        List<String> all = listedHashes("?include_disabled=true");
        assertThat(all).contains(enabled.hash(), disabled.hash());
        assertThat(all).containsAll(shown);
        all.stream().filter(h -> !shown.contains(h))
                .forEach(h -> assertThat(key(gateway, h).get("disabled").asBoolean()).as(h).isTrue());

        assertThat(listedHashes("?include_disabled=true&offset=2")).isEqualTo(all.subList(2, all.size()));
        assertThat(listedHashes("?include_disabled=true&offset=" + all.size())).isEmpty();
        JsonNode listed = json(gateway.call("GET", "/api/v1/keys?include_disabled=true", ADMIN, null), 200).get("data");
        listed.forEach(k -> assertThat(k.has("key")).isFalse());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "two", "1.5"})
    void refusesABadOffset(String offset) {
        error(gateway.call("GET", "/api/v1/keys?offset=" + offset, ADMIN, null), 400);
    }

    @Test
    void patchChangesOnlyTheFieldsGivenAndNullClears() {
        String expires = Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        AccountsApi.Created key = createKey(gateway, """
                {"name": "before", "limit": 5, "limit_reset": "weekly", "expires_at": "%s",
                 "rate_limit": {"requests_per_minute": 10, "tokens_per_minute": 1000}}""".formatted(expires));

        JsonNode renamed = patch(gateway, key.hash(), "{\"name\": \"after\"}");
        assertThat(renamed.get("name").asText()).isEqualTo("after");
        assertThat(renamed.get("limit").decimalValue()).isEqualByComparingTo("5");
        assertThat(renamed.get("limit_reset").asText()).isEqualTo("weekly");
        assertThat(renamed.get("expires_at").asText()).isEqualTo(key.data().get("expires_at").asText());
        assertThat(renamed.get("rate_limit")).isEqualTo(key.data().get("rate_limit"));
        assertThat(renamed.get("disabled").asBoolean()).isFalse();
        assertThat(renamed.get("label")).isEqualTo(key.data().get("label"));

        JsonNode changed = patch(gateway, key.hash(), """
                {"limit": 2.5, "limit_reset": "daily", "rate_limit": {"requests_per_minute": 3}, "disabled": true}""");
        assertThat(changed.get("name").asText()).isEqualTo("after");
        assertThat(changed.get("limit").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(changed.get("limit_reset").asText()).isEqualTo("daily");
        assertThat(changed.get("rate_limit").get("requests_per_minute").asLong()).isEqualTo(3);
        assertThat(changed.get("rate_limit").get("tokens_per_minute").asLong())
                .as("a field absent inside rate_limit keeps its value").isEqualTo(1000);
        assertThat(changed.get("disabled").asBoolean()).isTrue();

        JsonNode tokensCleared = patch(gateway, key.hash(), "{\"rate_limit\": {\"tokens_per_minute\": null}}");
        assertThat(tokensCleared.get("rate_limit").get("requests_per_minute").asLong()).isEqualTo(3);
        assertThat(tokensCleared.get("rate_limit").get("tokens_per_minute").isNull()).isTrue();

        JsonNode cleared = patch(gateway, key.hash(),
                "{\"limit\": null, \"limit_reset\": null, \"expires_at\": null, \"rate_limit\": null}");
        assertThat(cleared.get("limit").isNull()).isTrue();
        assertThat(cleared.get("limit_remaining").isNull()).isTrue();
        assertThat(cleared.get("limit_reset").isNull()).isTrue();
        assertThat(cleared.get("expires_at").isNull()).isTrue();
        assertThat(cleared.get("rate_limit").isNull()).isTrue();
        assertThat(cleared.get("name").asText()).isEqualTo("after");
        assertThat(cleared.get("disabled").asBoolean()).isTrue();

        assertThat(key(gateway, key.hash())).isEqualTo(cleared);
    }

    @Test
    void theCallingKeyShowsItsLimitUsageAndRateLimit() {
        String expires = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        AccountsApi.Created key = createKey(gateway, """
                {"name": "reader", "limit": 1, "limit_reset": "daily", "expires_at": "%s",
                 "rate_limit": {"requests_per_minute": 100, "tokens_per_minute": 100000}}""".formatted(expires));
        JsonNode usage = json(AccountsApi.chat(gateway, key.secret(), PRICED, "Count what this costs, please."), 200)
                .get("usage");
        BigDecimal cost = usage.get("cost").decimalValue();
        assertThat(cost).isEqualByComparingTo(AccountsApi.pricedCost(usage.get("prompt_tokens").asLong(),
                usage.get("completion_tokens").asLong()));
        assertThat(cost).isPositive();

        for (String prefix : List.of("/api/v1", "/v1")) {
            JsonNode data = json(gateway.call("GET", prefix + "/key", key.secret(), null), 200).get("data");
            assertThat(data.get("label").asText()).isEqualTo(key.data().get("label").asText());
            assertThat(data.get("limit").decimalValue()).isEqualByComparingTo("1");
            assertThat(data.get("limit_reset").asText()).isEqualTo("daily");
            assertThat(data.get("limit_remaining").decimalValue()).isEqualByComparingTo(BigDecimal.ONE.subtract(cost));
            assertThat(data.get("usage").decimalValue()).isEqualByComparingTo(cost);
            assertThat(data.get("usage_daily").decimalValue()).isEqualByComparingTo(cost);
            assertThat(data.get("usage_weekly").decimalValue()).isEqualByComparingTo(cost);
            assertThat(data.get("usage_monthly").decimalValue()).isEqualByComparingTo(cost);
            assertThat(data.get("rate_limit").get("requests_per_minute").asLong()).isEqualTo(100);
            assertThat(data.get("rate_limit").get("tokens_per_minute").asLong()).isEqualTo(100000);
            assertThat(Instant.parse(data.get("expires_at").asText())).isEqualTo(Instant.parse(expires));
            assertThat(gateway.call("GET", prefix + "/key", key.secret(), null).body()).doesNotContain(key.secret());
        }

        JsonNode credits = json(gateway.call("GET", "/api/v1/credits", key.secret(), null), 200).get("data");
        assertThat(credits.get("total_credits").decimalValue()).isEqualByComparingTo("1");
        assertThat(credits.get("total_usage").decimalValue()).isEqualByComparingTo(cost);
        assertThat(key(gateway, key.hash()).get("usage").decimalValue()).isEqualByComparingTo(cost);
    }

    @Test
    void aChangedLimitTakesEffectOnTheNextRequest() {
        AccountsApi.Created key = createKey(gateway, "{\"name\": \"broke\", \"limit\": 0}");
        var client = gateway.openAi(key.secret());
        var params = ChatCompletionCreateParams.builder().model(PRICED).addUserMessage("Hello").build();

        assertThatThrownBy(() -> client.chat().completions().create(params))
                .isInstanceOfSatisfying(UnexpectedStatusCodeException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(402);
                    assertThat(e.type()).hasValue("insufficient_quota");
                });

        patch(gateway, key.hash(), "{\"limit\": 0.5}");
        JsonNode current = json(gateway.call("GET", "/api/v1/key", key.secret(), null), 200).get("data");
        assertThat(current.get("limit").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(current.get("limit_remaining").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(client.chat().completions().create(params).choices().getFirst().message().content()).hasValue("Hello");
    }

    @Test
    void deletesAKeyOnce() {
        AccountsApi.Created key = createKey(gateway);

        HttpResponse<String> deleted = gateway.call("DELETE", "/api/v1/keys/" + key.hash(), ADMIN, null);
        assertThat(json(deleted, 200).get("deleted").asBoolean()).isTrue();

        error(gateway.call("GET", "/api/v1/keys/" + key.hash(), ADMIN, null), 404);
        error(gateway.call("DELETE", "/api/v1/keys/" + key.hash(), ADMIN, null), 404);
        error(gateway.call("PATCH", "/api/v1/keys/" + key.hash(), ADMIN, "{\"name\":\"ghost\"}"), 404);
        assertThat(listedHashes("?include_disabled=true")).doesNotContain(key.hash());
    }

    @Test
    void exactlyOneOfConcurrentDeletesSucceeds() throws Exception {
        AccountsApi.Created key = createKey(gateway);
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return gateway.call("DELETE", "/api/v1/keys/" + key.hash(), ADMIN, null);
                }));
            }
            go.countDown();
            int ok = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get();
                if (response.statusCode() == 200) {
                    ok++;
                } else {
                    assertThat(error(response, 404).get("type").asText()).isEqualTo("not_found_error");
                }
            }
            assertThat(ok).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        error(gateway.call("GET", "/api/v1/keys/" + key.hash(), ADMIN, null), 404);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "0000000000000000000000000000000000000000000000000000000000000000", // well-formed, unknown
            "not-a-hash",
            "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "0000000000000000000000000000000000000000000000000000000000000000ff"})
    void anUnknownOrMalformedHashIsNotFound(String hash) {
        assertThat(error(gateway.call("GET", "/api/v1/keys/" + hash, ADMIN, null), 404).get("type").asText())
                .isEqualTo("not_found_error");
        error(gateway.call("PATCH", "/api/v1/keys/" + hash, ADMIN, "{\"name\":\"x\"}"), 404);
        error(gateway.call("DELETE", "/api/v1/keys/" + hash, ADMIN, null), 404);
    }

    @Test
    void answersAWrongMethodWith405() {
        AccountsApi.Created key = createKey(gateway);

        error(gateway.call("PUT", "/api/v1/keys/" + key.hash(), ADMIN, "{\"name\":\"x\"}"), 405);
        error(gateway.call("POST", "/api/v1/keys/" + key.hash(), ADMIN, "{\"name\":\"x\"}"), 405);
        error(gateway.call("DELETE", "/api/v1/keys", ADMIN, null), 405);
        error(gateway.call("PUT", "/v1/keys", ADMIN, "{\"name\":\"x\"}"), 405);
        error(gateway.call("POST", "/api/v1/key", key.secret(), "{}"), 405);
        assertThat(key(gateway, key.hash()).get("name").asText()).isEqualTo("test key");
    }

    static Stream<Arguments> badCreateBodies() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"name\": \"x\",", null),
                Arguments.of("empty body", "", null),
                Arguments.of("array body", "[{\"name\": \"x\"}]", null),
                Arguments.of("string body", "\"x\"", null),
                Arguments.of("null body", "null", null),
                Arguments.of("missing name", "{\"limit\": 5}", "name"),
                Arguments.of("empty name", "{\"name\": \"\"}", "name"),
                Arguments.of("blank name", "{\"name\": \"   \"}", "name"),
                Arguments.of("name too long", "{\"name\": \"" + "n".repeat(201) + "\"}", "name"),
                Arguments.of("name not a string", "{\"name\": 7}", "name"),
                Arguments.of("name with a line break", "{\"name\": \"two\\nlines\"}", "name"),
                Arguments.of("negative limit", "{\"name\": \"x\", \"limit\": -1}", "limit"),
                Arguments.of("limit as a string", "{\"name\": \"x\", \"limit\": \"5\"}", "limit"),
                Arguments.of("unknown field", "{\"name\": \"x\", \"credits\": 5}", "credits"),
                Arguments.of("unknown rate_limit field", "{\"name\": \"x\", \"rate_limit\": {\"requests_per_hour\": 5}}",
                        "rate_limit.requests_per_hour"),
                Arguments.of("bad limit_reset", "{\"name\": \"x\", \"limit_reset\": \"yearly\"}", "limit_reset"),
                Arguments.of("limit_reset not a string", "{\"name\": \"x\", \"limit_reset\": 1}", "limit_reset"),
                Arguments.of("past expires_at", "{\"name\": \"x\", \"expires_at\": \"2020-01-01T00:00:00Z\"}", "expires_at"),
                Arguments.of("malformed expires_at", "{\"name\": \"x\", \"expires_at\": \"next tuesday\"}", "expires_at"),
                Arguments.of("expires_at without a zone", "{\"name\": \"x\", \"expires_at\": \"2099-01-01T00:00:00\"}",
                        "expires_at"),
                Arguments.of("expires_at a number", "{\"name\": \"x\", \"expires_at\": 1893456000}", "expires_at"),
                Arguments.of("rate_limit not an object", "{\"name\": \"x\", \"rate_limit\": 10}", "rate_limit"),
                Arguments.of("zero requests_per_minute", "{\"name\": \"x\", \"rate_limit\": {\"requests_per_minute\": 0}}",
                        "rate_limit.requests_per_minute"),
                Arguments.of("negative tokens_per_minute", "{\"name\": \"x\", \"rate_limit\": {\"tokens_per_minute\": -5}}",
                        "rate_limit.tokens_per_minute"),
                Arguments.of("fractional requests_per_minute",
                        "{\"name\": \"x\", \"rate_limit\": {\"requests_per_minute\": 1.5}}", "rate_limit.requests_per_minute"),
                Arguments.of("huge requests_per_minute",
                        "{\"name\": \"x\", \"rate_limit\": {\"requests_per_minute\": 99999999999999999999}}",
                        "rate_limit.requests_per_minute"),
                Arguments.of("requests_per_minute as a string",
                        "{\"name\": \"x\", \"rate_limit\": {\"requests_per_minute\": \"10\"}}", "rate_limit.requests_per_minute"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCreateBodies")
    void refusesABadCreateBodyAndCreatesNothing(String why, String body, String param) {
        int before = listedHashes("?include_disabled=true").size();

        JsonNode error = error(gateway.call("POST", "/api/v1/keys", ADMIN, body), 400);

        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        if (param != null) {
            assertThat(error.get("param").asText()).isEqualTo(param);
        }
        assertThat(listedHashes("?include_disabled=true")).hasSize(before);
    }

    @Test
    void acceptsANameOfExactly200Characters() {
        String name = "é".repeat(200);
        assertThat(createKey(gateway, "{\"name\": \"" + name + "\"}").data().get("name").asText()).isEqualTo(name);
    }

    static Stream<Arguments> badPatchBodies() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"name\": "),
                Arguments.of("array body", "[]"),
                Arguments.of("number body", "42"),
                Arguments.of("empty name", "{\"name\": \"\"}"),
                Arguments.of("null name", "{\"name\": null}"),
                Arguments.of("name too long", "{\"name\": \"" + "n".repeat(201) + "\"}"),
                Arguments.of("negative limit", "{\"limit\": -0.01}"),
                Arguments.of("limit as a string", "{\"limit\": \"10\"}"),
                Arguments.of("unknown field", "{\"name\": \"changed\", \"hash\": \"abc\"}"),
                Arguments.of("unknown rate_limit field",
                        "{\"name\": \"changed\", \"rate_limit\": {\"requests_per_minute\": 5, \"burst\": 2}}"),
                Arguments.of("bad limit_reset", "{\"limit\": 9, \"limit_reset\": \"hourly\"}"),
                Arguments.of("past expires_at", "{\"expires_at\": \"2001-09-09T01:46:40Z\"}"),
                Arguments.of("malformed expires_at", "{\"expires_at\": \"2030-02-30T00:00:00Z\"}"),
                Arguments.of("disabled not a boolean", "{\"disabled\": \"yes\"}"),
                Arguments.of("zero tokens_per_minute", "{\"rate_limit\": {\"tokens_per_minute\": 0}}"),
                Arguments.of("fractional tokens_per_minute", "{\"rate_limit\": {\"tokens_per_minute\": 10.5}}"),
                // a valid change next to a bad one must not be applied
                Arguments.of("valid name with a bad limit", "{\"name\": \"changed\", \"limit\": -1}"),
                Arguments.of("valid disable with a bad rate limit",
                        "{\"disabled\": true, \"rate_limit\": {\"requests_per_minute\": -1}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPatchBodies")
    void refusesABadPatchBodyAndLeavesTheKeyUnchanged(String why, String body) {
        AccountsApi.Created key = createKey(gateway, """
                {"name": "steady", "limit": 3, "limit_reset": "monthly",
                 "rate_limit": {"requests_per_minute": 60, "tokens_per_minute": 6000}}""");
        JsonNode before = key(gateway, key.hash());

        JsonNode error = error(gateway.call("PATCH", "/api/v1/keys/" + key.hash(), ADMIN, body), 400);

        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(key(gateway, key.hash())).isEqualTo(before);
        // still usable: a refused disable did not slip through
        assertThat(gateway.call("GET", "/api/v1/key", key.secret(), null).statusCode()).isEqualTo(200);
    }
}
