package dev.switchboard.providers.gemini;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Google's error bodies as upstream failures. */
class GeminiErrorsTest {
    private static final EndpointId ENDPOINT = new EndpointId(new ModelId("google/gemini-2.5-flash"),
            new ProviderId("google-ai-studio"));

    private static UpstreamFailure.ErrorStatus parse(int status, String fixture, Duration retryAfter) {
        return GeminiErrors.parse(ENDPOINT, status, Fixtures.bytes(fixture), retryAfter);
    }

    private static UpstreamFailure.ErrorStatus parse(int status, String body) {
        return GeminiErrors.parse(ENDPOINT, status, body.getBytes(StandardCharsets.UTF_8), null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini/error_429.json", "recorded/vercel-ai/google/google-429-retry-info.json"})
    void aQuotaErrorWaitsForItsRetryInfoDelay(String fixture) {
        UpstreamFailure.ErrorStatus failure = parse(429, fixture, null);

        assertThat(failure.status()).isEqualTo(429);
        assertThat(failure.getMessage()).isEqualTo("You exceeded your current quota, please check your plan.");
        assertThat(failure.code()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofMillis(34_400));
        assertThat(failure.details()).hasSize(2);
        assertThat(failure.endpoint()).isEqualTo(ENDPOINT);
    }

    @Test
    void aRetryAfterHeaderWinsOverRetryInfo() {
        assertThat(parse(429, "gemini/error_429.json", Duration.ofSeconds(3)).retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void anInvalidKeyIsReportedAs401SoTheGatewayTriesAnotherEndpoint() {
        // Google answers 400 INVALID_ARGUMENT; the ErrorInfo reason says it is the key, not the request
        UpstreamFailure.ErrorStatus failure = parse(400, "gemini/error_400_invalid_api_key.json", null);

        assertThat(failure.status()).isEqualTo(401);
        assertThat(failure.code()).isEqualTo("API_KEY_INVALID");
        assertThat(failure.getMessage()).isEqualTo("API key not valid. Please pass a valid API key.");
    }

    @Test
    void anyOther400IsTheRequestsFault() {
        UpstreamFailure.ErrorStatus failure = parse(400, "{\"error\":{\"code\":400,\"message\":\"* GenerateContentRequest.contents:"
                + " contents is not specified\\n\",\"status\":\"INVALID_ARGUMENT\"}}");

        assertThat(failure.status()).isEqualTo(400);
        assertThat(failure.code()).isEqualTo("INVALID_ARGUMENT");
        assertThat(failure.getMessage()).startsWith("* GenerateContentRequest.contents");
        assertThat(failure.retryAfter()).isNull();
        assertThat(failure.details()).isNull();
    }

    @Test
    void readsAnErrorWrappedInAnArray() {
        assertThat(parse(503, "[{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}]")
                .getMessage()).isEqualTo("The model is overloaded.");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            502 | <html>Bad Gateway</html>         | provider google-ai-studio answered HTTP 502 with an HTML page instead of an API error
            500 | ''                               | HTTP 500 from provider
            503 | {"error":{"status":"UNAVAILABLE"}} | HTTP 503 from provider (UNAVAILABLE)
            404 | {"unexpected":true}              | {"unexpected":true}
            """)
    void keepsWhatItCanOfOtherBodies(int status, String body, String message) {
        UpstreamFailure.ErrorStatus failure = parse(status, body);

        assertThat(failure.status()).isEqualTo(status);
        assertThat(failure.getMessage()).isEqualTo(message);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            34.4s,   34400
            2s,      2000
            0.001s,  1
            1e9s,    3600000
            -1s,     0
            """)
    void readsRetryDelays(String delay, long millis) {
        assertThat(GeminiErrors.retryDelay(Json.object().put("retryDelay", delay))).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "34", "soon s", "PT3S"})
    void ignoresRetryDelaysItCannotRead(String delay) {
        assertThat(GeminiErrors.retryDelay(Json.object().put("retryDelay", delay))).isNull();
    }
}
