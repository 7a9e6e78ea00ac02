package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatOutput;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A Responses API Response as a chat.completion, on every recorded non-streamed Response. */
class ResponsesCompletionTest {
    private static final String DIR = "recorded/openai-responses/";
    private static final EndpointId ENDPOINT = new EndpointId(new ModelId("openai/gpt-5"), new ProviderId("openai"));

    private static JsonNode completion(String file) {
        return Json.parse(ResponsesCompletion.toCompletion(Fixtures.bytes(DIR + file), 1_800_000_000L));
    }

    private static JsonNode message(JsonNode completion) {
        return completion.path("choices").path(0).path("message");
    }

    @ParameterizedTest
    @ValueSource(strings = {"issue-20047-openai-responses.json", "issue-6454-root-definitions-success.json",
            "issue-7082-o3-optional-tool-parameters.json", "openai-multiple-output-text-parts.1.json",
            "openai-phase.1.json", "openai-reasoning-encrypted-content.1.json", "openai-web-search-tool.1.json"})
    void everyRecordedResponseBecomesACompletionThatCarriesTheResponseAsItCame(String file) {
        byte[] json = ResponsesCompletion.toCompletion(Fixtures.bytes(DIR + file), 1_800_000_000L);
        JsonNode upstream = Json.parse(Fixtures.bytes(DIR + file));
        JsonNode completion = Json.parse(json);

        assertThat(completion.get("x_responses_response")).isEqualTo(upstream);
        assertThat(completion.path("id").asText()).isEqualTo(upstream.path("id").asText());
        assertThat(completion.path("model").asText()).isEqualTo(upstream.path("model").asText());
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("created").asLong()).isEqualTo(upstream.path("created_at").asLong());
        // what the gateway reads from it: content began, a finish reason, usage
        ChatOutput scanned = ChatOutput.completion(json);
        assertThat(scanned.hasContent()).isTrue();
        assertThat(scanned.finishReason()).isIn("stop", "tool_calls");
        assertThat(scanned.usage().path("prompt_tokens").asLong()).isEqualTo(upstream.path("usage").path("input_tokens").asLong());
        assertThat(scanned.usage().path("completion_tokens").asLong()).isEqualTo(upstream.path("usage").path("output_tokens").asLong());
        assertThat(scanned.usage().path("total_tokens").asLong()).isEqualTo(upstream.path("usage").path("total_tokens").asLong());
    }

    @Test
    void textComesFromTheOutputTextPartsJoinedWithoutASeparator() {
        assertThat(message(completion("issue-20047-openai-responses.json")).path("content").asText()).isEqualTo("OK");
        assertThat(message(completion("openai-multiple-output-text-parts.1.json")).path("content").asText())
                .isEqualTo("First. Second.");
        assertThat(message(completion("issue-6454-root-definitions-success.json")).path("content").asText())
                .isEqualTo("{\"elements\":[{\"shared\":\"works\"}]}");
        JsonNode phases = completion("openai-phase.1.json");
        assertThat(message(phases).path("content").asText())
                .startsWith("I’ll quickly check reliable, up-to-date sources").hasSizeGreaterThan(400);
        assertThat(phases.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aFunctionCallItemIsAToolCallNamedByItsCallId() {
        JsonNode completion = completion("issue-7082-o3-optional-tool-parameters.json");
        JsonNode message = message(completion);

        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.path("tool_calls")).hasSize(1);
        JsonNode call = message.path("tool_calls").path(0);
        assertThat(call.path("id").asText()).isEqualTo("call_TXveU5dZ1lW6uhMbjhUIE9Gq");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("semantic_scholar_search");
        assertThat(call.path("function").path("arguments").asText())
                .isEqualTo("{\"query\":\"machine learning\",\"limit\":10,\"offset\":0,\"year\":0}");
        assertThat(completion.path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(completion.path("usage").path("completion_tokens_details").path("reasoning_tokens").asLong()).isEqualTo(192);
    }

    @Test
    void reasoningSummariesBecomeReasoningText() {
        JsonNode message = message(completion("openai-reasoning-encrypted-content.1.json"));

        assertThat(message.path("reasoning").asText()).startsWith("**Reporting final result**");
        assertThat(message.path("content").asText()).isEqualTo("12 + 7 = 19\n19 × 3 = 57\n57 × 10 = 570\n\nFinal result: 570");
    }

    @Test
    void cachedAndReasoningTokensGoToTheChatUsageDetails() {
        JsonNode usage = completion("openai-web-search-tool.1.json").path("usage");

        assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(19_681);
        assertThat(usage.path("completion_tokens").asLong()).isEqualTo(3_773);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(23_454);
        assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(3_712);
        assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asLong()).isEqualTo(3_136);
    }

    @Test
    void anIncompleteResponseFinishesByItsReason() {
        assertThat(finishReasonOf("{\"id\":\"r\",\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},"
                + "\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"cut\"}]}]}"))
                .isEqualTo("length");
        assertThat(finishReasonOf("{\"id\":\"r\",\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"content_filter\"},"
                + "\"output\":[]}")).isEqualTo("content_filter");
    }

    @Test
    void aResponseWithoutUsageLeavesTheCountToTheGateway() {
        JsonNode completion = Json.parse(ResponsesCompletion.toCompletion(
                "{\"id\":\"r\",\"status\":\"completed\",\"output\":[]}".getBytes(StandardCharsets.UTF_8), 5));

        assertThat(completion.has("usage")).isFalse();
        assertThat(completion.path("created").asLong()).isEqualTo(5);
        assertThat(message(completion).path("content").asText()).isEmpty();
    }

    @Test
    void aFailedResponseIsAFailureByItsCode() {
        FailedResponse quota = failure("{\"id\":\"r\",\"status\":\"failed\",\"output\":[],"
                + "\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\"}}");
        assertThat(quota.toFailure(ENDPOINT)).isInstanceOfSatisfying(UpstreamFailure.ErrorStatus.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.code()).isEqualTo("rate_limit_exceeded");
            assertThat(e.getMessage()).contains("slow down");
        });
        FailedResponse prompt = failure("{\"id\":\"r\",\"status\":\"failed\",\"output\":[],"
                + "\"error\":{\"code\":\"invalid_prompt\",\"message\":\"no\"}}");
        assertThat(prompt.toFailure(ENDPOINT)).isInstanceOfSatisfying(UpstreamFailure.ErrorStatus.class,
                e -> assertThat(e.status()).isEqualTo(400));
        FailedResponse server = failure("{\"id\":\"r\",\"status\":\"failed\",\"output\":[],"
                + "\"error\":{\"code\":\"server_error\",\"message\":\"oops\"}}");
        assertThat(server.toFailure(ENDPOINT)).isInstanceOf(UpstreamFailure.InvalidResponse.class);
        assertThat(failure("{\"id\":\"r\",\"status\":\"failed\",\"output\":[]}").toFailure(ENDPOINT))
                .isInstanceOf(UpstreamFailure.InvalidResponse.class);
    }

    @Test
    void anErrorBodyOrSomethingElseIsNotAResponse() {
        assertThat(failure(new String(Fixtures.bytes(DIR + "openai-error.1.json"), StandardCharsets.UTF_8)).code())
                .isEqualTo("insufficient_quota");
        assertThat(catchThrowableOfType(UnusableResponse.class,
                () -> ResponsesCompletion.toCompletion("{\"choices\":[]}".getBytes(StandardCharsets.UTF_8), 0)))
                .hasMessageContaining("without a Response");
        assertThat(catchThrowableOfType(UnusableResponse.class,
                () -> ResponsesCompletion.toCompletion("not json".getBytes(StandardCharsets.UTF_8), 0)))
                .hasMessageContaining("invalid JSON");
    }

    private static String finishReasonOf(String response) {
        return Json.parse(ResponsesCompletion.toCompletion(response.getBytes(StandardCharsets.UTF_8), 0))
                .path("choices").path(0).path("finish_reason").asText();
    }

    private static FailedResponse failure(String body) {
        return catchThrowableOfType(FailedResponse.class,
                () -> ResponsesCompletion.toCompletion(body.getBytes(StandardCharsets.UTF_8), 0));
    }
}
