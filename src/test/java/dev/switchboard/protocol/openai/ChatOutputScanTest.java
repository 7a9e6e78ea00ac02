package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.MalformedJsonException;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;

import static dev.switchboard.protocol.openai.StrictJson.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the gateway learns from scanning upstream output. */
class ChatOutputScanTest {

    static final List<String> STREAMS = OutputFixtures.STREAMS;

    @Test
    void readsAPlainCompletion() {
        byte[] json = Fixtures.bytes("openai/chat_nonstream.json");

        ChatOutput out = ChatOutput.completion(json);

        assertThat(out.hasContent()).isTrue();
        assertThat(out.finishReason()).isEqualTo("stop");
        assertThat(out.choiceCount()).isEqualTo(1);
        assertThat(out.hasChoicesMember()).isTrue();
        assertThat(out.usage()).isEqualTo(Json.parse(json).get("usage"));
        assertThat(out.error()).isNull();
        assertThat(out.generatedText()).isEqualTo("Hello! How can I assist you today?");
    }

    @Test
    void countsToolCallsAsContent() {
        ChatOutput out = ChatOutput.completion(Fixtures.bytes("openai/chat_tool_call.json"));

        assertThat(out.hasContent()).isTrue();
        assertThat(out.finishReason()).isEqualTo("tool_calls");
        assertThat(out.usage().path("completion_tokens").asLong()).isEqualTo(17);
        assertThat(out.generatedText()).contains("get_weather").contains("{\"location\":\"San Francisco, CA\"}");
    }

    @Test
    void readsAnAzureCompletionWithFilterResults() {
        byte[] json = Fixtures.bytes("azure/chat_nonstream.json");

        ChatOutput out = ChatOutput.completion(json);

        assertThat(out.hasContent()).isTrue();
        assertThat(out.finishReason()).isEqualTo("length");
        assertThat(out.usage()).isEqualTo(Json.parse(json).get("usage"));
        assertThat(out.generatedText()).isEqualTo("Hello! It looks like");
    }

    @Test
    void reportsAContentFilteredAzureCompletionWithoutContent() {
        ChatOutput out = ChatOutput.completion(Fixtures.bytes("azure/chat_output_filtered.json"));

        assertThat(out.finishReason()).isEqualTo("content_filter");
        assertThat(out.hasContent()).isFalse();
        assertThat(out.generatedText()).isEmpty();
        assertThat(out.usage().path("total_tokens").asLong()).isEqualTo(32);
    }

    @ParameterizedTest
    @FieldSource("STREAMS")
    void agreesWithTheTreeOnChoicesUsageAndFinishForEveryChunk(String fixture) {
        for (byte[] chunk : OutputFixtures.chunks(fixture)) {
            JsonNode tree = Json.parse(chunk);
            JsonNode usage = tree.get("usage");

            ChatOutput out = ChatOutput.chunk(chunk);

            assertThat(out.choiceCount()).isEqualTo(tree.path("choices").size());
            assertThat(out.usage()).isEqualTo(usage != null && usage.isObject() ? usage : null);
            assertThat(out.finishReason()).isEqualTo(tree.path("choices").path(0).path("finish_reason").textValue());
            assertThat(out.hasChoicesMember()).isTrue();
            assertThat(out.error()).isNull();
        }
    }

    @Test
    void followsATextStreamFromRoleToUsage() {
        List<ChatOutput> chunks = OutputFixtures.chunks("openai/chat_stream_text.sse").stream().map(ChatOutput::chunk).toList();
        ChatOutput first = chunks.getFirst();
        ChatOutput finish = chunks.get(chunks.size() - 2);
        ChatOutput usage = chunks.getLast();

        assertThat(first.hasContent()).as("role-only first chunk").isFalse();
        assertThat(first.finishReason()).isNull();
        assertThat(chunks.subList(1, chunks.size() - 2)).allSatisfy(c -> assertThat(c.hasContent()).isTrue());
        assertThat(finish.finishReason()).isEqualTo("stop");
        assertThat(finish.hasContent()).isFalse();
        assertThat(usage.choiceCount()).isZero();
        assertThat(usage.usage().path("total_tokens").asLong()).isEqualTo(26);
        assertThat(chunks.stream().map(ChatOutput::generatedText).reduce("", String::concat))
                .isEqualTo("Hello! How can I help you today?");
    }

