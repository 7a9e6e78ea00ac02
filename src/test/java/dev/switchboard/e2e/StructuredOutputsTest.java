package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.StructuredChatCompletion;
import com.openai.models.chat.completions.StructuredChatCompletionCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.bedrock.EventFrames;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static dev.switchboard.testing.FakeUpstream.json;
import static dev.switchboard.testing.FakeUpstream.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code response_format} json_schema through the official OpenAI SDK's structured outputs to
 * each protocol without OpenAI's member: Anthropic and Bedrock get a forced tool whose input schema
 * is the client's (its call comes back as the message content), Gemini its {@code responseJsonSchema}.
 * The upstream answers are assembled from the recorded shapes (fixtures anthropic/messages_tool_use.json,
 * bedrock/converse_tool_use.json and converse_stream_tool_use.events.jsonl, gemini/generate.json).
 */
class StructuredOutputsTest {
    static FakeUpstream claude;
    static FakeUpstream bedrock;
    static FakeUpstream gemini;
    static TestGateway gateway;
    static OpenAIClient client;

    /** The answer the client asks for; the SDK derives the JSON schema from it and parses the content into it. */
    public static class Weather {
        public String city;
        public long celsius;
    }

    @BeforeAll
    static void start() {
        claude = FakeUpstream.start();
        bedrock = FakeUpstream.start();
        gemini = FakeUpstream.start();
        gateway = TestGateway.start("providers:\n"
                + "  - { id: claude, protocol: anthropic, base_url: \"" + claude.baseUrl() + "\", api_key: sk-ant }\n"
                + "  - { id: bed, protocol: bedrock, base_url: \"http://127.0.0.1:" + bedrock.port() + "\", api_key: ABSK-key }\n"
                + GeminiUpstreamTest.geminiProvider("gem", gemini)
                + "models:\n" + Upstreams.model("test/claude", "claude") + Upstreams.model("test/bed", "bed")
                + Upstreams.model("test/gem", "gem"));
        client = gateway.openAi();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        claude.close();
        bedrock.close();
        gemini.close();
    }

    private static StructuredChatCompletionCreateParams<Weather> weatherIn(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Weather in Paris?")
                .responseFormat(Weather.class).build();
    }

