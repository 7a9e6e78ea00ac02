package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static dev.switchboard.e2e.AccountsApi.chat;
import static dev.switchboard.e2e.AccountsApi.createKey;
import static dev.switchboard.e2e.AccountsApi.error;
import static dev.switchboard.e2e.AccountsApi.patch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Per-key requests and tokens per minute: 429 with the retry headers, and no effect on other keys. */
class RateLimitTest {
    static final String ECHO = "switchboard/echo";
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(AccountsApi.yaml());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    /** Asserts a 429 rate-limit answer with its headers; returns its error object. */
    private static JsonNode limited(HttpResponse<String> response, long limit) {
        long now = System.currentTimeMillis();
        JsonNode error = error(response, 429);
        assertThat(error.get("type").asText()).isEqualTo("rate_limit_error");
        long retryAfter = Long.parseLong(response.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(response.headers().firstValue("x-ratelimit-limit")).hasValue(Long.toString(limit));
        long remaining = Long.parseLong(response.headers().firstValue("x-ratelimit-remaining").orElseThrow());
        assertThat(remaining).isBetween(0L, limit - 1);
        // when the bucket is full again, in epoch milliseconds: not before a retry could pass; a bucket in debt
        // (one large request) takes more than a minute
        long reset = Long.parseLong(response.headers().firstValue("x-ratelimit-reset").orElseThrow());
        assertThat(reset).isBetween(now + retryAfter * 1000 - 2_000, now + 180_000);
        return error;
    }

    @Test
    void refusesRequestsPastTheRequestsPerMinute() {
        AccountsApi.Created key = createKey(gateway, "{\"name\": \"rpm\", \"rate_limit\": {\"requests_per_minute\": 3}}");

        for (int i = 0; i < 3; i++) {
            assertThat(chat(gateway, key.secret(), ECHO, "request " + i).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> fourth = chat(gateway, key.secret(), ECHO, "one too many");

        JsonNode error = limited(fourth, 3);
        assertThat(fourth.headers().firstValue("x-ratelimit-remaining")).hasValue("0");
        // a bucket of 3 per minute refills one request every 20 s
        assertThat(Long.parseLong(fourth.headers().firstValue("retry-after").orElseThrow())).isBetween(15L, 20L);
        assertThat(error.get("message").asText()).contains("3");
    }

    @Test
    void refusesRequestsPastTheTokensPerMinuteCountingWhatWasGenerated() {
        AccountsApi.Created key = createKey(gateway, "{\"name\": \"tpm\", \"rate_limit\": {\"tokens_per_minute\": 500}}");
        // about 300 prompt tokens, echoed back as about 300 completion tokens: more than the 500 a minute
        String text = "alpha ".repeat(300);

        JsonNode usage = AccountsApi.json(chat(gateway, key.secret(), ECHO, text), 200).get("usage");
        assertThat(usage.get("prompt_tokens").asLong()).isLessThan(500);
        assertThat(usage.get("total_tokens").asLong()).isGreaterThan(500);

        HttpResponse<String> next = chat(gateway, key.secret(), ECHO, "just a little more");

        limited(next, 500);
        assertThat(next.headers().firstValue("x-ratelimit-remaining")).hasValue("0");
    }

    @Test
    void countsTheRequestedMaxTokensUpFront() {
        AccountsApi.Created key = createKey(gateway, "{\"name\": \"tpm\", \"rate_limit\": {\"tokens_per_minute\": 1000}}");
        var client = gateway.openAi(key.secret());
        // about 300 prompt and 300 completion tokens: some 400 of the 1000 are left
        client.chat().completions().create(ChatCompletionCreateParams.builder().model(ECHO)
                .addUserMessage("alpha ".repeat(300)).build());

        var large = ChatCompletionCreateParams.builder().model(ECHO).addUserMessage("short").maxCompletionTokens(700).build();
        assertThatThrownBy(() -> client.chat().completions().create(large))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.type()).hasValue("rate_limit_error");
                    assertThat(e.headers().values("Retry-After")).hasSize(1);
                    assertThat(e.headers().values("X-RateLimit-Limit")).containsExactly("1000");
                });
        // the refused request took nothing: a smaller one still fits
        var small = ChatCompletionCreateParams.builder().model(ECHO).addUserMessage("short").maxCompletionTokens(100).build();
        assertThat(client.chat().completions().create(small).choices().getFirst().message().content()).hasValue("short");
    }

    @Test
    void theSdkSurfacesA429AsARateLimitException() {
        AccountsApi.Created key = createKey(gateway, "{\"name\": \"sdk\", \"rate_limit\": {\"requests_per_minute\": 1}}");
        var client = gateway.openAi(key.secret());
        var params = ChatCompletionCreateParams.builder().model(ECHO).addUserMessage("Hi").build();
        client.chat().completions().create(params);

        assertThatThrownBy(() -> client.chat().completions().create(params))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.type()).hasValue("rate_limit_error");
                    assertThat(e.headers().values("Retry-After")).isNotEmpty();
                    assertThat(e.headers().values("X-RateLimit-Remaining")).containsExactly("0");
                });
    }

    @Test
    void otherKeysAreNotAffected() {
        String body = "{\"name\": \"twin\", \"rate_limit\": {\"requests_per_minute\": 1, \"tokens_per_minute\": 100000}}";
        AccountsApi.Created limited = createKey(gateway, body);
        AccountsApi.Created twin = createKey(gateway, body);
        AccountsApi.Created unlimited = createKey(gateway);

        assertThat(chat(gateway, limited.secret(), ECHO, "first").statusCode()).isEqualTo(200);
        limited(chat(gateway, limited.secret(), ECHO, "second"), 1);

        assertThat(chat(gateway, twin.secret(), ECHO, "mine").statusCode()).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            assertThat(chat(gateway, unlimited.secret(), ECHO, "free " + i).statusCode()).isEqualTo(200);
        }
        limited(chat(gateway, limited.secret(), ECHO, "still limited"), 1);
    }

    @Test
    void aRateLimitSetThroughTheApiAppliesToTheNextRequest() {
        AccountsApi.Created key = createKey(gateway);
        for (int i = 0; i < 3; i++) {
            assertThat(chat(gateway, key.secret(), ECHO, "unlimited " + i).statusCode()).isEqualTo(200);
        }

        patch(gateway, key.hash(), "{\"rate_limit\": {\"requests_per_minute\": 2}}");

        assertThat(chat(gateway, key.secret(), ECHO, "one").statusCode()).isEqualTo(200);
        assertThat(chat(gateway, key.secret(), ECHO, "two").statusCode()).isEqualTo(200);
        limited(chat(gateway, key.secret(), ECHO, "three"), 2);

        patch(gateway, key.hash(), "{\"rate_limit\": null}");

        assertThat(chat(gateway, key.secret(), ECHO, "unlimited again").statusCode()).isEqualTo(200);
    }
}