    @Test
    void followsAnAzureStreamFromItsFilterOnlyChunk() {
        List<ChatOutput> chunks = OutputFixtures.chunks("azure/chat_stream.sse").stream().map(ChatOutput::chunk).toList();
        ChatOutput filterOnly = chunks.getFirst();

        assertThat(filterOnly.choiceCount()).isZero();
        assertThat(filterOnly.usage()).isNull();
        assertThat(filterOnly.hasContent()).isFalse();
        assertThat(chunks.get(1).hasContent()).as("role chunk with empty content").isFalse();
        assertThat(chunks.get(2).hasContent()).isTrue();
        assertThat(chunks.get(chunks.size() - 2).finishReason()).isEqualTo("stop");
        assertThat(chunks.getLast().choiceCount()).isZero();
        assertThat(chunks.getLast().usage().path("completion_tokens_details").path("reasoning_tokens").asLong()).isEqualTo(64);
        assertThat(chunks.stream().map(ChatOutput::generatedText).reduce("", String::concat)).isEqualTo("Capital of Denmark.");
    }

    @ParameterizedTest
    @CsvSource({"openai/chat_stream.sse", "recorded/third-party/openai_chat_tool_call_stream.gpt-4o.sse"})
    void collectsToolNameAndArgumentsAcrossAToolCallStream(String fixture) {
        List<ChatOutput> chunks = OutputFixtures.chunks(fixture).stream().map(ChatOutput::chunk).toList();

        String text = chunks.stream().map(ChatOutput::generatedText).reduce("", String::concat);

        assertThat(text).contains("get_weather").contains("{\"location\":\"San Francisco, CA\"}");
        assertThat(chunks.getFirst().hasContent()).as("first chunk opens the tool call").isTrue();
        assertThat(chunks.stream().filter(c -> c.finishReason() != null).map(ChatOutput::finishReason))
                .containsExactly("tool_calls");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `{"content":"Hi"}`                                                  | true  | Hi
            `{"content":""}`                                                    | false | ``
            `{"content":null,"refusal":null}`                                   | false | ``
            `{"refusal":"I can't help with that."}`                             | true  | I can't help with that.
            `{"reasoning":"Let me think"}`                                      | true  | Let me think
            `{"reasoning_content":"Step 1"}`                                    | true  | Step 1
            `{"tool_calls":[]}`                                                 | false | ``
            `{"tool_calls":null}`                                               | false | ``
            `{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}`        | true  | {}
            `{"function_call":{"name":"f","arguments":"{\\"a\\":1}"}}`          | true  | `f{"a":1}`
            `{}`                                                                | false | ``
            """)
    void decidesWhetherADeltaCarriesContent(String delta, boolean hasContent, String text) {
        ChatOutput out = ChatOutput.chunk(utf8("{\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}"));

        assertThat(out.hasContent()).isEqualTo(hasContent);
        assertThat(out.generatedText()).isEqualTo(text);
        assertThat(out.finishReason()).isNull();
    }

    @Test
    void looksAtMessageInCompletionsAndDeltaInChunks() {
        byte[] json = utf8("{\"choices\":[{\"message\":{\"content\":\"m\"},\"delta\":{\"content\":\"d\"}}]}");

        assertThat(ChatOutput.completion(json).generatedText()).isEqualTo("m");
        assertThat(ChatOutput.chunk(json).generatedText()).isEqualTo("d");
    }

    @Test
    void reportsTheFirstFinishReasonOfSeveralChoices() {
        ChatOutput out = ChatOutput.completion(utf8("{\"choices\":[{\"index\":0,\"finish_reason\":null},"
                + "{\"index\":1,\"message\":{\"content\":\"b\"},\"finish_reason\":\"length\"},"
                + "{\"index\":2,\"finish_reason\":\"stop\"}]}"));

        assertThat(out.choiceCount()).isEqualTo(3);
        assertThat(out.finishReason()).isEqualTo("length");
        assertThat(out.hasContent()).isTrue();
    }

    @Test
    void reportsATopLevelError() {
        ChatOutput inBand = ChatOutput.chunk(utf8("{\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}],"
                + "\"error\":{\"code\":502,\"message\":\"Provider disconnected\"}}"));
        ChatOutput bare = ChatOutput.completion(utf8("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));

        assertThat(inBand.error().path("message").asText()).isEqualTo("Provider disconnected");
        assertThat(inBand.finishReason()).isEqualTo("error");
        assertThat(bare.error().path("type").asText()).isEqualTo("server_error");
        assertThat(bare.hasChoicesMember()).isFalse();
        assertThat(bare.choiceCount()).isZero();
        assertThat(ChatOutput.chunk(utf8("{\"choices\":[],\"error\":null}")).error()).isNull();
    }

    @Test
    void rejectsMalformedOutput() {
        assertThatThrownBy(() -> ChatOutput.chunk(utf8("{\"choices\":[{\"delta\":{\"content\":\"x\"}]"))).isInstanceOf(MalformedJsonException.class);
        assertThatThrownBy(() -> ChatOutput.completion(utf8("[DONE]"))).isInstanceOf(MalformedJsonException.class);
    }
}