    @Test
    void anthropicIsAskedThroughAForcedToolAndItsInputIsTheContent() {
        claude.enqueue(json(200, """
                {"id":"msg_01Aq9w938a90dw8q","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"json_response",
                             "input":{"city":"Paris","celsius":21}}],
                 "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":30}}"""));

        StructuredChatCompletion<Weather> answer = client.chat().completions().create(weatherIn("test/claude"));

        Weather weather = answer.choices().getFirst().message().content().orElseThrow();
        assertThat(weather.city).isEqualTo("Paris");
        assertThat(weather.celsius).isEqualTo(21);
        assertThat(answer.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(answer.choices().getFirst().message().toolCalls().orElse(java.util.List.of())).isEmpty();

        JsonNode sent = claude.last().json();
        assertThat(sent.path("tools")).hasSize(1);
        assertThat(sent.at("/tools/0/name").asText()).isEqualTo("json_response");
        assertThat(sent.at("/tools/0/input_schema/properties/city/type").asText()).isEqualTo("string");
        assertThat(sent.at("/tools/0/input_schema/required").toString()).contains("city", "celsius");
        assertThat(sent.path("tool_choice")).isEqualTo(Json.parse("{\"type\":\"tool\",\"name\":\"json_response\"}"));
        assertThat(sent.has("response_format")).isFalse();
    }

    @Test
    void anthropicStreamsTheToolInputAsContentDeltas() {
        claude.enqueue(sse("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":472,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"json_response","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": \\"Par"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"is\\", \\"celsius\\": 21}"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":30}}

                event: message_stop
                data: {"type":"message_stop"}

                """));

        ChatCompletion answer = streamed(ChatCompletionCreateParams.builder().model("test/claude")
                .addUserMessage("Weather in Paris?").responseFormat(Weather.class).build().rawParams());

        assertThat(Json.parse(answer.choices().getFirst().message().content().orElseThrow()))
                .isEqualTo(Json.parse("{\"city\":\"Paris\",\"celsius\":21}"));
        assertThat(answer.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(answer.choices().getFirst().message().toolCalls().orElse(java.util.List.of())).isEmpty();
        assertThat(claude.last().json().at("/tool_choice/name").asText()).isEqualTo("json_response");
    }

    @Test
    void aJsonObjectFormatForcesAToolTakingAnyObject() {
        claude.enqueue(json(200, """
                {"id":"msg_2","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"tool_use","id":"toolu_2","name":"json_response","input":{"ok":true}}],
                 "stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":5}}"""));

        ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("test/claude").addUserMessage("Say ok in JSON")
                .responseFormat(ResponseFormatJsonObject.builder().build()).build());

        assertThat(answer.choices().getFirst().message().content()).hasValue("{\"ok\":true}");
        assertThat(claude.last().json().at("/tools/0/input_schema")).isEqualTo(Json.parse("{\"type\":\"object\"}"));
    }

    @Test
    void bedrockIsAskedThroughAToolConfigAndItsInputIsTheContent() {
        bedrock.enqueue(json(200, """
                {"output":{"message":{"role":"assistant","content":[
                   {"toolUse":{"toolUseId":"tooluse_hr5juciYZJwUHpRczsw13R","name":"json_response",
                               "input":{"city":"Paris","celsius":21}}}]}},
                 "stopReason":"tool_use","usage":{"inputTokens":694,"outputTokens":110,"totalTokens":804},
                 "metrics":{"latencyMs":2192}}"""));

        StructuredChatCompletion<Weather> answer = client.chat().completions().create(weatherIn("test/bed"));

        assertThat(answer.choices().getFirst().message().content().orElseThrow().city).isEqualTo("Paris");
        assertThat(answer.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        JsonNode toolConfig = bedrock.last().json().path("toolConfig");
        assertThat(toolConfig.at("/tools/0/toolSpec/name").asText()).isEqualTo("json_response");
        assertThat(toolConfig.at("/tools/0/toolSpec/inputSchema/json/properties/celsius/type").asText()).isEqualTo("integer");
        assertThat(toolConfig.path("toolChoice")).isEqualTo(Json.parse("{\"any\":{}}"));
    }

    @Test
    void bedrockStreamsTheToolInputAsContentDeltas() {
        bedrock.enqueue(BedrockUpstreamTest.eventStream(EventFrames.fromJsonLines("""
                {"messageStart":{"role":"assistant"}}
                {"contentBlockStart":{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"tooluse_1","name":"json_response"}}}}
                {"contentBlockDelta":{"contentBlockIndex":0,"delta":{"toolUse":{"input":"{\\"city\\":"}}}}
                {"contentBlockDelta":{"contentBlockIndex":0,"delta":{"toolUse":{"input":" \\"Paris\\", \\"celsius\\": 21}"}}}}
                {"contentBlockStop":{"contentBlockIndex":0}}
                {"messageStop":{"stopReason":"tool_use"}}
                {"metadata":{"usage":{"inputTokens":412,"outputTokens":58,"totalTokens":470},"metrics":{"latencyMs":1534}}}
                """), 64));

        ChatCompletion answer = streamed(weatherIn("test/bed").rawParams());

        assertThat(Json.parse(answer.choices().getFirst().message().content().orElseThrow()))
                .isEqualTo(Json.parse("{\"city\":\"Paris\",\"celsius\":21}"));
        assertThat(answer.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(bedrock.last().json().at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo("json_response");
    }

    @Test
    void geminiIsAskedThroughItsJsonSchemaMember() {
        gemini.enqueue(json(200, """
                {"candidates":[{"content":{"parts":[{"text":"{\\"city\\":\\"Paris\\",\\"celsius\\":21}"}],"role":"model"},
                  "finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":12,"totalTokenCount":21},
                 "modelVersion":"gemini-2.5-flash","responseId":"Un6LacrVMcjUxs0PmJfWoQc"}"""));

        StructuredChatCompletion<Weather> answer = client.chat().completions().create(weatherIn("test/gem"));

        assertThat(answer.choices().getFirst().message().content().orElseThrow().celsius).isEqualTo(21);
        JsonNode config = gemini.last().json().path("generationConfig");
        assertThat(config.path("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(config.at("/responseJsonSchema/properties/city/type").asText()).isEqualTo("string");
    }

    @Test
    void aClientToolNamedLikeTheOutputToolIsA400NamingIt() {
        int before = claude.requestCount();
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"test/claude","messages":[{"role":"user","content":"Hi"}],
                 "response_format":{"type":"json_object"},
                 "tools":[{"type":"function","function":{"name":"json_response","parameters":{"type":"object"}}}]}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.parse(response.body()).at("/error/message").asText()).contains("tools[0].function.name");
        assertThat(claude.requestCount()).isEqualTo(before);
    }

    @Test
    void anUnknownFormatTypeIsA400NamingIt() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("test/claude").addUserMessage("Hi")
                .putAdditionalBodyProperty("response_format", com.openai.core.JsonValue.from(java.util.Map.of("type", "yaml")))
                .build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("response_format.type");
    }

    private static ChatCompletion streamed(ChatCompletionCreateParams params) {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        return accumulator.chatCompletion();
    }
}
