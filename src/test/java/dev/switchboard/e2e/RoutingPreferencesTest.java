package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static org.assertj.core.api.Assertions.assertThat;

/** Endpoint choice end to end: context size, data policy, price sort, and the 503 that explains itself. */
class RoutingPreferencesTest {
    static FakeUpstream small;
    static FakeUpstream large;
    static FakeUpstream trainer;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        small = FakeUpstream.start();
        large = FakeUpstream.start();
        trainer = FakeUpstream.start();
        gateway = TestGateway.start("""
                providers:
                  - { id: small, name: Small, protocol: openai, base_url: "%s", data_policy: { training: false, retention_days: 0 } }
                  - { id: large, name: Large, protocol: openai, base_url: "%s", data_policy: { training: false, retention_days: 30 } }
                  - { id: trainer, name: Trainer, protocol: openai, base_url: "%s", data_policy: { training: true } }
                models:
                  - id: test/model
                    name: Test
                    context_length: 100000
                    tokenizer: o200k_base
                    pricing: { prompt: 1, completion: 1 }
                    endpoints:
                      - { provider: small, upstream_model: m-small, context_length: 1000, pricing: { prompt: 0.5, completion: 0.5 } }
                      - { provider: large, upstream_model: m-large, pricing: { prompt: 3, completion: 3 } }
                      - { provider: trainer, upstream_model: m-trainer, pricing: { prompt: 0.1, completion: 0.1 } }
                """.formatted(small.baseUrl(), large.baseUrl(), trainer.baseUrl()));
    }

    @BeforeEach
    void replies() {
        for (FakeUpstream u : new FakeUpstream[]{small, large, trainer}) {
            u.always(fixture(200, "openai/chat_nonstream.json"));
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void stop() {
        gateway.close();
        small.close();
        large.close();
        trainer.close();
    }

    private static String provider(String body) {
        assertThat(Json.parse(body).has("provider")).as(body).isTrue();
        return Json.parse(body).get("provider").asText();
    }

    @Test
    void routesAPromptTooLongForOneEndpointToOneWhoseContextFits() {
        String longText = "lorem ipsum dolor sit amet ".repeat(400); // ~2,000 tokens: more than small's 1,000
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"test/model","messages":[{"role":"user","content":"%s"}],
                 "provider":{"order":["small","large"],"data_collection":"deny"}}""".formatted(longText));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(provider(response.body())).isEqualTo("Large");
    }

    @Test
    void usesTheSmallEndpointWhenThePromptFits() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"test/model","messages":[{"role":"user","content":"short"}],
                 "provider":{"order":["small","large"]}}""");

        assertThat(provider(response.body())).isEqualTo("Small");
    }

    @Test
    void skipsProvidersThatMayTrainWhenDataCollectionIsDenied() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"test/model","messages":[{"role":"user","content":"hi"}],
                 "provider":{"sort":"price","data_collection":"deny"}}""");

        assertThat(provider(response.body())).isEqualTo("Small"); // trainer is cheaper but may train on prompts
    }

    @Test
    void sortsByPriceWhenAsked() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"test/model","messages":[{"role":"user","content":"hi"}],"provider":{"sort":"price"}}""");

        assertThat(provider(response.body())).isEqualTo("Trainer");
    }

    @Test
    void answers400NamingWhichFilterExcludedWhichEndpoint() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"test/model","messages":[{"role":"user","content":"hi"}],
                 "provider":{"zdr":true,"ignore":["small"]}}""");

        // the client's own preferences exclude everything: no retry helps, so never a retryable 503
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Json.parse(response.body()).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(400);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        JsonNode rejections = error.path("metadata").path("rejections");
        assertThat(rejections).hasSize(3);
        assertThat(rejections.findValuesAsText("reason")).containsExactlyInAnyOrder("provider_ignore", "zdr", "zdr");
        assertThat(rejections.findValuesAsText("provider")).containsExactlyInAnyOrder("small", "large", "trainer");
    }

    @Test
    void answers400WhenTheOutputRequestedCannotFitAnyContext() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"test/model","messages":[{"role":"user","content":"hi"}],"max_tokens":200000}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.parse(response.body()).path("error").path("metadata").path("rejections").findValuesAsText("reason"))
                .containsOnly("context_length");
    }
}
