package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Bedrock's error statuses and bodies → upstream failures. */
class BedrockErrorsTest {
    private static final EndpointId ENDPOINT = new EndpointId(new ModelId("test/bed"), new ProviderId("bed"));

    /** A recorded error fixture: {status, headers, body}. */
    private static UpstreamFailure.ErrorStatus fromFixture(String fixture) {
        JsonNode error = Json.parse(Fixtures.bytes(fixture));
        return BedrockErrors.parse(ENDPOINT, error.get("status").asInt(), error.at("/headers/x-amzn-errortype").asText(),
                Json.bytes(error.get("body")), null);
    }

    private static UpstreamFailure.ErrorStatus parse(int status, String type, String body) {
        return BedrockErrors.parse(ENDPOINT, status, type, body.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void throttlingIsA429WithBedrocksMessage() {
        UpstreamFailure.ErrorStatus failure = fromFixture("bedrock/error_throttling_429.json");

        assertThat(failure.status()).isEqualTo(429);
        assertThat(failure.code()).isEqualTo("ThrottlingException");
        assertThat(failure.getMessage()).isEqualTo("Too many requests, please wait before trying again.");
    }

    @Test
    void aValidationExceptionIsTheClientsBadRequest() {
        UpstreamFailure.ErrorStatus failure = fromFixture("bedrock/error_validation_400.json");

        assertThat(failure.status()).isEqualTo(400);
        assertThat(failure.type()).isEqualTo("invalid_request_error");
        assertThat(failure.code()).isEqualTo("ValidationException");
        assertThat(failure.getMessage()).startsWith("The content field in the Message object at messages.1 is empty.");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "403, AccessDeniedException:http://internal.amazon.com/coral/com.amazon.bedrock/, 403",
            "401, UnrecognizedClientException, 401",
            "404, ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.bedrock/, 404",
            "400, ServiceQuotaExceededException:http://internal.amazon.com/coral/com.amazon.bedrock/, 429",
            "429, ModelNotReadyException, 429",
            "424, ModelErrorException, 502",
            "500, InternalServerException, 500",
            "503, ServiceUnavailableException, 503"})
    void keepsOrAdjustsTheStatusSoTheGatewayPolicyDecides(int status, String type, int reported) {
        UpstreamFailure.ErrorStatus failure = parse(status, type, "{\"message\":\"m\"}");

        assertThat(failure.status()).isEqualTo(reported);
        assertThat(failure.code()).isEqualTo(type.split(":")[0]);
    }

    @Test
    void anInputTooLongIsAContextLengthErrorSoALargerEndpointMayBeTried() {
        UpstreamFailure.ErrorStatus failure = parse(400, "ValidationException", "{\"message\":\"Input is too long for requested model.\"}");

        assertThat(failure.status()).isEqualTo(400);
        assertThat(failure.code()).isEqualTo("context_length_exceeded");
    }

    @Test
    void readsTheTypeFromTheBodyWhenTheHeaderIsMissingAndKeepsRetryAfter() {
        UpstreamFailure.ErrorStatus failure = BedrockErrors.parse(ENDPOINT, 429, null,
                "{\"__type\":\"com.amazon.bedrock#ThrottlingException\",\"Message\":\"slow down\"}".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(3));

        assertThat(failure.code()).isEqualTo("ThrottlingException");
        assertThat(failure.getMessage()).isEqualTo("slow down");
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void anEmptyOrNonJsonBodyStillGivesAMessage() {
        assertThat(parse(502, null, "").getMessage()).isEqualTo("HTTP 502 from provider");
        assertThat(parse(502, null, "<html>Bad Gateway</html>").getMessage()).isEqualTo("provider bed answered HTTP 502 with an HTML page instead of an API error");
        assertThat(parse(500, "InternalServerException", "{}").getMessage()).isEqualTo("HTTP 500 from provider (InternalServerException)");
    }
}
