package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogFactory;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.protocol.ClientOriginal;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.providers.CancelSignal;
import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The OpenAI adapter with a Responses API client: a provider with {@code responses_api} is sent the
 * client's Responses request on {@code /responses}; every other case still goes to Chat Completions.
 */
class ResponsesAdapterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC);
    /** As the lead's route prepares it: member order and the bytes of each member are the client's, kept as they are. */
    static final String RESPONSES_BODY = "{\"model\": \"test/m\",\"input\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
            + "\"store\":false,\"reasoning\":{\"effort\":\"low\" , \"summary\":\"auto\"},\"stream\":false}";
    static final String CHAT_BODY = "{\"model\":\"test/m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private FakeUpstream upstream;
    private Vertx vertx;
    private UpstreamHttp http;
    private OpenAiAdapter adapter;
    private Catalog catalog;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        vertx = Vertx.vertx();
        http = new UpstreamHttp(vertx, new dev.switchboard.providers.ConnectionLeases());
        adapter = new OpenAiAdapter(http, CLOCK);
        String root = "http://127.0.0.1:" + upstream.port();
        String yaml = """
                providers:
                  - { id: native, protocol: openai, base_url: "%s/v1", api_key: sk-1, responses_api: true }
                  - { id: compat, protocol: openai, base_url: "%s/v1" }
                  - { id: az, protocol: azure, base_url: "%s", api_key: az-key, responses_api: true }
                  - { id: az1, protocol: azure, base_url: "%s/openai/v1", api_key: az-key, responses_api: true }
                models:
                  - id: test/m
                    context_length: 1000
                    endpoints:
                      - { provider: native, upstream_model: gpt-5-mini }
                      - { provider: compat, upstream_model: compat-model }
                      - { provider: az, upstream_model: my-deployment }
                      - { provider: az1, upstream_model: my-deployment }
                """.formatted(root, root, root, root);
        catalog = CatalogFactory.build(new ConfigLoader(Map.of()).load("t.yaml", yaml), ProviderAdapters.IMPLEMENTED);
    }

    @AfterEach
    void stop() throws Exception {
        http.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        upstream.close();
    }

    private Endpoint endpoint(String provider) {
        return catalog.find("test/m").orElseThrow().endpoints().stream()
                .filter(e -> e.provider().id().value().equals(provider)).findFirst().orElseThrow();
    }

    static ChatRequest responsesRequest(String responsesBody, boolean stream) {
        String chat = stream ? CHAT_BODY.replace("{\"model\"", "{\"stream\":true,\"model\"") : CHAT_BODY;
        return ChatRequest.decode(chat.getBytes(StandardCharsets.UTF_8),
                ClientOriginal.responses(responsesBody.getBytes(StandardCharsets.UTF_8)));
    }

    private UpstreamCall call(String provider, ChatRequest request) {
        return new UpstreamCall(endpoint(provider), request, 10_000, new CancelSignal());
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(10, TimeUnit.SECONDS);
    }

    @Test
    void aResponsesClientIsSentItsOwnRequestOnResponsesWithOnlyTheModelReplaced() throws Exception {
        upstream.enqueue(FakeUpstream.fixture(200, "recorded/openai-responses/issue-20047-openai-responses.json"));

        JsonNode completion = Json.parse(await(adapter.complete(call("native", responsesRequest(RESPONSES_BODY, false)))));

        FakeUpstream.Received sent = upstream.last();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo("/v1/responses");
        assertThat(sent.header("authorization")).isEqualTo("Bearer sk-1");
        assertThat(sent.bodyText()).isEqualTo(RESPONSES_BODY.replace("\"model\": \"test/m\"", "\"model\":\"gpt-5-mini\""));
        assertThat(completion.path("choices").path(0).path("message").path("content").asText()).isEqualTo("OK");
        assertThat(completion.path("x_responses_response").path("id").asText()).isEqualTo("resp_sanitized_normal");
    }

    @Test
    void aModelIsAddedWhenThePreparedBodyHasNone() throws Exception {
        upstream.enqueue(FakeUpstream.fixture(200, "recorded/openai-responses/issue-20047-openai-responses.json"));

        await(adapter.complete(call("native", responsesRequest("{\"input\":\"Hi\"}", false))));

        assertThat(upstream.last().bodyText()).isEqualTo("{\"input\":\"Hi\",\"model\":\"gpt-5-mini\"}");
    }

    @Test
    void aChatCompletionsClientOfTheSameProviderStillGoesToChatCompletions() throws Exception {
        upstream.enqueue(FakeUpstream.fixture(200, "openai/chat_nonstream.json"));

        byte[] answer = await(adapter.complete(call("native", ChatRequest.decode(CHAT_BODY.getBytes(StandardCharsets.UTF_8)))));

        assertThat(upstream.last().path()).isEqualTo("/v1/chat/completions");
        assertThat(upstream.last().json().path("model").asText()).isEqualTo("gpt-5-mini");
        assertThat(Json.parse(answer).has("x_responses_response")).isFalse();
    }

    @Test
    void aProviderWithoutTheResponsesApiGetsTheChatTranslation() throws Exception {
        upstream.enqueue(FakeUpstream.fixture(200, "openai/chat_nonstream.json"));

        await(adapter.complete(call("compat", responsesRequest(RESPONSES_BODY, false))));

        assertThat(upstream.last().path()).isEqualTo("/v1/chat/completions");
        assertThat(upstream.last().json().has("messages")).isTrue();
        assertThat(upstream.last().json().has("input")).isFalse();
    }

    @Test
    void azureResponsesGoToTheV1PathWithTheDeploymentAsModel() throws Exception {
        upstream.enqueue(FakeUpstream.fixture(200, "recorded/openai-responses/issue-20047-openai-responses.json"),
                FakeUpstream.fixture(200, "recorded/openai-responses/issue-20047-openai-responses.json"));

        await(adapter.complete(call("az", responsesRequest(RESPONSES_BODY, false))));
        FakeUpstream.Received classic = upstream.last();
        await(adapter.complete(call("az1", responsesRequest(RESPONSES_BODY, false))));
        FakeUpstream.Received v1 = upstream.last();

        for (FakeUpstream.Received sent : new FakeUpstream.Received[] {classic, v1}) {
            assertThat(sent.path()).isEqualTo("/openai/v1/responses");
            assertThat(sent.query()).isNull();
            assertThat(sent.header("api-key")).isEqualTo("az-key");
            assertThat(sent.json().path("model").asText()).isEqualTo("my-deployment");
        }
    }

    @Test
    void anErrorStatusIsReadAsTheOpenAiErrorBody() {
        upstream.enqueue(FakeUpstream.json(429, Fixtures.text("recorded/openai-responses/openai-error.1.json"),
                Map.of("retry-after", "7")));

        UpstreamFailure.ErrorStatus error = catchThrowableOfType(UpstreamFailure.ErrorStatus.class,
                () -> await(adapter.complete(call("native", responsesRequest(RESPONSES_BODY, false)))));

        assertThat(error.status()).isEqualTo(429);
        assertThat(error.code()).isEqualTo("insufficient_quota");
        assertThat(error.getMessage()).startsWith("You exceeded your current quota");
        assertThat(error.retryAfter()).hasSeconds(7);
    }

    @Test
    void aFailedResponseInA200IsAFailureNotAnAnswer() {
        upstream.enqueue(FakeUpstream.json(200, "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"failed\","
                + "\"output\":[],\"error\":{\"code\":\"server_error\",\"message\":\"The model crashed\"}}"));

        UpstreamFailure.InvalidResponse failure = catchThrowableOfType(UpstreamFailure.InvalidResponse.class,
                () -> await(adapter.complete(call("native", responsesRequest(RESPONSES_BODY, false)))));

        assertThat(failure.getMessage()).contains("server_error: The model crashed");
    }

    /** What a stream delivered: its chunks, and how it ended (sawDone) or failed. */
    record Streamed(List<String> chunks, Boolean sawDone, UpstreamFailure failure) {
    }

    private Streamed stream(UpstreamCall call) throws Exception {
        List<String> chunks = new CopyOnWriteArrayList<>();
        CompletableFuture<Streamed> ended = new CompletableFuture<>();
        adapter.stream(call).onFailure(ended::completeExceptionally).onSuccess(stream -> stream.start(new ChunkStream.Listener() {
            @Override
            public void onChunk(byte[] chunk) {
                chunks.add(new String(chunk, StandardCharsets.UTF_8));
            }

            @Override
            public void onBatchEnd() {
            }

            @Override
            public void onEnd(boolean sawDone) {
                ended.complete(new Streamed(chunks, sawDone, null));
            }

            @Override
            public void onFailure(UpstreamFailure failure) {
                ended.complete(new Streamed(chunks, null, failure));
            }
        }));
        return ended.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStreamedResponsesRequestAsksForAStreamAndGivesBackEveryEvent() throws Exception {
        String sse = Fixtures.text("openai/responses_stream_function_call_exec_command.codex-accepted.sse");
        upstream.enqueue(FakeUpstream.sseEvents(sse, 1));

        Streamed streamed = stream(call("native", responsesRequest(RESPONSES_BODY, true)));

        FakeUpstream.Received sent = upstream.last();
        assertThat(sent.path()).isEqualTo("/v1/responses");
        assertThat(sent.header("accept")).isEqualTo("text/event-stream");
        assertThat(sent.bodyText()).isEqualTo(RESPONSES_BODY.replace("\"model\": \"test/m\"", "\"model\":\"gpt-5-mini\"")
                .replace("\"stream\":false", "\"stream\":true"));
        assertThat(streamed.failure()).isNull();
        assertThat(streamed.sawDone()).isTrue();
        List<JsonNode> chunks = streamed.chunks().stream().map(Json::parse).toList();
        assertThat(chunks.stream().filter(c -> c.has("x_responses_event")).count()).isEqualTo(FakeUpstream.events(sse).size());
        JsonNode header = chunks.stream().map(c -> c.path("choices").path(0).path("delta").path("tool_calls").path(0))
                .filter(call -> call.has("id")).findFirst().orElseThrow();
        assertThat(header.path("function").path("name").asText()).isEqualTo("exec_command");
        assertThat(chunks.getLast().path("usage").has("prompt_tokens")).isTrue();
    }

    @Test
    void anErrorEventBreaksTheStream() throws Exception {
        String sse = new String(ResponsesReplay.streams("recorded/openai-responses/openai-error.1.chunks.txt").getFirst(),
                StandardCharsets.UTF_8);
        upstream.enqueue(FakeUpstream.sse(sse));

        Streamed streamed = stream(call("native", responsesRequest(RESPONSES_BODY, true)));

        assertThat(streamed.failure()).isInstanceOf(UpstreamFailure.StreamBroken.class)
                .hasMessageContaining("insufficient_quota");
        assertThat(streamed.chunks()).hasSize(2);
    }

    @Test
    void aStreamThatStopsBeforeTheResponseCompletedEndsWithoutItsEnd() throws Exception {
        String sse = Fixtures.text("openai/responses_stream_text_min.codex-accepted.sse");
        int events = FakeUpstream.events(sse).size();
        upstream.enqueue(FakeUpstream.sse(String.join("", FakeUpstream.events(sse).subList(0, events - 1))));

        Streamed streamed = stream(call("native", responsesRequest(RESPONSES_BODY, true)));

        assertThat(streamed.sawDone()).isFalse();
        assertThat(streamed.chunks()).noneMatch(chunk -> chunk.contains("\"finish_reason\":\"stop\""));
    }

    @Test
    void aStreamedChatClientOfTheSameProviderStillStreamsChatCompletions() throws Exception {
        upstream.enqueue(FakeUpstream.sse(Fixtures.text("openai/chat_stream_text.sse")));

        Streamed streamed = stream(call("native", ChatRequest.decode(
                CHAT_BODY.replace("{\"model\"", "{\"stream\":true,\"model\"").getBytes(StandardCharsets.UTF_8))));

        assertThat(upstream.last().path()).isEqualTo("/v1/chat/completions");
        assertThat(streamed.sawDone()).isTrue();
        assertThat(streamed.chunks()).noneMatch(chunk -> chunk.contains("x_responses_event"));
    }
}
