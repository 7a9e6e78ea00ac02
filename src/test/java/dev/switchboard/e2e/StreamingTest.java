package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.testing.FakeUpstream.delayed;
import static dev.switchboard.testing.FakeUpstream.json;
import static dev.switchboard.testing.FakeUpstream.sse;
import static dev.switchboard.testing.FakeUpstream.sseCutAfter;
import static dev.switchboard.testing.FakeUpstream.sseEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a streaming client sees when upstreams are slow, break off, or the client leaves. */
class StreamingTest {
    static final String REQUEST = "{\"model\":\"test/model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]"
            + ",\"provider\":{\"order\":[\"alpha\",\"beta\"]}}";
    FakeUpstream alpha;
    FakeUpstream beta;
    TestGateway gateway;

    @BeforeEach
    void start() {
        alpha = FakeUpstream.start();
        beta = FakeUpstream.start();
        gateway = TestGateway.start("server: { port: 0, stream_keepalive_ms: 100 }\n"
                + "providers:\n" + Upstreams.provider("alpha", alpha) + Upstreams.provider("beta", beta)
                + "models:\n" + Upstreams.model("test/model", "alpha", "beta"));
    }

    @AfterEach
    void stop() {
        gateway.close();
        alpha.close();
        beta.close();
    }

    private static List<JsonNode> dataEvents(String body) {
        List<JsonNode> events = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.startsWith("data: {")) {
                events.add(Json.parse(event.substring(6)));
            }
        }
        return events;
    }

    @Test
    void endsWithAnErrorChunkAndDoneWhenTheUpstreamBreaksAfterContentBegan() {
        // role chunk + two content chunks, then the connection drops
        alpha.enqueue(sseCutAfter(Fixtures.text("openai/chat_stream_text.sse"), 3));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", REQUEST);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
        List<JsonNode> chunks = dataEvents(response.body());
        JsonNode last = chunks.getLast();
        assertThat(last.path("error").path("message").asText()).isNotBlank();
        assertThat(last.path("choices").get(0).path("finish_reason").asText()).isEqualTo("error");
        assertThat(last.path("usage").path("completion_tokens").asLong()).isEqualTo(2); // "Hello" and "!" were delivered
        assertThat(last.path("usage").has("cost")).isTrue();
        assertThat(beta.requestCount()).isZero(); // content had begun: no silent switch to another provider
    }

    @Test
    void theSdkSurfacesAMidStreamFailureAsAnError() {
        alpha.enqueue(sseCutAfter(Fixtures.text("openai/chat_stream_text.sse"), 3));
        var params = ChatCompletionCreateParams.builder().model("test/model").addUserMessage("Hi")
                .putAdditionalBodyProperty("provider", com.openai.core.JsonValue.from(java.util.Map.of("order", List.of("alpha"))))
                .build();

        List<ChatCompletionChunk> received = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = gateway.openAi().chat().completions().createStreaming(params)) {
                stream.stream().forEach(received::add);
            }
        }).hasMessageContaining("connection");
        assertThat(received).isNotEmpty();
    }

    @Test
    void reportsAnErrorWhenTheUpstreamEndsWithoutAFinishReason() {
        String text = Fixtures.text("openai/chat_stream_text.sse");
        String withoutFinish = String.join("", FakeUpstream.events(text).subList(0, 5)) + "data: [DONE]\n\n";
        alpha.enqueue(sse(withoutFinish));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", REQUEST);

        JsonNode last = dataEvents(response.body()).getLast();
        assertThat(last.path("choices").get(0).path("finish_reason").asText()).isEqualTo("error");
        assertThat(last.path("error").path("message").asText()).contains("without a finish_reason");
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void sendsProcessingCommentsWhileWaitingAndStillFallsBackInvisibly() {
        alpha.enqueue(delayed(450, json(500, "{\"error\":{\"message\":\"late failure\"}}")));
        beta.enqueue(sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 1));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", REQUEST);

        String body = response.body();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body).startsWith(": SWITCHBOARD PROCESSING\n\n");
        assertThat(body).doesNotContain("late failure");
        String content = body.substring(body.indexOf("data:"));
        assertThat(content).doesNotContain(": SWITCHBOARD PROCESSING"); // comments only before the first token
        assertThat(dataEvents(body)).allSatisfy(c -> assertThat(c.get("provider").asText()).isEqualTo("Beta"));
        assertThat(body).endsWith("data: [DONE]\n\n");
    }

    @Test
    void reportsAFailureInTheStreamWhenEveryProviderFailsAfterCommentsWereSent() {
        alpha.enqueue(delayed(300, json(500, "{\"error\":{\"message\":\"alpha failed\"}}")));
        beta.enqueue(json(503, "{\"error\":{\"message\":\"beta failed\"}}"));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", REQUEST);

        assertThat(response.statusCode()).isEqualTo(200); // the head went out with the first comment
        JsonNode last = dataEvents(response.body()).getLast();
        assertThat(last.path("error").path("code").asInt()).isEqualTo(502);
        assertThat(last.path("error").path("message").asText()).contains("beta failed");
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void answersWithAJsonErrorStatusWhenEveryProviderFailsBeforeTheFirstComment() {
        alpha.enqueue(json(500, "{\"error\":{\"message\":\"alpha failed\"}}"));
        beta.enqueue(json(500, "{\"error\":{\"message\":\"beta failed\"}}"));
        // the class's 100 ms keep-alive could go out first on a busy machine: one that comes after a minute
        gateway.close();
        gateway = TestGateway.start("server: { port: 0, stream_keepalive_ms: 60000 }\n"
                + "providers:\n" + Upstreams.provider("alpha", alpha) + Upstreams.provider("beta", beta)
                + "models:\n" + Upstreams.model("test/model", "alpha", "beta"));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", REQUEST);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(Json.parse(response.body()).path("error").path("metadata").path("attempts")).hasSize(2);
    }

    @Test
    void estimatesUsageWhenTheUpstreamReportsNone() {
        String text = Fixtures.text("openai/chat_stream_text.sse");
        List<String> events = FakeUpstream.events(text);
        // drop the usage chunk: the second-to-last event
        String withoutUsage = String.join("", events.subList(0, events.size() - 2)) + events.getLast();
        alpha.enqueue(sse(withoutUsage));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", REQUEST);

        JsonNode usageChunk = dataEvents(response.body()).getLast();
        assertThat(usageChunk.get("choices")).isEmpty();
        JsonNode usage = usageChunk.get("usage");
        assertThat(usage.get("estimated").asBoolean()).isTrue();
        assertThat(usage.get("completion_tokens").asLong()).isBetween(8L, 12L);
        assertThat(usage.get("prompt_tokens").asLong()).isPositive();
        assertThat(usage.has("cost")).isTrue();
    }

    @Test
    void cancelsTheUpstreamWhenTheClientDisconnects() throws Exception {
        alpha.enqueue(FakeUpstream.endless("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"},\"finish_reason\":null}]}", 20));
        String body = REQUEST;
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null && !line.contains("tick")) {
                // read until the first relayed content arrives
            }
            assertThat(line).contains("tick");
        }
        // the client is gone: the gateway must drop its upstream connection promptly
        assertThat(alpha.awaitConnectionClosed(Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void streamsTheDemoModelThroughTheSdk() {
        List<String> pieces = new ArrayList<>();
        var params = ChatCompletionCreateParams.builder().model("switchboard/echo").addUserMessage("Echo me, please.").build();
        ChatCompletionChunk last = null;
        try (StreamResponse<ChatCompletionChunk> stream = gateway.openAi().chat().completions().createStreaming(params)) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                chunk.choices().forEach(c -> c.delta().content().filter(s -> !s.isEmpty()).ifPresent(pieces::add));
                last = chunk;
            }
        }
        assertThat(String.join("", pieces)).isEqualTo("Echo me, please.");
        assertThat(pieces).hasSizeGreaterThan(2);
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(pieces.size());
        assertThat(last._additionalProperties().get("provider").toString()).contains("Switchboard Demo");
    }
}
