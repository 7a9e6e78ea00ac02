package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.TestGateway;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The account side of a test gateway: its YAML, the admin key, and calls on the keys API. */
final class AccountsApi {
    static final String ADMIN = "sk-test-admin";
    /** Prompt $1 and completion $2 per million tokens, served by the demo provider's echo. */
    static final String PRICED = "test/priced";
    static final BigDecimal PROMPT_USD_PER_TOKEN = new BigDecimal("0.000001");
    static final BigDecimal COMPLETION_USD_PER_TOKEN = new BigDecimal("0.000002");

    private AccountsApi() {
    }

    /** Keys required, the admin key {@link #ADMIN}, an unpaced demo provider and {@link #PRICED}. */
    static String yaml() {
        return yaml(true);
    }

    static String yaml(boolean requireKeys) {
        return yaml(requireKeys, "", "");
    }

    /** As {@link #yaml()}; {@code extraProviders} and {@code extraModels} are YAML list entries added to the lists. */
    static String yaml(boolean requireKeys, String extraProviders, String extraModels) {
        return "auth: { admin_key: " + ADMIN + ", require_keys: " + requireKeys + " }\n"
                + "providers:\n"
                + "  - { id: demo, tokens_per_second: 0 }\n"
                + extraProviders
                + "models:\n"
                + "  - { id: " + PRICED + ", name: Priced, context_length: 8000, max_output_tokens: 50, tokenizer: o200k_base,\n"
                + "      pricing: { prompt: 1, completion: 2 }, endpoints: [ { provider: demo, upstream_model: echo } ] }\n"
                + extraModels;
    }

    /** A key just created through the admin API: its secret (shown once), hash and JSON. */
    record Created(String secret, String hash, JsonNode data) {
    }

    static Created createKey(TestGateway gateway, String body) {
        HttpResponse<String> response = gateway.call("POST", "/api/v1/keys", ADMIN, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode json = Json.parse(response.body());
        return new Created(json.get("key").asText(), json.get("data").get("hash").asText(), json.get("data"));
    }

    static Created createKey(TestGateway gateway) {
        return createKey(gateway, "{\"name\":\"test key\"}");
    }

    /** The key's JSON as {@code GET /keys/{hash}} shows it. */
    static JsonNode key(TestGateway gateway, String hash) {
        HttpResponse<String> response = gateway.call("GET", "/api/v1/keys/" + hash, ADMIN, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.parse(response.body()).get("data");
    }

    static JsonNode patch(TestGateway gateway, String hash, String body) {
        HttpResponse<String> response = gateway.call("PATCH", "/api/v1/keys/" + hash, ADMIN, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.parse(response.body()).get("data");
    }

    /** A non-streamed chat request with {@code Authorization: Bearer key} (none when null). */
    static HttpResponse<String> chat(TestGateway gateway, String key, String model, String text) {
        return gateway.call("POST", "/api/v1/chat/completions", key, chatBody(model, text, false));
    }

    static String chatBody(String model, String text, boolean stream) {
        var body = Json.object().put("model", model).put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return body.toString();
    }

    static HttpRequest.Builder request(TestGateway gateway, String path) {
        return HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(30));
    }

    /** Asserts the documented error shape with {@code status} and returns its {@code error} object. */
    static JsonNode error(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode error = Json.parse(response.body()).get("error");
        assertThat(error).as(response.body()).isNotNull();
        assertThat(error.get("code").asInt()).isEqualTo(status);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("type").asText()).isNotBlank();
        return error;
    }

    static JsonNode json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return Json.parse(response.body());
    }

    /** The cost {@link #PRICED} charges for these tokens. */
    static BigDecimal pricedCost(long promptTokens, long completionTokens) {
        return PROMPT_USD_PER_TOKEN.multiply(BigDecimal.valueOf(promptTokens))
                .add(COMPLETION_USD_PER_TOKEN.multiply(BigDecimal.valueOf(completionTokens)));
    }

    /** Calls {@code read} until its answer satisfies {@code done} (the ledger writes in the background). */
    static <T> T poll(java.util.function.Supplier<T> read, Predicate<T> done) {
        return dev.switchboard.testing.Poll.until(read, done, Duration.ofSeconds(10));
    }
}
