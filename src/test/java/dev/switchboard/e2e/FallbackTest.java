package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.hang;
import static dev.switchboard.testing.FakeUpstream.json;
import static dev.switchboard.testing.FakeUpstream.sseCutAfter;
import static dev.switchboard.testing.FakeUpstream.sseEvents;
import static org.assertj.core.api.Assertions.assertThat;

/** Falling back across endpoints and models when an upstream fails, and the errors when all do. */
class FallbackTest {
    FakeUpstream alpha;
    FakeUpstream beta;
    TestGateway gateway;

    @BeforeEach
    void start() {
        alpha = FakeUpstream.start();
        beta = FakeUpstream.start();
        gateway = TestGateway.start("routing: { max_attempts: 4, default_cooldown_ms: 60000 }\n"
                + "providers:\n"
                + Upstreams.provider("alpha", alpha, "timeouts: { first_token_ms: 400 }")
                + Upstreams.provider("beta", beta, "timeouts: { first_token_ms: 400 }")
                + "models:\n"
                + Upstreams.model("test/model", "alpha", "beta")
                + Upstreams.model("test/only-alpha", "alpha")
                + Upstreams.model("test/only-beta", "beta"));
    }

    @AfterEach
    void stop() {
        gateway.close();
        alpha.close();
        beta.close();
    }

    private HttpResponse<String> ask(String extra) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"provider\":{\"order\":[\"alpha\",\"beta\"]}" + extra + "}");
    }

    @Test
    void fallsBackToTheNextProviderOn500() {
        alpha.enqueue(json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
        beta.enqueue(fixture(200, "openai/chat_nonstream.json"));

        HttpResponse<String> response = ask("");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).get("provider").asText()).isEqualTo("Beta");
        assertThat(alpha.requestCount()).isEqualTo(1);
        assertThat(beta.requestCount()).isEqualTo(1);
    }

    @Test
    void fallsBackOn429AndCoolsTheProviderDownForItsRetryAfter() {
        alpha.enqueue(json(429, Fixtures.text("openai/error_429.json"), Map.of("retry-after", "30")));
        beta.always(fixture(200, "openai/chat_nonstream.json"));

        assertThat(ask("").statusCode()).isEqualTo(200);
        // alpha is cooling down: even when asked first it is kept only as a last resort
        HttpResponse<String> second = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"provider\":{\"sort\":\"price\"}}");

        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(alpha.requestCount()).isEqualTo(1);
        assertThat(beta.requestCount()).isEqualTo(2);
        assertThat(gateway.get("/v1/models/test/model/endpoints").body()).contains("\"status\":\"cooldown\"");
    }

    @Test
    void fallsBackInvisiblyWhenAStreamBreaksBeforeItsFirstToken() {
        // alpha sends only its role chunk, then drops the connection
        alpha.enqueue(sseCutAfter(Fixtures.text("openai/chat_stream_text.sse"), 1));
        beta.enqueue(sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 1));

        HttpResponse<String> response = ask(",\"stream\":true");

        assertThat(response.statusCode()).isEqualTo(200);
        String body = response.body();
        assertThat(body).doesNotContain("\"error\"");
        assertThat(body.split("\"role\":\"assistant\"", -1)).hasSize(2); // exactly one role chunk
        assertThat(body).contains("\"provider\":\"Beta\"").doesNotContain("\"provider\":\"Alpha\"");
        assertThat(body).endsWith("data: [DONE]\n\n");
    }

    @Test
    void triesTheModelsFallbackListInOrder() {
        alpha.always(json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        beta.enqueue(fixture(200, "openai/chat_nonstream.json"));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/only-alpha\",\"models\":[\"test/only-beta\"],\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Json.parse(response.body());
        assertThat(body.get("model").asText()).isEqualTo("test/only-beta");
        assertThat(body.get("provider").asText()).isEqualTo("Beta");
    }

    @Test
    void passesABadRequestThroughWithoutTryingOthers() {
        alpha.enqueue(json(400, Fixtures.text("openai/error_400_unsupported_parameter.json")));

        HttpResponse<String> response = ask("");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Json.parse(response.body()).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(400);
        assertThat(error.get("message").asText()).contains("Unsupported parameter: 'max_tokens'");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").asText()).isEqualTo("max_tokens");
        assertThat(beta.requestCount()).isZero();
    }

    @Test
    void answers502WithEveryAttemptWhenAllProvidersFail() {
        alpha.enqueue(json(500, "{\"error\":{\"message\":\"alpha down\"}}"));
        beta.enqueue(json(502, "upstream proxy error"));

        HttpResponse<String> response = ask("");

        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode error = Json.parse(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("upstream_error");
        JsonNode attempts = error.path("metadata").path("attempts");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).get("provider").asText()).isEqualTo("alpha");
        assertThat(attempts.get(0).get("status").asInt()).isEqualTo(500);
        assertThat(attempts.get(0).get("message").asText()).isEqualTo("alpha down");
        assertThat(attempts.get(1).get("provider").asText()).isEqualTo("beta");
        assertThat(attempts.get(1).get("message").asText()).isEqualTo("upstream proxy error");
    }

    @Test
    void fallsBackWhenAProviderDoesNotAnswerInTime() {
        alpha.enqueue(hang());
        beta.enqueue(fixture(200, "openai/chat_nonstream.json"));

        HttpResponse<String> response = ask("");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).get("provider").asText()).isEqualTo("Beta");
    }

    @Test
    void answers504WhenEveryProviderTimesOut() {
        alpha.enqueue(hang());
        beta.enqueue(hang());

        HttpResponse<String> response = ask("");

        assertThat(response.statusCode()).isEqualTo(504);
        JsonNode error = Json.parse(response.body()).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(504);
        assertThat(error.path("metadata").path("attempts")).hasSize(2);
    }

    @Test
    void answers429WithRetryAfterWhenEveryProviderRateLimits() {
        alpha.enqueue(json(429, Fixtures.text("openai/error_429.json"), Map.of("retry-after", "7")));
        beta.enqueue(json(429, Fixtures.text("azure/error_429.json"), Map.of("retry-after", "3")));

        HttpResponse<String> response = ask("");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("3");
        assertThat(Json.parse(response.body()).path("error").path("type").asText()).isEqualTo("rate_limit_error");
    }

    @Test
    void keepsToTheOrderedProviderWhenFallbacksAreDisabled() {
        alpha.enqueue(json(500, "{\"error\":{\"message\":\"alpha down\"}}"));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                        + "\"provider\":{\"order\":[\"alpha\"],\"allow_fallbacks\":false}}");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(beta.requestCount()).isZero();
    }
}
