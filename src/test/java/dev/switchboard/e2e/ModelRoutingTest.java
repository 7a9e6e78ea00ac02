package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Model ids end to end through the official OpenAI SDK: variants ({@code :free}, {@code :floor},
 * {@code :online}), dated snapshots, {@code provider.quantizations} and routing by input modality,
 * each checked by which fake upstream got the request and the model name it was sent.
 */
class ModelRoutingTest {
    private static final String IMAGE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    static FakeUpstream gift;
    static FakeUpstream cheap;
    static FakeUpstream dear;
    static FakeUpstream vision;
    static FakeUpstream own;
    static TestGateway gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gift = FakeUpstream.start();
        cheap = FakeUpstream.start();
        dear = FakeUpstream.start();
        vision = FakeUpstream.start();
        own = FakeUpstream.start();
        gateway = TestGateway.start("""
                providers:
                  - { id: gift, name: Gift, protocol: openai, base_url: "%s" }
                  - { id: cheap, name: Cheap, protocol: openai, base_url: "%s" }
                  - { id: dear, name: Dear, protocol: openai, base_url: "%s" }
                  - { id: vision, name: Vision, protocol: openai, base_url: "%s" }
                  - { id: own, name: Own, protocol: openai, base_url: "%s" }
                models:
                  - id: test/chat
                    aliases: [test/chat-2025-04-14]
                    context_length: 100000
                    input_modalities: [text]
                    pricing: { prompt: 1, completion: 1 }
                    endpoints:
                      - { provider: gift, upstream_model: chat, pricing: { prompt: 0, completion: 0 }, quantization: bf16 }
                      - { provider: cheap, upstream_model: chat, quantization: fp8 }
                      - { provider: dear, upstream_model: chat, pricing: { prompt: 9, completion: 9 } }
                  - id: test/vision
                    context_length: 100000
                    input_modalities: [text, image]
                    pricing: { prompt: 1, completion: 1 }
                    endpoints:
                      - { provider: vision, upstream_model: eyes }
                  - id: test/own
                    context_length: 100000
                    endpoints:
                      - { provider: own, upstream_model: my-vllm-model }
                """.formatted(gift.baseUrl(), cheap.baseUrl(), dear.baseUrl(), vision.baseUrl(), own.baseUrl()));
        client = gateway.openAi();
    }

    @BeforeEach
    void replies() {
        for (FakeUpstream u : List.of(gift, cheap, dear, vision, own)) {
            u.always(fixture(200, "openai/chat_nonstream.json"));
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
        for (FakeUpstream u : List.of(gift, cheap, dear, vision, own)) {
            u.close();
        }
    }

    private static ChatCompletionCreateParams.Builder ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello!");
    }

    private static ChatCompletionCreateParams.Builder askAboutAnImage(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessageOfArrayOfContentParts(List.of(
                ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is this?").build()),
                ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                        .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(IMAGE).build()).build())));
    }

    private static String provider(ChatCompletion completion) {
        return completion._additionalProperties().get("provider").convert(String.class);
    }

    private static JsonValue preferences(Map<String, ?> provider) {
        return JsonValue.from(provider);
    }

    @Test
    void aDatedIdIsPinnedUpstreamAndEchoedAsTheModelThatServed() {
        int before = cheap.requestCount();

        ChatCompletion completion = client.chat().completions().create(ask("test/chat-2025-04-14")
                .putAdditionalBodyProperty("provider", preferences(Map.of("only", List.of("cheap")))).build());

        assertThat(cheap.requestCount()).isEqualTo(before + 1);
        assertThat(cheap.last().json().path("model").asText()).isEqualTo("chat-2025-04-14");
        assertThat(completion.model()).isEqualTo("test/chat-2025-04-14");
        assertThat(provider(completion)).isEqualTo("Cheap");
    }

    @Test
    void aStreamedSnapshotNamesTheDatedIdInEveryChunk() {
        cheap.enqueue(FakeUpstream.sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 1));
        List<ChatCompletionChunk> chunks = new ArrayList<>();

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ask("test/chat-2025-04-14")
                        .putAdditionalBodyProperty("provider", preferences(Map.of("only", List.of("cheap")))).build())) {
            stream.stream().forEach(chunks::add);
        }

        assertThat(chunks).isNotEmpty().allSatisfy(c -> assertThat(c.model()).isEqualTo("test/chat-2025-04-14"));
        assertThat(cheap.last().json().path("model").asText()).isEqualTo("chat-2025-04-14");
    }

    @Test
    void theUndatedIdStillSendsTheUndatedName() {
        ChatCompletion completion = client.chat().completions().create(ask("test/chat")
                .putAdditionalBodyProperty("provider", preferences(Map.of("only", List.of("cheap")))).build());

        assertThat(cheap.last().json().path("model").asText()).isEqualTo("chat");
        assertThat(completion.model()).isEqualTo("test/chat");
    }

    @Test
    void freeGoesOnlyToTheFreeEndpoint() {
        int paid = cheap.requestCount() + dear.requestCount();

        for (int i = 0; i < 5; i++) {
            ChatCompletion completion = client.chat().completions().create(ask("test/chat:free").build());
            assertThat(provider(completion)).isEqualTo("Gift");
            assertThat(gift.last().json().path("model").asText()).isEqualTo("chat");
        }
        assertThat(cheap.requestCount() + dear.requestCount()).isEqualTo(paid);
    }

    @Test
    void freeWithProviderIgnoreOfTheFreeEndpointIsA400NotAPaidAnswer() {
        int paid = cheap.requestCount() + dear.requestCount();

        assertThatThrownBy(() -> client.chat().completions().create(ask("test/chat:free")
                .putAdditionalBodyProperty("provider", preferences(Map.of("ignore", List.of("gift")))).build()))
                .isInstanceOfSatisfying(BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("provider listed in provider.ignore"));
        assertThat(cheap.requestCount() + dear.requestCount()).isEqualTo(paid);
    }

    @Test
    void floorSortsByPrice() {
        for (int i = 0; i < 10; i++) {
            ChatCompletion completion = client.chat().completions().create(ask("test/chat:floor")
                    .putAdditionalBodyProperty("provider", preferences(Map.of("ignore", List.of("gift"),
                            "allow_fallbacks", false))).build());
            assertThat(provider(completion)).isEqualTo("Cheap");
        }
    }

    @Test
    void aVariantTheCatalogCannotServeIsA404ThatSaysSo() {
        assertThatThrownBy(() -> client.chat().completions().create(ask("test/vision:free").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.getMessage())
                        .contains("Model variant test/vision:free cannot be served: test/vision has no free endpoint"));
        assertThatThrownBy(() -> client.chat().completions().create(ask("test/chat:exacto").build()))
                .isInstanceOfSatisfying(NotFoundException.class,
                        e -> assertThat(e.getMessage()).contains("tool-calling quality signals"));
        // :online is the web plugin, which needs a search backend this gateway was not given
        assertThatThrownBy(() -> client.chat().completions().create(ask("test/chat:online").build()))
                .isInstanceOfSatisfying(com.openai.errors.BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("the web plugin needs a search backend"));
    }

    @Test
    void quantizationsKeepOnlyTheEndpointsAtThoseLevels() {
        for (int i = 0; i < 5; i++) {
            ChatCompletion completion = client.chat().completions().create(ask("test/chat")
                    .putAdditionalBodyProperty("provider", preferences(Map.of("quantizations", List.of("fp8")))).build());
            assertThat(provider(completion)).isEqualTo("Cheap");
        }
        assertThat(cheap.last().json().has("provider")).as("routing extensions stay home").isFalse();
    }

    @Test
    void anUnknownQuantizationIsA400NamingTheMember() {
        assertThatThrownBy(() -> client.chat().completions().create(ask("test/chat")
                .putAdditionalBodyProperty("provider", preferences(Map.of("quantizations", List.of("q4_k_m")))).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).contains("provider.quantizations");
                    assertThat(e.getMessage()).contains("expected an array of quantization levels");
                });
    }

    @Test
    void anImageIsNeverSentToATextOnlyModel() {
        int sent = gift.requestCount() + cheap.requestCount() + dear.requestCount();

        assertThatThrownBy(() -> client.chat().completions().create(askAboutAnImage("test/chat").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage())
                        .contains("the model does not accept image input (its input modalities: text)"));
        assertThat(gift.requestCount() + cheap.requestCount() + dear.requestCount()).isEqualTo(sent);
    }

    @Test
    void anImageFallsThroughToAModelThatAcceptsImages() {
        ChatCompletion completion = client.chat().completions().create(askAboutAnImage("test/chat")
                .putAdditionalBodyProperty("models", JsonValue.from(List.of("test/vision"))).build());

        assertThat(provider(completion)).isEqualTo("Vision");
        assertThat(completion.model()).isEqualTo("test/vision");
        JsonNode sent = vision.last().json();
        assertThat(sent.path("model").asText()).isEqualTo("eyes");
        assertThat(sent.path("messages").get(0).path("content").get(1).path("image_url").path("url").asText())
                .isEqualTo(IMAGE);
    }

    @Test
    void aModelDeclaringNoInputModalitiesGetsTheImage() {
        ChatCompletion completion = client.chat().completions().create(askAboutAnImage("test/own").build());

        assertThat(provider(completion)).isEqualTo("Own");
        assertThat(own.last().json().path("messages").get(0).path("content").get(1).path("type").asText())
                .isEqualTo("image_url");
    }

    @Test
    void anAnthropicImageBlockIsFilteredLikeAnImagePart() {
        HttpResponse<String> response = gateway.post("/v1/messages", """
                {"model":"test/chat","max_tokens":64,"messages":[{"role":"user","content":[
                  {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                  {"type":"text","text":"What is this?"}]}]}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(Json.parse(response.body()).path("error").path("message").asText())
                .contains("does not accept image input");
    }

    @Test
    void aResponsesApiInputImageIsFilteredLikeAnImagePart() {
        HttpResponse<String> response = gateway.post("/v1/responses", """
                {"model":"test/chat","input":[{"role":"user","content":[
                  {"type":"input_text","text":"What is this?"},
                  {"type":"input_image","image_url":"%s"}]}]}""".formatted(IMAGE));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(Json.parse(response.body()).path("error").path("message").asText())
                .contains("does not accept image input");
    }

    @Test
    void theModelListShowsFreeVariantsAndTheEndpointsShowTheirQuantization() {
        JsonNode models = Json.parse(gateway.get("/v1/models").body()).path("data");
        assertThat(models.findValuesAsText("id")).contains("test/chat", "test/chat:free", "test/vision")
                .doesNotContain("test/vision:free", "test/own:free");

        JsonNode free = Json.parse(gateway.get("/v1/models/test/chat:free/endpoints").body()).path("data");
        assertThat(free.path("endpoints").findValuesAsText("tag")).containsExactly("gift");

        JsonNode endpoints = Json.parse(gateway.get("/v1/models/test/chat/endpoints").body()).path("data").path("endpoints");
        assertThat(endpoints.get(0).path("quantization").asText()).isEqualTo("bf16");
        assertThat(endpoints.get(1).path("quantization").asText()).isEqualTo("fp8");
        assertThat(endpoints.get(2).path("quantization").isNull()).isTrue();
    }
}
