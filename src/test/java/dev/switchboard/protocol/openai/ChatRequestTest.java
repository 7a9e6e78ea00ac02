package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.protocol.openai.StrictJson.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** Decoding the fields routing needs; forwarding and validation have their own classes. */
class ChatRequestTest {

    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    private static ChatRequest decode(String json) {
        return ChatRequest.decode(utf8(json));
    }

    private static List<String> topLevelNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void decodesTheStreamingToolRequestFixture() {
        byte[] body = Fixtures.bytes("openai/chat_request.json");
        JsonNode tree = Json.parse(body);

        ChatRequest request = ChatRequest.decode(body);

        assertThat(request.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(request.modelsToTry()).containsExactly("gpt-4o-2024-08-06");
        assertThat(request.stream()).isTrue();
        assertThat(request.maxTokens()).isEqualTo(1024L);
        assertThat(request.hasTools()).isTrue();
        assertThat(request.hasResponseFormat()).isFalse();
        assertThat(request.messageCount()).isEqualTo(2);
        assertThat(request.parameters()).containsExactlyInAnyOrderElementsOf(topLevelNames(tree));
        assertThat(request.provider()).isEqualTo(ProviderPreferences.NONE);
        assertThat(request.messages()).isEqualTo(tree.get("messages"));
        assertThat(request.field("tools")).isEqualTo(tree.get("tools"));
        assertThat(request.field("stop")).isEqualTo(tree.get("stop"));
        assertThat(request.field("response_format")).isNull();
        assertThat(request.body()).isSameAs(body);
    }

    @Test
    void decodesTheToolResultFixture() {
        byte[] body = Fixtures.bytes("openai/chat_request_tool_result.json");
        JsonNode tree = Json.parse(body);

        ChatRequest request = ChatRequest.decode(body);

        assertThat(request.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(request.stream()).isFalse();
        assertThat(request.maxTokens()).isNull();
        assertThat(request.hasTools()).isTrue();
        assertThat(request.messageCount()).isEqualTo(3);
        assertThat(request.parameters()).containsExactlyInAnyOrder("model", "messages", "tools");
        assertThat(request.messages()).isEqualTo(tree.get("messages"));
        assertThat(request.messages().get(1).path("tool_calls").get(0).path("function").path("arguments").asText())
                .isEqualTo("{\"location\":\"San Francisco, CA\"}");
    }

    @Test
    void readsTheKindsOfInputTheContentPartsCarry() {
        ChatRequest request = decode("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AA==\"}},"
                + "{\"image_url\":{\"url\":\"x\"},\"type\":\"image_url\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AA==\",\"format\":\"wav\"}},"
                + "{\"type\":\"file\",\"file\":{\"filename\":\"a.pdf\",\"file_data\":\"data:application/pdf;base64,AA==\"}}]}]}");

        assertThat(request.inputModalities()).containsExactlyInAnyOrder("image", "audio", "file");
        assertThat(decode("{\"model\":\"m\"," + MESSAGES + "}").inputModalities()).isEmpty();
    }

    @Test
    void prefersMaxCompletionTokensOverMaxTokens() {
        assertThat(decode("{\"model\":\"m\"," + MESSAGES + ",\"max_tokens\":10,\"max_completion_tokens\":20}").maxTokens())
                .isEqualTo(20L);
        assertThat(decode("{\"model\":\"m\"," + MESSAGES + ",\"max_completion_tokens\":20,\"max_tokens\":10}").maxTokens())
                .isEqualTo(20L);
        assertThat(decode("{\"model\":\"m\"," + MESSAGES + ",\"max_tokens\":10}").maxTokens()).isEqualTo(10L);
        assertThat(decode("{\"model\":\"m\"," + MESSAGES + ",\"max_tokens\":0}").maxTokens()).isZero();
        assertThat(decode("{\"model\":\"m\"," + MESSAGES + "}").maxTokens()).isNull();
    }

    @Test
    void acceptsNullForEveryOptionalField() {
        ChatRequest request = decode("{\"model\":\"m\"," + MESSAGES + ",\"models\":null,\"stream\":null,"
                + "\"stream_options\":null,\"max_tokens\":null,\"max_completion_tokens\":null,\"provider\":null,"
                + "\"tools\":null,\"response_format\":null,\"temperature\":null}");

        assertThat(request.stream()).isFalse();
        assertThat(request.maxTokens()).isNull();
        assertThat(request.provider()).isEqualTo(ProviderPreferences.NONE);
        assertThat(request.hasTools()).isFalse();
        assertThat(request.hasResponseFormat()).isFalse();
        assertThat(request.modelsToTry()).containsExactly("m");
    }

    @Test
    void seesToolsOnlyWhenTheArrayHasElements() {
        assertThat(decode("{\"model\":\"m\"," + MESSAGES + ",\"tools\":[]}").hasTools()).isFalse();
        assertThat(decode("{\"model\":\"m\"," + MESSAGES + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}").hasTools()).isTrue();
        assertThat(decode("{\"model\":\"m\"," + MESSAGES + "}").hasTools()).isFalse();
    }

    @Test
    void seesAResponseFormat() {
        assertThat(decode("{\"model\":\"m\"," + MESSAGES + ",\"response_format\":{\"type\":\"json_object\"}}")
                .hasResponseFormat()).isTrue();
    }

    @Test
    void triesModelFirstThenFallbacksWithoutRepeats() {
        ChatRequest request = decode("{\"model\":\"a/one\",\"models\":[\"b/two\",\"a/one\",\"c/three\",\"b/two\"]," + MESSAGES + "}");

        assertThat(request.model()).isEqualTo("a/one");
        assertThat(request.modelsToTry()).containsExactly("a/one", "b/two", "c/three");
    }

    @Test
    void usesModelsWhenModelIsAbsent() {
        ChatRequest absent = decode("{\"models\":[\"b/two\",\"c/three\",\"b/two\"]," + MESSAGES + "}");
        ChatRequest nullModel = decode("{\"model\":null,\"models\":[\"b/two\"]," + MESSAGES + "}");

        assertThat(absent.model()).isEqualTo("b/two");
        assertThat(absent.modelsToTry()).containsExactly("b/two", "c/three");
        assertThat(nullModel.modelsToTry()).containsExactly("b/two");
    }

    @Test
    void measuresThePromptAsTheBytesOfMessagesAndTools() {
        String messages = "[{\"role\":\"user\",\"content\":\"hé\"}]";
        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";

        ChatRequest request = decode("{\"model\":\"m\", \"messages\": " + messages + " , \"tools\":" + tools + "}");

        assertThat(request.promptBytes()).isEqualTo(utf8(messages).length + utf8(tools).length);
    }

    @Test
    void readsTopLevelFieldsAsTrees() {
        ChatRequest request = decode("{\"model\":\"m\"," + MESSAGES + ",\"temperature\":0.70,\"x\":{\"y\":[1,\"é\"]}}");

        assertThat(request.field("x")).isEqualTo(Json.parse("{\"y\":[1,\"é\"]}"));
        assertThat(request.field("temperature").decimalValue()).isEqualByComparingTo("0.7");
        assertThat(request.field("messages")).isEqualTo(request.messages());
        assertThat(request.field("absent")).isNull();
    }
}
