package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.sseEvents;
import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAI Chat Completions API through Switchboard to an OpenAI-protocol upstream, driven by the official SDK. */
class ChatCompletionsTest {
    static FakeUpstream upstream;
    static TestGateway gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = TestGateway.start("providers:\n" + Upstreams.provider("alpha", upstream)
                + "models:\n" + Upstreams.model("test/model", "alpha"));
        client = gateway.openAi();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder().model("test/model").addUserMessage("Hello!");
    }

    @Test
    void answersWithTheUpstreamCompletionUnderSwitchboardsIdentityAndCost() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));

        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(params().build());
        ChatCompletion completion = raw.parse();

        assertThat(completion.id()).startsWith("gen-");
        assertThat(raw.headers().values("X-Generation-Id")).containsExactly(completion.id());
        assertThat(completion.model()).isEqualTo("test/model");
        assertThat(completion._additionalProperties().get("provider")).isEqualTo(JsonValue.from("Alpha"));
        assertThat(completion.choices().getFirst().message().content()).contains("Hello! How can I assist you today?");
        var usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(19);
        assertThat(usage.completionTokens()).isEqualTo(10);
        // 19 × $2/M + 10 × $8/M
        assertThat(cost(usage._additionalProperties().get("cost"))).isEqualByComparingTo("0.000118");
    }

    @Test
    void sendsTheProviderKeyAndUpstreamModelButNeverTheClientKey() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));

        client.chat().completions().create(params().build());

        FakeUpstream.Received request = upstream.last();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("authorization")).isEqualTo("Bearer sk-provider-alpha");
        assertThat(request.bodyText()).doesNotContain("sk-client-key-never-forwarded");
        assertThat(request.headers().values()).noneMatch(v -> v.contains("sk-client-key-never-forwarded"));
        assertThat(request.json().get("model").asText()).isEqualTo("upstream-alpha");
    }

    @Test
    void streamsChunksThenAUsageChunkWithCostBeforeDone() {
        upstream.enqueue(sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 2));

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params().build())) {
            stream.stream().forEach(chunks::add);
        }

        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("Hello! How can I help you today?");
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.id()).isEqualTo(chunks.getFirst().id()).startsWith("gen-");
            assertThat(c.model()).isEqualTo("test/model");
        });
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        var usage = last.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(16);
        assertThat(cost(usage._additionalProperties().get("cost"))).isEqualByComparingTo("0.000112"); // 16×2 + 10×8 per M
        JsonNode sent = upstream.last().json();
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void rawStreamEndsWithUsageThenDone() {
        upstream.enqueue(sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 1));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        String id = response.headers().firstValue("x-generation-id").orElseThrow();
        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(events.getLast()).isEqualTo("data: [DONE]");
        JsonNode usageChunk = Json.parse(events.get(events.size() - 2).substring("data: ".length()));
        assertThat(usageChunk.get("id").asText()).isEqualTo(id);
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(usageChunk.path("usage").has("cost")).isTrue();
        assertThat(events.stream().filter(e -> e.contains("\"usage\":{")).count()).isEqualTo(1);
    }

    @Test
    void returnsToolCalls() {
        upstream.enqueue(fixture(200, "openai/chat_tool_call.json"));

        ChatCompletion completion = client.chat().completions().create(params().build());

        var choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageToolCall call = choice.message().toolCalls().orElseThrow().getFirst();
        assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
        assertThat(call.asFunction().function().arguments()).isEqualTo("{\"location\":\"San Francisco, CA\"}");
    }

    @Test
    void streamsToolCallsThatAccumulateToTheFullArguments() {
        upstream.enqueue(sseEvents(Fixtures.text("openai/chat_stream.sse"), 1));

        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params().build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        ChatCompletion completion = accumulator.chatCompletion();
        var choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        var function = choice.message().toolCalls().orElseThrow().getFirst().asFunction().function();
        assertThat(function.name()).isEqualTo("get_weather");
        assertThat(function.arguments()).isEqualTo("{\"location\":\"San Francisco, CA\"}");
    }

    @Test
    void forwardsImagePartsUnchanged() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));
        String dataUrl = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

        client.chat().completions().create(ChatCompletionCreateParams.builder().model("test/model")
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is this?").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(dataUrl)
                                        .detail(ChatCompletionContentPartImage.ImageUrl.Detail.HIGH).build())
                                .build())))
                .build());

        JsonNode content = upstream.last().json().path("messages").get(0).path("content");
        assertThat(content.get(1).path("type").asText()).isEqualTo("image_url");
        assertThat(content.get(1).path("image_url").path("url").asText()).isEqualTo(dataUrl);
        assertThat(content.get(1).path("image_url").path("detail").asText()).isEqualTo("high");
    }

    @Test
    void forwardsEveryOpenAiFieldAndUnknownFieldsByteForByteAndDropsRoutingExtensions() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));
        String fields = "\"temperature\": 0.25, \"top_p\": 0.9, \"seed\": 42, \"stop\": [\"\\n\\nUser:\"], "
                + "\"logprobs\": true, \"top_logprobs\": 3, \"logit_bias\": {\"50256\": -100}, "
                + "\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"strict\": true, "
                + "\"schema\": {\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\"}}}}}, "
                + "\"x_vendor_extension\": {\"nested\": [1, 2.50, {\"ü\": \"\\u00e9\"}]}, \"service_tier\": \"auto\"";
        String body = "{\"model\": \"test/model\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], " + fields
                + ", \"provider\": {\"sort\": \"price\"}, \"models\": [\"test/model\"], \"transforms\": [], \"usage\": {\"include\": true}}";

        HttpResponse<String> response = gateway.post("/v1/chat/completions", body);

        assertThat(response.statusCode()).isEqualTo(200);
        String forwarded = upstream.last().bodyText();
        for (String member : fields.split(", (?=\")")) {
            assertThat(forwarded).contains(member);
        }
        JsonNode sent = upstream.last().json();
        assertThat(sent.has("provider")).isFalse();
        assertThat(sent.has("models")).isFalse();
        assertThat(sent.has("transforms")).isFalse();
        assertThat(sent.has("usage")).isFalse();
        assertThat(sent.get("model").asText()).isEqualTo("upstream-alpha");
    }

    @Test
    void sdkFieldsReachTheUpstream() {
        upstream.enqueue(fixture(200, "openai/chat_nonstream.json"));

        client.chat().completions().create(params().seed(7).logprobs(true).topLogprobs(2).maxCompletionTokens(64)
                .temperature(0.5).stopOfStrings(List.of("END")).build());

        JsonNode sent = upstream.last().json();
        assertThat(sent.get("seed").asLong()).isEqualTo(7);
        assertThat(sent.get("logprobs").asBoolean()).isTrue();
        assertThat(sent.get("top_logprobs").asInt()).isEqualTo(2);
        assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(64);
        assertThat(sent.get("stop").get(0).asText()).isEqualTo("END");
    }

    static BigDecimal cost(JsonValue value) {
        return new BigDecimal(value.convert(Object.class).toString());
    }
}
