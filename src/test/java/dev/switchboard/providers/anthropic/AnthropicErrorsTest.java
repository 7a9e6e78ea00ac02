package dev.switchboard.providers.anthropic;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Anthropic error bodies (errors.md and recorded ones) as upstream failures. */
class AnthropicErrorsTest {
    private static final EndpointId ENDPOINT = new EndpointId(new ModelId("anthropic/claude-sonnet-4.5"),
            new ProviderId("anthropic"));

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "anthropic/error_400_invalid_beta.json, 400, invalid_request_error, Unexpected value(s) `invalid-beta-name`",
            "anthropic/error_404.json,              404, not_found_error,       The requested resource could not be found.",
            "anthropic/error_429.json,              429, rate_limit_error,      This request would exceed the rate limit",
            "anthropic/error_overloaded.json,       529, overloaded_error,      Overloaded"})
    void readsTheTypeAndMessageOfEveryDocumentedError(String fixture, int status, String type, String message) {
        UpstreamFailure.ErrorStatus failure = AnthropicErrors.parse(ENDPOINT, status, Fixtures.bytes(fixture), null);

        assertThat(failure.status()).isEqualTo(status);
        assertThat(failure.type()).isEqualTo(type);
        assertThat(failure.getMessage()).startsWith(message);
        assertThat(failure.endpoint()).isEqualTo(ENDPOINT);
    }

    @Test
    void keepsTheRetryAfterItIsGiven() {
        UpstreamFailure.ErrorStatus failure = AnthropicErrors.parse(ENDPOINT, 429, Fixtures.bytes("anthropic/error_429.json"),
                Duration.ofSeconds(30));

        assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anOverloadedErrorIsTransientWhateverItsStatus() {
        UpstreamFailure.ErrorStatus failure = AnthropicErrors.parse(ENDPOINT, 400, Fixtures.bytes("anthropic/error_overloaded.json"),
                null);

        assertThat(failure.status()).isEqualTo(529);
    }

    @Test
    void aBodyThatIsNotAnthropicsStillGivesAMessage() {
        assertThat(AnthropicErrors.parse(ENDPOINT, 502, "<html>Bad gateway</html>".getBytes(StandardCharsets.UTF_8), null)
                .getMessage()).isEqualTo("provider anthropic answered HTTP 502 with an HTML page instead of an API error");
        assertThat(AnthropicErrors.parse(ENDPOINT, 503, new byte[0], null).getMessage()).isEqualTo("HTTP 503 from provider");
        assertThat(AnthropicErrors.parse(ENDPOINT, 500, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\"}}"
                .getBytes(StandardCharsets.UTF_8), null).getMessage()).isEqualTo("api_error");
    }

    @Test
    void aLongMessageIsCut() {
        String body = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"" + "x".repeat(5_000) + "\"}}";

        assertThat(AnthropicErrors.parse(ENDPOINT, 400, body.getBytes(StandardCharsets.UTF_8), null).getMessage())
                .hasSize(1_003).endsWith("...");
    }
}
