package dev.switchboard.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The playground's controls, compare mode and billing over HTTP, against a fake OpenAI upstream
 * that records what the gateway forwarded: temperature, top-p, max tokens, the system prompt and an
 * image part reach it; the admin's session is billed to the inference key picked on the page.
 */
class PlaygroundTest {
    static final String ADMIN = "sk-test-playground-admin";
    static final String VISION = "test/vision";
    static final String TEXT_ONLY = "test/text-only";
    static final String PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==";
    static FakeUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        upstream.always(FakeUpstream.sse(Fixtures.text("openai/chat_stream_text.sse")));
        gateway = TestGateway.start("""
                auth: { require_keys: true, admin_key: %s }
                providers:
                  - id: fake
                    name: Fake OpenAI
                    protocol: openai
                    base_url: %s
                    api_key: sk-provider-fake
                models:
                  - id: %s
                    name: Vision
                    context_length: 100000
                    input_modalities: [text, image]
                    pricing: { prompt: 2, completion: 8 }
                    supported_parameters: [temperature, top_p, max_tokens]
                    endpoints: [ { provider: fake, upstream_model: upstream-vision } ]
                  - id: %s
                    name: Text only
                    context_length: 100000
                    pricing: { prompt: 1, completion: 2 }
                    endpoints: [ { provider: fake, upstream_model: upstream-text } ]
                """.formatted(ADMIN, upstream.baseUrl(), VISION, TEXT_ONLY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }


    record Key(String secret, String hash) {
    }

    static Key inferenceKey(String name) {
        HttpResponse<String> created = gateway.call("POST", "/api/v1/keys", ADMIN, "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode json = Json.parse(created.body());
        return new Key(json.path("key").asText(), json.path("data").path("hash").asText());
    }

    static String chat(String model, String content) {
        return "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    static JsonNode lastBodyFor(String upstreamModel, int seenBefore) {
        List<FakeUpstream.Received> all = upstream.received();
        return all.subList(seenBefore, all.size()).stream().map(FakeUpstream.Received::json)
                .filter(json -> json.path("model").asText().equals(upstreamModel))
                .reduce((first, second) -> second).orElseThrow(() -> new AssertionError("no request for " + upstreamModel));
    }

    @Test
    void thePageOffersTheParametersCompareAndImagesOnlyForModelsThatTakeThem() {
        UiClient ui = new UiClient(gateway);
        ui.login(inferenceKey("page reader").secret());
        String page = ui.get("/playground?model=" + VISION).body();

        assertThat(page).contains("id=\"pg-temperature\"", "id=\"pg-max-tokens\"", "id=\"pg-top-p\"", "id=\"pg-system\"",
                "id=\"pg-compare\"", "id=\"pg-image\"",
                "value=\"" + VISION + "\" data-providers=\"fake\" selected data-images=\"true\"",
                "value=\"" + TEXT_ONLY + "\" data-providers=\"fake\" data-images=\"false\"");
        // an inference key's session is billed to itself: no key to pick
        assertThat(page).doesNotContain("id=\"pg-key\"");
    }

    @Test
    void everyControlReachesTheUpstreamBody() {
        UiClient ui = new UiClient(gateway);
        ui.login(inferenceKey("controls").secret());
        String csrf = ui.csrf("/playground");
        int before = upstream.requestCount();
        // the body the playground's script builds from its controls
        String body = """
                {"model":"%s","stream":true,"temperature":0.3,"top_p":0.9,"max_tokens":64,
                 "messages":[{"role":"system","content":"Answer like a pirate."},
                             {"role":"user","content":[{"type":"text","text":"What is in this picture?"},
                                                       {"type":"image_url","image_url":{"url":"%s"}}]}]}
                """.formatted(VISION, PNG);

        HttpResponse<String> answer = ui.postJson("/playground/chat", body, Map.of("X-CSRF-Token", csrf));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("Hello", "data: [DONE]");
        JsonNode sent = lastBodyFor("upstream-vision", before);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(sent.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("Answer like a pirate.");
        JsonNode parts = sent.path("messages").get(1).path("content");
        assertThat(parts.get(0).path("text").asText()).isEqualTo("What is in this picture?");
        assertThat(parts.get(1).path("type").asText()).isEqualTo("image_url");
        assertThat(parts.get(1).path("image_url").path("url").asText()).isEqualTo(PNG);
    }

    @Test
    void compareModeStreamsTwoModelsAtOnce() {
        UiClient ui = new UiClient(gateway);
        ui.login(inferenceKey("comparer").secret());
        String csrf = ui.csrf("/playground");
        int before = upstream.requestCount();

        // the script sends one request per column, at once
        CompletableFuture<HttpResponse<String>> left = CompletableFuture.supplyAsync(() ->
                ui.postJson("/playground/chat", chat(VISION, "Compare me"), Map.of("X-CSRF-Token", csrf)));
        CompletableFuture<HttpResponse<String>> right = CompletableFuture.supplyAsync(() ->
                ui.postJson("/playground/chat", chat(TEXT_ONLY, "Compare me"), Map.of("X-CSRF-Token", csrf)));

        for (HttpResponse<String> answer : List.of(left.join(), right.join())) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("data: [DONE]");
        }
        assertThat(lastBodyFor("upstream-vision", before).path("messages").get(0).path("content").asText()).isEqualTo("Compare me");
        assertThat(lastBodyFor("upstream-text", before).path("messages").get(0).path("content").asText()).isEqualTo("Compare me");
    }

    @Test
    void theAdminsSessionPicksAKeyByHashWithDefaultPreselectedAndNoSecretShown() {
        Key other = inferenceKey("a second key");
        UiClient admin = new UiClient(gateway);
        admin.login(ADMIN);
        String page = admin.get("/playground").body();

        String defaultHash = keyHash("default");
        assertThat(page).contains("id=\"pg-key\"", "value=\"" + defaultHash + "\" selected", "value=\"" + other.hash() + "\"")
                .doesNotContain("value=\"" + other.hash() + "\" selected", other.secret())
                .doesNotContain("cannot call models. Log in with an inference key");
    }

    @Test
    void theAdminsSessionIsBilledToTheChosenKey() {
        Key billed = inferenceKey("billed by the admin");
        Key bystander = inferenceKey("bystander");
        UiClient admin = new UiClient(gateway);
        admin.login(ADMIN);
        String csrf = admin.csrf("/playground");

        HttpResponse<String> answer = admin.postJson("/playground/chat?key=" + billed.hash(), chat(VISION, "Bill it"),
                Map.of("X-CSRF-Token", csrf));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String id = answer.headers().firstValue("x-generation-id").orElseThrow();
        // the generation is the billed key's: that key reads it, another key does not
        HttpResponse<String> generation = Poll.until(() -> gateway.call("GET", "/api/v1/generation?id=" + id, billed.secret(), null),
                r -> r.statusCode() == 200, Duration.ofSeconds(10));
        assertThat(Json.parse(generation.body()).path("data").path("model").asText()).isEqualTo(VISION);
        assertThat(gateway.call("GET", "/api/v1/generation?id=" + id, bystander.secret(), null).statusCode()).isEqualTo(404);
        String usage = Poll.until(() -> gateway.call("GET", "/api/v1/key", billed.secret(), null).body(),
                body -> Json.parse(body).path("data").path("usage").asDouble() > 0, Duration.ofSeconds(10));
        assertThat(Json.parse(usage).path("data").path("usage").asDouble()).isPositive();
    }

    @Test
    void theAdminsSessionNeedsAKeyThatExistsAndIsUsable() {
        Key disabled = inferenceKey("disabled for the admin");
        assertThat(gateway.call("PATCH", "/api/v1/keys/" + disabled.hash(), ADMIN, "{\"disabled\":true}").statusCode()).isEqualTo(200);
        UiClient admin = new UiClient(gateway);
        admin.login(ADMIN);
        String csrf = admin.csrf("/playground");
        int before = upstream.requestCount();

        HttpResponse<String> none = admin.postJson("/playground/chat", chat(VISION, "x"), Map.of("X-CSRF-Token", csrf));
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(Json.parse(none.body()).path("error").path("message").asText()).startsWith("key:");
        HttpResponse<String> unknown = admin.postJson("/playground/chat?key=0123abc", chat(VISION, "x"), Map.of("X-CSRF-Token", csrf));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(Json.parse(unknown.body()).path("error").path("message").asText()).contains("no inference key has this hash");
        HttpResponse<String> off = admin.postJson("/playground/chat?key=" + disabled.hash(), chat(VISION, "x"), Map.of("X-CSRF-Token", csrf));
        assertThat(off.statusCode()).isEqualTo(403);
        assertThat(Json.parse(off.body()).path("error").path("message").asText()).contains("disabled");
        assertThat(upstream.requestCount()).isEqualTo(before);
    }

    @Test
    void onlyTheAdminsSessionMayPickTheKey() {
        Key own = inferenceKey("own key");
        Key other = inferenceKey("someone else's");
        UiClient ui = new UiClient(gateway);
        ui.login(own.secret());
        String csrf = ui.csrf("/playground");

        HttpResponse<String> answer = ui.postJson("/playground/chat?key=" + other.hash(), chat(VISION, "x"), Map.of("X-CSRF-Token", csrf));

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(Json.parse(answer.body()).path("error").path("type").asText()).isEqualTo("permission_error");
    }

    @Test
    void theAdminsChatStillNeedsTheSessionsCsrfToken() {
        Key billed = inferenceKey("csrf target");
        UiClient admin = new UiClient(gateway);
        admin.login(ADMIN);
        String csrf = admin.csrf("/playground");
        int before = upstream.requestCount();

        HttpResponse<String> none = admin.postJson("/playground/chat?key=" + billed.hash(), chat(VISION, "x"), Map.of());
        HttpResponse<String> wrong = admin.postJson("/playground/chat?key=" + billed.hash(), chat(VISION, "x"),
                Map.of("X-CSRF-Token", csrf + "x"));

        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(upstream.requestCount()).isEqualTo(before);
    }

    private static String keyHash(String name) {
        JsonNode keys = Json.parse(gateway.call("GET", "/api/v1/keys", ADMIN, null).body()).path("data");
        for (JsonNode key : keys) {
            if (key.path("name").asText().equals(name)) {
                return key.path("hash").asText();
            }
        }
        throw new AssertionError("no key named " + name + " in " + keys);
    }
}
