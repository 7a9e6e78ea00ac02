package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.bedrock.EventFrames;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAI Chat Completions API through Switchboard to a Bedrock (Converse) upstream, driven by
 * the official OpenAI SDK. The fake upstream replays the recorded Bedrock wire, JSON and binary
 * event-stream, and the tests check the signed, translated request it received.
 */
class BedrockUpstreamTest {
    static FakeUpstream bedrock;
    static FakeUpstream openAi;
    static TestGateway gateway;
    static OpenAIClient client;

    /** A Bedrock provider signing with SigV4 for us-east-1, pointed at a fake upstream. */
    static String bedrockProvider(String id, FakeUpstream upstream) {
        return """
                  - id: %s
                    name: Bed
                    protocol: bedrock
                    base_url: http://127.0.0.1:%d
                    aws: { region: us-east-1, access_key_id: AKIDEXAMPLE, secret_access_key: wJalrXUtnFEMI/K7MDENG }
                    data_policy: { training: false, retention_days: 0 }
                """.formatted(id, upstream.port());
    }

    @BeforeAll
    static void start() {
        bedrock = FakeUpstream.start();
        openAi = FakeUpstream.start();
        gateway = TestGateway.start("routing: { max_attempts: 3 }\nproviders:\n" + bedrockProvider("bed", bedrock)
                + Upstreams.provider("oa", openAi)
                + "  - { id: bedkey, protocol: bedrock, base_url: \"http://127.0.0.1:" + bedrock.port() + "\","
                + " api_key: ABSK-bedrock-key }\n"
                + "models:\n" + Upstreams.model("test/bed", "bed") + Upstreams.model("test/both", "bed", "oa")
                + Upstreams.model("test/bedkey", "bedkey"));
        client = gateway.openAi();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        bedrock.close();
        openAi.close();
    }

    /** A ConverseStream answer: the binary body written in pieces of {@code piece} bytes. */
    static FakeUpstream.Reply eventStream(byte[] body, int piece) {
        return (request, upstream) -> {
            HttpServerResponse response = request.response().setStatusCode(200).setChunked(true)
                    .putHeader("content-type", "application/vnd.amazon.eventstream");
            for (int at = 0; at < body.length; at += piece) {
                response.write(Buffer.buffer(Arrays.copyOfRange(body, at, Math.min(body.length, at + piece))));
            }
            response.end();
        };
    }

    /** A recorded Bedrock error fixture ({status, headers, body}) as a reply. */
    static FakeUpstream.Reply bedrockError(String fixture) {
        JsonNode error = Json.parse(Fixtures.bytes(fixture));
        return json(error.get("status").asInt(), Json.string(error.get("body")),
                Map.of("x-amzn-errortype", error.at("/headers/x-amzn-errortype").asText()));
    }

