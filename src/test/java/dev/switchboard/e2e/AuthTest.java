package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.accounting.KeySecrets;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static dev.switchboard.e2e.AccountsApi.ADMIN;
import static dev.switchboard.e2e.AccountsApi.chat;
import static dev.switchboard.e2e.AccountsApi.chatBody;
import static dev.switchboard.e2e.AccountsApi.createKey;
import static dev.switchboard.e2e.AccountsApi.error;
import static dev.switchboard.e2e.AccountsApi.json;
import static dev.switchboard.e2e.AccountsApi.key;
import static dev.switchboard.e2e.AccountsApi.patch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who may call what: inference keys, the admin key, no key, and changed, deleted or expired keys. */
class AuthTest {
    static final String ECHO = "switchboard/echo";
    static final String UNKNOWN = KeySecrets.generate();
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(AccountsApi.yaml());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static ChatCompletionCreateParams hello() {
        return ChatCompletionCreateParams.builder().model(ECHO).addUserMessage("Hello").build();
    }

    private static HttpResponse<String> withApiKeyHeader(String method, String path, String key, String body) {
        return gateway.send(AccountsApi.request(gateway, path).header("x-api-key", key)
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    @Test
    void servesAnSbKeyThroughTheOpenAiSdk() {
        AccountsApi.Created key = createKey(gateway);

        ChatCompletion completion = gateway.openAi(key.secret()).chat().completions().create(hello());

        assertThat(completion.choices().getFirst().message().content()).hasValue("Hello");
    }

    @Test
    void acceptsTheKeyInXApiKey() {
        AccountsApi.Created key = createKey(gateway);

        HttpResponse<String> response = withApiKeyHeader("POST", "/v1/chat/completions", key.secret(), chatBody(ECHO, "via x-api-key", false));

        assertThat(json(response, 200).get("choices").get(0).get("message").get("content").asText()).isEqualTo("via x-api-key");
        assertThat(json(withApiKeyHeader("GET", "/api/v1/key", key.secret(), null), 200).get("data").get("label").asText())
                .isEqualTo(key.data().get("label").asText());
    }

    @Test
    void refusesAMissingOrUnknownKeyWith401() {
        assertThat(error(chat(gateway, null, ECHO, "Hi"), 401).get("type").asText()).isEqualTo("authentication_error");
        assertThat(error(chat(gateway, UNKNOWN, ECHO, "Hi"), 401).get("type").asText()).isEqualTo("authentication_error");
        error(withApiKeyHeader("POST", "/v1/chat/completions", UNKNOWN, chatBody(ECHO, "Hi", false)), 401);
        error(gateway.call("GET", "/api/v1/key", null, null), 401);
        error(gateway.call("GET", "/api/v1/credits", UNKNOWN, null), 401);
        error(gateway.call("GET", "/api/v1/generation?id=gen-1", UNKNOWN, null), 401);
        error(gateway.call("GET", "/api/v1/activity", null, null), 401);

        assertThatThrownBy(() -> gateway.openAi(UNKNOWN).chat().completions().create(hello()))
                .isInstanceOfSatisfying(UnauthorizedException.class,
                        e -> assertThat(e.type()).hasValue("authentication_error"));
    }

    @Test
    void aDeletedKeyIsUnknownAtOnce() {
        AccountsApi.Created key = createKey(gateway);
        assertThat(chat(gateway, key.secret(), ECHO, "still here").statusCode()).isEqualTo(200);

        json(gateway.call("DELETE", "/api/v1/keys/" + key.hash(), ADMIN, null), 200);

        error(chat(gateway, key.secret(), ECHO, "gone"), 401);
        error(gateway.call("GET", "/api/v1/key", key.secret(), null), 401);
        assertThatThrownBy(() -> gateway.openAi(key.secret()).chat().completions().create(hello()))
                .isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void aDisabledKeyIsForbiddenAtOnceAndServedAgainWhenReEnabled() {
        AccountsApi.Created key = createKey(gateway);
        assertThat(chat(gateway, key.secret(), ECHO, "before").statusCode()).isEqualTo(200);

        patch(gateway, key.hash(), "{\"disabled\": true}");

        assertThat(error(chat(gateway, key.secret(), ECHO, "while disabled"), 403).get("type").asText())
                .isEqualTo("permission_error");
        error(withApiKeyHeader("POST", "/v1/chat/completions", key.secret(), chatBody(ECHO, "Hi", false)), 403);
        error(gateway.call("GET", "/api/v1/key", key.secret(), null), 403);
        error(gateway.call("GET", "/api/v1/credits", key.secret(), null), 403);
        assertThatThrownBy(() -> gateway.openAi(key.secret()).chat().completions().create(hello()))
                .isInstanceOf(PermissionDeniedException.class);

        patch(gateway, key.hash(), "{\"disabled\": false}");

        assertThat(chat(gateway, key.secret(), ECHO, "after").statusCode()).isEqualTo(200);
    }

    @Test
    void anExpiredKeyIsForbidden() throws InterruptedException {
        Instant expiresAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        AccountsApi.Created key = createKey(gateway, "{\"name\": \"brief\", \"expires_at\": \"" + expiresAt + "\"}");
        assertThat(Instant.parse(key.data().get("expires_at").asText())).isEqualTo(expiresAt);

        HttpResponse<String> before = chat(gateway, key.secret(), ECHO, "in time");
        assertThat(Instant.now()).isBefore(expiresAt); // the request above was made before the expiry
        assertThat(before.statusCode()).isEqualTo(200);

        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 50);

        JsonNode expired = error(chat(gateway, key.secret(), ECHO, "too late"), 403);
        assertThat(expired.get("type").asText()).isEqualTo("permission_error");
        assertThat(expired.get("message").asText()).containsIgnoringCase("expired");
        error(gateway.call("GET", "/api/v1/key", key.secret(), null), 403);
    }

    @Test
    void theAdminKeyCannotCallModels() {
        assertThat(error(chat(gateway, ADMIN, ECHO, "Hi"), 403).get("type").asText()).isEqualTo("permission_error");
        error(withApiKeyHeader("POST", "/api/v1/chat/completions", ADMIN, chatBody(ECHO, "Hi", false)), 403);
        error(gateway.call("GET", "/api/v1/credits", ADMIN, null), 403);
        assertThatThrownBy(() -> gateway.openAi(ADMIN).chat().completions().create(hello()))
                .isInstanceOf(PermissionDeniedException.class);
    }

    @Test
    void inferenceKeysAreForbiddenOnAdminRoutes() {
        AccountsApi.Created key = createKey(gateway);
        String path = "/api/v1/keys/" + key.hash();
        int keysBefore = json(gateway.call("GET", "/api/v1/keys?include_disabled=true", ADMIN, null), 200).get("data").size();

        assertThat(error(gateway.call("GET", "/api/v1/keys", key.secret(), null), 403).get("type").asText())
                .isEqualTo("permission_error");
        error(gateway.call("POST", "/api/v1/keys", key.secret(), "{\"name\": \"sneaky\"}"), 403);
        error(gateway.call("GET", path, key.secret(), null), 403);
        error(gateway.call("PATCH", path, key.secret(), "{\"limit\": 1000000}"), 403);
        error(gateway.call("DELETE", path, key.secret(), null), 403);
        error(withApiKeyHeader("GET", "/v1/keys", key.secret(), null), 403);

        assertThat(key(gateway, key.hash())).isEqualTo(key.data());
        assertThat(json(gateway.call("GET", "/api/v1/keys?include_disabled=true", ADMIN, null), 200).get("data"))
                .hasSize(keysBefore);
    }

    @Test
    void adminRoutesNeedAKey() {
        AccountsApi.Created key = createKey(gateway);
        String path = "/api/v1/keys/" + key.hash();

        assertThat(error(gateway.call("GET", "/api/v1/keys", null, null), 401).get("type").asText())
                .isEqualTo("authentication_error");
        error(gateway.call("POST", "/api/v1/keys", null, "{\"name\": \"anonymous\"}"), 401);
        error(gateway.call("GET", path, null, null), 401);
        error(gateway.call("PATCH", path, null, "{\"disabled\": true}"), 401);
        error(gateway.call("DELETE", path, null, null), 401);
        error(gateway.call("DELETE", path, UNKNOWN, null), 401);

        assertThat(key(gateway, key.hash())).isEqualTo(key.data());
    }

    @Test
    void theAdminKeyWorksInXApiKeyToo() {
        HttpResponse<String> created = withApiKeyHeader("POST", "/api/v1/keys", ADMIN, "{\"name\": \"from x-api-key\"}");

        assertThat(json(created, 201).get("key").asText()).startsWith("sk-sb-v1-");
        assertThat(json(withApiKeyHeader("GET", "/v1/keys", ADMIN, null), 200).get("data")).isNotEmpty();
    }

    /** {@code auth.require_keys: false}: anyone is served, but a known key is still the key. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OpenGateway {
        TestGateway open;

        @BeforeAll
        void startOpen() {
            open = TestGateway.start(AccountsApi.yaml(false));
        }

        @AfterAll
        void stopOpen() {
            open.close();
        }

        private String generationKeyHash(HttpResponse<String> served) {
            String id = served.headers().firstValue("x-generation-id").orElseThrow();
            HttpResponse<String> found = AccountsApi.poll(() -> open.call("GET", "/api/v1/generation?id=" + id, ADMIN, null),
                    r -> r.statusCode() == 200);
            return Json.parse(found.body()).get("data").get("api_key_hash").asText();
        }

        @Test
        void servesRequestsWithoutAKeyOrWithAnUnknownOneAnonymously() {
            AccountsApi.Created key = createKey(open);
            HttpResponse<String> noKey = chat(open, null, ECHO, "no key");
            HttpResponse<String> unknownKey = chat(open, UNKNOWN, ECHO, "unknown key");
            HttpResponse<String> knownKey = chat(open, key.secret(), ECHO, "known key");

            assertThat(json(noKey, 200).get("choices").get(0).get("message").get("content").asText()).isEqualTo("no key");
            assertThat(json(unknownKey, 200).get("choices").get(0).get("message").get("content").asText())
                    .isEqualTo("unknown key");
            ChatCompletion viaSdk = open.openAi(UNKNOWN).chat().completions().create(hello());
            assertThat(viaSdk.choices().getFirst().message().content()).hasValue("Hello");

            String anonymous = generationKeyHash(noKey);
            assertThat(generationKeyHash(unknownKey)).isEqualTo(anonymous);
            assertThat(anonymous).isNotEqualTo(KeySecrets.hash(UNKNOWN)).isNotEqualTo(key.hash());
            assertThat(generationKeyHash(knownKey)).isEqualTo(key.hash());
        }

        @Test
        void stillAppliesTheLimitsOfAKnownKey() {
            AccountsApi.Created limited = createKey(open,
                    "{\"name\": \"limited\", \"rate_limit\": {\"requests_per_minute\": 1}}");
            AccountsApi.Created broke = createKey(open, "{\"name\": \"broke\", \"limit\": 0}");

            assertThat(chat(open, limited.secret(), ECHO, "first").statusCode()).isEqualTo(200);
            assertThat(error(chat(open, limited.secret(), ECHO, "second"), 429).get("type").asText())
                    .isEqualTo("rate_limit_error");
            assertThatThrownBy(() -> open.openAi(limited.secret()).chat().completions().create(hello()))
                    .isInstanceOf(RateLimitException.class);
            // the anonymous account is not held to that key's limits
            assertThat(chat(open, null, ECHO, "anonymous").statusCode()).isEqualTo(200);

            assertThat(error(chat(open, broke.secret(), AccountsApi.PRICED, "costly"), 402).get("type").asText())
                    .isEqualTo("insufficient_quota");
            assertThat(json(open.call("GET", "/api/v1/key", limited.secret(), null), 200).get("data").get("label").asText())
                    .isEqualTo(limited.data().get("label").asText());
        }

        @Test
        void stillGuardsTheAdminRoutes() {
            AccountsApi.Created key = createKey(open);

            error(open.call("GET", "/api/v1/keys", null, null), 401);
            error(open.call("POST", "/api/v1/keys", UNKNOWN, "{\"name\": \"x\"}"), 401);
            error(open.call("DELETE", "/api/v1/keys/" + key.hash(), key.secret(), null), 403);
            error(chat(open, ADMIN, ECHO, "Hi"), 403);
            assertThat(key(open, key.hash()).get("hash").asText()).isEqualTo(key.hash());
        }
    }
}
