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

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.sseEvents;
import static org.assertj.core.api.Assertions.assertThat;

/** Gemini's errors lead to the same fallbacks as any provider's. */
class GeminiFallbackTest {
    FakeUpstream first;
    FakeUpstream second;
    TestGateway gateway;

    @BeforeEach
    void start() {
        first = FakeUpstream.start();
        second = FakeUpstream.start();
        gateway = TestGateway.start("routing: { max_attempts: 4, default_cooldown_ms: 60000 }\n"
                + "providers:\n"
                + GeminiUpstreamTest.geminiProvider("first", first)
                + GeminiUpstreamTest.geminiProvider("second", second)
                + "models:\n"
                + Upstreams.model("test/gem", "first", "second")
                + Upstreams.model("test/only-first", "first"));
    }

    @AfterEach
    void stop() {
        gateway.close();
        first.close();
        second.close();
    }

    private HttpResponse<String> ask(String model, String extra) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}],\"provider\":{\"order\":[\"first\",\"second\"]}" + extra + "}");
    }

    @Test
    void fallsBackOn429AndCoolsTheEndpointDownForItsRetryInfoDelay() {
        first.enqueue(fixture(429, "gemini/error_429.json"));
        second.always(fixture(200, "gemini/generate.json"));

        HttpResponse<String> response = ask("test/gem", "");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).get("provider").asText()).isEqualTo("Second");
        assertThat(first.last().path()).isEqualTo("/v1beta/models/upstream-first:generateContent");
        assertThat(second.last().path()).isEqualTo("/v1beta/models/upstream-second:generateContent");
        assertThat(second.last().header("x-goog-api-key")).isEqualTo("AIza-second");
        // RetryInfo asked for 34.4 s: the first endpoint is kept only as a last resort meanwhile
        assertThat(gateway.post("/v1/chat/completions", "{\"model\":\"test/gem\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}],\"provider\":{\"sort\":\"price\"}}").statusCode()).isEqualTo(200);
        assertThat(first.requestCount()).isEqualTo(1);
        assertThat(second.requestCount()).isEqualTo(2);
        assertThat(gateway.get("/v1/models/test/gem/endpoints").body()).contains("\"status\":\"cooldown\"");
    }

    @Test
    void aStreamFallsBackOn429BeforeAnythingReachedTheClient() {
        first.enqueue(fixture(429, "gemini/error_429.json"));
        second.enqueue(sseEvents(Fixtures.text("gemini/stream.sse"), 1));

        HttpResponse<String> response = ask("test/gem", ",\"stream\":true");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"provider\":\"Second\"").doesNotContain("\"provider\":\"First\"")
                .doesNotContain("\"error\"").endsWith("data: [DONE]\n\n");
        assertThat(second.last().query()).isEqualTo("alt=sse");
    }

    @Test
    void fallsBackWhenGoogleSaysTheKeyIsInvalidAsForA401() {
        first.enqueue(fixture(400, "gemini/error_400_invalid_api_key.json"));
        second.enqueue(fixture(200, "gemini/generate.json"));

        HttpResponse<String> response = ask("test/gem", "");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).get("provider").asText()).isEqualTo("Second");
    }

    @Test
    void anInvalidKeyOnTheOnlyEndpointIsReportedAsTheProvidersFailureNotTheClients() {
        first.enqueue(fixture(400, "gemini/error_400_invalid_api_key.json"));

        HttpResponse<String> response = ask("test/only-first", "");

        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode attempt = Json.parse(response.body()).at("/error/metadata/attempts/0");
        assertThat(attempt.get("status").asInt()).isEqualTo(401);
        assertThat(attempt.get("message").asText()).isEqualTo("API key not valid. Please pass a valid API key.");
    }
}
