package dev.switchboard.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.json;
import static dev.switchboard.testing.FakeUpstream.sse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenTelemetry: a SERVER span per request continuing the caller's {@code traceparent}, a CLIENT
 * span per upstream attempt with the GenAI attributes, and the attempt's context sent upstream.
 */
class TracingTest {
    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CALLER_SPAN = "00f067aa0ba902b7";

    InMemorySpanExporter spans;
    OpenTelemetrySdk sdk;
    FakeUpstream alpha;
    FakeUpstream beta;
    TestGateway gateway;

    @BeforeEach
    void start() {
        spans = InMemorySpanExporter.create();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .build();
        alpha = FakeUpstream.start();
        beta = FakeUpstream.start();
        gateway = TestGateway.start("providers:\n"
                + Upstreams.provider("alpha", alpha)
                + Upstreams.provider("beta", beta)
                + "models:\n"
                + Upstreams.model("test/model", "alpha", "beta"), Map.of(), sdk);
    }

    @AfterEach
    void stop() {
        gateway.close();
        alpha.close();
        beta.close();
        sdk.close();
    }

    private OpenAIClient client() {
        return OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl())
                .apiKey("unused")
                .maxRetries(0)
                .timeout(java.time.Duration.ofSeconds(30))
                .putHeader("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01")
                .build();
    }

    private static ChatCompletionCreateParams.Builder ask() {
        return ChatCompletionCreateParams.builder().model("test/model").addUserMessage("Hi")
                .putAdditionalBodyProperty("provider", JsonValue.from(Map.of("order", List.of("alpha", "beta"))));
    }

    private List<SpanData> ofKind(SpanKind kind) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).toList();
    }

    private static String attribute(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    private static Long longAttribute(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.longKey(key));
    }

    @Test
    void aRequestContinuesTheCallersTraceAndPropagatesItUpstream() {
        alpha.enqueue(fixture(200, "openai/chat_nonstream.json"));

        client().chat().completions().create(ask().build());

        SpanData server = ofKind(SpanKind.SERVER).getFirst();
        assertThat(server.getName()).isEqualTo("chat test/model");
        assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(server.getParentSpanId()).isEqualTo(CALLER_SPAN);
        assertThat(attribute(server, "gen_ai.operation.name")).isEqualTo("chat");
        assertThat(attribute(server, "gen_ai.request.model")).isEqualTo("test/model");
        assertThat(attribute(server, "gen_ai.response.model")).isEqualTo("test/model");
        assertThat(attribute(server, "gen_ai.provider.name")).isEqualTo("alpha");
        assertThat(attribute(server, "gen_ai.response.id")).startsWith("gen-");
        assertThat(longAttribute(server, "gen_ai.usage.input_tokens")).isPositive();
        assertThat(longAttribute(server, "gen_ai.usage.output_tokens")).isPositive();
        assertThat(server.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                .containsExactly("stop");

        SpanData attempt = ofKind(SpanKind.CLIENT).getFirst();
        assertThat(attempt.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(attempt.getName()).isEqualTo("chat upstream-alpha");
        assertThat(attribute(attempt, "gen_ai.provider.name")).isEqualTo("alpha");
        assertThat(attribute(attempt, "gen_ai.request.model")).isEqualTo("upstream-alpha");
        assertThat(attribute(attempt, "gen_ai.response.id")).isNotBlank();

        String sent = alpha.last().header("traceparent");
        assertThat(sent).isEqualTo("00-" + TRACE_ID + "-" + attempt.getSpanId() + "-01");
    }

    @Test
    void aFallbackMakesTwoAttemptSpansAndTheFailedOneSaysWhy() {
        alpha.enqueue(json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
        beta.enqueue(fixture(200, "openai/chat_nonstream.json"));

        client().chat().completions().create(ask().build());

        List<SpanData> attempts = ofKind(SpanKind.CLIENT);
        assertThat(attempts).hasSize(2);
        SpanData failed = attempts.stream().filter(s -> "alpha".equals(attribute(s, "gen_ai.provider.name")))
                .findFirst().orElseThrow();
        SpanData served = attempts.stream().filter(s -> "beta".equals(attribute(s, "gen_ai.provider.name")))
                .findFirst().orElseThrow();
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attribute(failed, "error.type")).isEqualTo("500");
        assertThat(served.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(alpha.last().header("traceparent")).contains(failed.getSpanId());
        assertThat(beta.last().header("traceparent")).contains(served.getSpanId());
        SpanData server = ofKind(SpanKind.SERVER).getFirst();
        assertThat(List.of(failed.getParentSpanId(), served.getParentSpanId())).containsOnly(server.getSpanId());
        assertThat(longAttribute(server, "switchboard.attempts")).isEqualTo(2L);
    }

    @Test
    void aStreamEndsItsSpansWithItsUsage() {
        alpha.enqueue(sse(Fixtures.text("openai/chat_stream_text.sse")));

        try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions()
                .createStreaming(ask().build())) {
            assertThat(stream.stream().count()).isPositive();
        }

        SpanData server = ofKind(SpanKind.SERVER).getFirst();
        assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(longAttribute(server, "gen_ai.usage.output_tokens")).isPositive();
        assertThat(server.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
                .isNotNull().isNotNegative();
        assertThat(ofKind(SpanKind.CLIENT)).singleElement()
                .satisfies(attempt -> assertThat(attempt.getTraceId()).isEqualTo(TRACE_ID));
    }

    @Test
    void aRequestWithoutTraceparentStartsItsOwnTrace() {
        alpha.enqueue(fixture(200, "openai/chat_nonstream.json"));

        gateway.openAi().chat().completions().create(ask().build());

        SpanData server = ofKind(SpanKind.SERVER).getFirst();
        assertThat(server.getParentSpanContext().isValid()).isFalse();
        assertThat(alpha.last().header("traceparent")).startsWith("00-" + server.getTraceId() + "-");
    }

    @Test
    void anErrorAnswerMarksTheRequestSpan() {
        var response = gateway.post("/v1/chat/completions",
                "{\"model\":\"nobody/none\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(response.statusCode()).isEqualTo(404);

        SpanData server = ofKind(SpanKind.SERVER).getFirst();
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attribute(server, "error.type")).isEqualTo("404");
        assertThat(ofKind(SpanKind.CLIENT)).isEmpty();
    }
}