    private static ChatCompletionCreateParams.Builder params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addSystemMessage("Be brief.").addUserMessage("Hello!");
    }

    private static BigDecimal cost(JsonValue value) {
        return new BigDecimal(value.toString());
    }

    @Test
    void answersWithTheTranslatedCompletionAndItsCost() {
        bedrock.enqueue(fixture(200, "bedrock/converse.json"));

        ChatCompletion completion = client.chat().completions().create(params("test/bed").temperature(0.2).maxCompletionTokens(100).build());

        assertThat(completion.model()).isEqualTo("test/bed");
        var choice = completion.choices().getFirst();
        assertThat(choice.message().content()).contains("Let me count the \"r\"s in \"strawberry\":\n\ns-t-**r**-a-w-b-e-**r**-**r**-y"
                + "\n\nThere are **3** \"r\"s in \"strawberry.\"");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        var usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(22);
        assertThat(usage.completionTokens()).isEqualTo(57);
        assertThat(cost(usage._additionalProperties().get("cost"))).isEqualByComparingTo("0.0005"); // 22×2 + 57×8 per M
        FakeUpstream.Received request = bedrock.last();
        assertThat(request.path()).isEqualTo("/model/upstream-bed/converse");
        assertThat(request.json()).isEqualTo(Json.parse("""
                {"messages": [{"role": "user", "content": [{"text": "Hello!"}]}],
                 "system": [{"text": "Be brief."}],
                 "inferenceConfig": {"maxTokens": 100, "temperature": 0.2}}"""));
        assertSignedBySigV4(request);
    }

    @Test
    void streamsTheRecordedEventStreamThenAUsageChunkWithCost() {
        bedrock.enqueue(eventStream(Fixtures.bytes("bedrock/converse_stream.eventstream.bin"), 7));

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params("test/bed").build())) {
            stream.stream().forEach(chunks::add);
        }

        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("OK.");
        assertThat(chunks).allSatisfy(c -> assertThat(c.model()).isEqualTo("test/bed"));
        assertThat(chunks).flatExtracting(ChatCompletionChunk::choices).filteredOn(c -> c.finishReason().isPresent())
                .singleElement().satisfies(c -> assertThat(c.finishReason()).contains(ChatCompletionChunk.Choice.FinishReason.STOP));
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        var usage = last.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(12);
        assertThat(usage.completionTokens()).isEqualTo(5);
        assertThat(cost(usage._additionalProperties().get("cost"))).isEqualByComparingTo("0.000064"); // 12×2 + 5×8 per M
        FakeUpstream.Received request = bedrock.last();
        assertThat(request.path()).isEqualTo("/model/upstream-bed/converse-stream");
        assertThat(request.header("accept")).isEqualTo("application/vnd.amazon.eventstream");
        assertSignedBySigV4(request);
    }

    private static final ChatCompletionFunctionTool WEATHER = ChatCompletionFunctionTool.builder()
            .function(FunctionDefinition.builder()
                    .name("get_weather")
                    .description("The weather in a city")
                    .parameters(FunctionParameters.builder()
                            .putAdditionalProperty("type", JsonValue.from("object"))
                            .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                            .build())
                    .build())
            .build();

    @Test
    void returnsToolUseBlocksAsToolCalls() {
        bedrock.enqueue(fixture(200, "bedrock/converse_tool_use.json"));

        ChatCompletion completion = client.chat().completions().create(params("test/bed").addTool(WEATHER).build());

        var choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
                .map(c -> c.asFunction()).toList();
        assertThat(calls).extracting(ChatCompletionMessageFunctionToolCall::id)
                .containsExactly("tooluse_hr5juciYZJwUHpRczsw13R", "tooluse_AZHw3Ym0S07qOv5NlXj9iJ");
        assertThat(Json.parse(calls.get(1).function().arguments())).isEqualTo(Json.parse("{\"ref\":\"C1\"}"));
        assertThat(bedrock.last().json().at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo("get_weather");
    }

    @Test
    void streamsAToolCallThatTheSdkAccumulates() {
        bedrock.enqueue(eventStream(EventFrames.fromJsonLines(Fixtures.text("bedrock/converse_stream_tool_use.events.jsonl")), 64));

        StringBuilder arguments = new StringBuilder();
        List<String> ids = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                params("test/bed").addTool(WEATHER).build())) {
            stream.stream().forEach(c -> c.choices().forEach(choice -> choice.delta().toolCalls().ifPresent(calls -> calls.forEach(call -> {
                call.id().ifPresent(ids::add);
                call.function().flatMap(f -> f.arguments()).ifPresent(arguments::append);
            }))));
        }

        assertThat(ids).containsExactly("tooluse_Xq3kVh0TQm2Yd1bZ9sJw4A");
        assertThat(Json.parse(arguments.toString())).isEqualTo(Json.parse("{\"location\": \"San Francisco, CA\"}"));
    }

    @Test
    void aValidationExceptionIsPassedToTheClient() {
        bedrock.enqueue(bedrockError("bedrock/error_validation_400.json"));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/bed\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Json.parse(response.body()).get("error");
        assertThat(error.get("message").asText()).startsWith("The content field in the Message object at messages.1 is empty.");
        assertThat(error.at("/metadata/provider_code").asText()).isEqualTo("ValidationException");
    }

    @Test
    void fallsBackToTheNextProviderOnThrottling() {
        bedrock.enqueue(bedrockError("bedrock/error_throttling_429.json"));
        openAi.enqueue(fixture(200, "openai/chat_nonstream.json"));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", "{\"model\":\"test/both\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"Hi\"}],\"provider\":{\"order\":[\"bed\",\"oa\"]}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).get("provider").asText()).isEqualTo("Oa");
        assertThat(bedrock.last().path()).isEqualTo("/model/upstream-bed/converse");
        assertThat(openAi.last().path()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void aBedrockApiKeyIsSentAsABearerTokenWithoutSigning() {
        bedrock.enqueue(fixture(200, "bedrock/converse.json"));

        client.chat().completions().create(params("test/bedkey").build());

        FakeUpstream.Received request = bedrock.last();
        assertThat(request.path()).isEqualTo("/model/upstream-bedkey/converse");
        assertThat(request.header("authorization")).isEqualTo("Bearer ABSK-bedrock-key");
        assertThat(request.header("x-amz-date")).isNull();
    }

    @Test
    void anExceptionInTheStreamAfterTheFirstTokenEndsTheClientsStreamWithAnError() {
        byte[] text = EventFrames.fromJsonLines("""
                {"messageStart":{"role":"assistant"}}
                {"contentBlockDelta":{"contentBlockIndex":0,"delta":{"text":"Hel"}}}
                """);
        byte[] failure = Fixtures.bytes("bedrock/converse_stream_exception.eventstream.bin");
        byte[] body = Arrays.copyOf(text, text.length + failure.length);
        System.arraycopy(failure, 0, body, text.length, failure.length);
        bedrock.enqueue(eventStream(body, body.length));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"test/bed\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"content\":\"Hel\"").contains("\"error\"")
                .contains("modelStreamErrorException").contains("Model Stream Error");
    }

    /** Re-signs the request as the upstream received it, at the time it says it was signed: the signatures must match. */
    private static void assertSignedBySigV4(FakeUpstream.Received request) {
        String authorization = request.header("authorization");
        assertThat(authorization).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/").contains("/us-east-1/bedrock/aws4_request");
        String signedHeaders = authorization.substring(authorization.indexOf("SignedHeaders=") + 14, authorization.indexOf(", Signature="));
        ZonedDateTime signedAt = ZonedDateTime.parse(request.header("x-amz-date"),
                DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX"));
        SdkHttpRequest.Builder builder = SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol("http")
                .host("127.0.0.1").port(bedrock.port()).encodedPath(request.path());
        for (String name : signedHeaders.split(";")) {
            if (!name.equals("host") && !name.equals("x-amz-date") && !name.equals("x-amz-content-sha256")) {
                builder.putHeader(name, request.header(name));
            }
        }
        String expected = AwsV4HttpSigner.create().sign(r -> r
                        .identity(AwsCredentialsIdentity.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG"))
                        .request(builder.build())
                        .payload(ContentStreamProvider.fromByteArray(request.body()))
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt.toInstant(), ZoneOffset.UTC)))
                .request().firstMatchingHeader("Authorization").orElseThrow();
        assertThat(authorization).isEqualTo(expected);
    }
}
