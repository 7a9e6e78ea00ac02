package dev.switchboard.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCounterTest {

    private static final String O200K = "o200k_base";
    private static final String CL100K = "cl100k_base";

    @Test
    void countsHelloWorldAsTwoTokens() {
        assertThat(TokenCounter.count("Hello world", O200K)).isEqualTo(2);
        assertThat(TokenCounter.count("Hello world", CL100K)).isEqualTo(2);
    }

    @Test
    void countsNothingAsZero() {
        assertThat(TokenCounter.count("", O200K)).isZero();
        assertThat(TokenCounter.count(null, O200K)).isZero();
    }

    @Test
    void countsUnknownTokenizersWithO200k() {
        String text = "Claude and Gemini have tokenizers of their own; 東京 😀";

        assertThat(TokenCounter.count(text, "claude")).isEqualTo(TokenCounter.count(text, O200K));
        assertThat(TokenCounter.count(text, null)).isEqualTo(TokenCounter.count(text, O200K));
    }

    static Stream<Arguments> texts() {
        List<String> texts = List.of(
                "The quick brown fox jumps over the lazy dog.",
                "日本語のテキストをトークンに分割します。中文也可以。한국어도요.",
                "😀👍🏽👨‍👩‍👧‍👦🇩🇰 🦩🪼",
                "𠜎𠜱𠝹𠱓 rare CJK outside the BMP",
                "mixed: café naïve Ελληνικά Русский 東京 🚀\n\tcode `x = 1;` \u00a0 end",
                " ");
        return Stream.of(O200K, CL100K).flatMap(t -> texts.stream().map(text -> Arguments.of(t, text)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("texts")
    void splitsIntoOnePiecePerTokenThatJoinBackToTheText(String tokenizer, String text) {
        List<String> pieces = TokenCounter.split(text, tokenizer);

        assertThat(String.join("", pieces)).isEqualTo(text);
        assertThat((long) pieces.size()).isEqualTo(TokenCounter.count(text, tokenizer));
    }

    @Test
    void keepsACharacterSpanningSeveralTokensWholeInOnePiece() {
        String text = "🦩🪼𠜎";

        List<String> pieces = TokenCounter.split(text, O200K);

        assertThat(pieces.size()).as("these characters take several tokens each").isGreaterThan(text.codePointCount(0, text.length()));
        assertThat(pieces).contains("").allSatisfy(p -> assertThat(p).doesNotContain("\uFFFD"));
    }

    @Test
    void splitsEmptyTextIntoNoPieces() {
        assertThat(TokenCounter.split("", O200K)).isEmpty();
    }

    private static JsonNode messages(String json) {
        return Json.parse(json);
    }

    @Test
    void countsTextPartsLikePlainContent() {
        long plain = TokenCounter.countPrompt(messages("[{\"role\":\"user\",\"content\":\"Hello world\"}]"), null, O200K);
        long parts = TokenCounter.countPrompt(messages(
                "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello world\"}]}]"), null, O200K);

        assertThat(parts).isEqualTo(plain);
        assertThat(plain).isGreaterThan(TokenCounter.count("Hello world", O200K));
    }

    @Test
    void addsAFlatEstimatePerImage() {
        String text = "{\"type\":\"text\",\"text\":\"What is in this picture?\"}";
        String image = "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + "iVBORw0KGgo".repeat(500) + "\"}}";
        long textOnly = TokenCounter.countPrompt(messages("[{\"role\":\"user\",\"content\":[" + text + "]}]"), null, O200K);

        long oneImage = TokenCounter.countPrompt(messages("[{\"role\":\"user\",\"content\":[" + text + "," + image + "]}]"), null, O200K);
        long twoImages = TokenCounter.countPrompt(
                messages("[{\"role\":\"user\",\"content\":[" + text + "," + image + "," + image + "]}]"), null, O200K);

        assertThat(oneImage - textOnly).isEqualTo(TokenCounter.IMAGE_TOKENS);
        assertThat(twoImages - textOnly).isEqualTo(2L * TokenCounter.IMAGE_TOKENS);
    }

    @Test
    void estimatesTheImageOfTheRequestFixtureWithoutCountingItsBase64() {
        JsonNode request = Json.parse(Fixtures.bytes("openai/chat_request.json"));
        ArrayNode messages = (ArrayNode) request.get("messages").deepCopy();
        long withImage = TokenCounter.countPrompt(messages, null, O200K);
        ((ArrayNode) messages.get(1).get("content")).remove(1);

        long withoutImage = TokenCounter.countPrompt(messages, null, O200K);

        assertThat(withImage - withoutImage).isEqualTo(TokenCounter.IMAGE_TOKENS);
    }

    @Test
    void growsWithToolDefinitions() {
        JsonNode request = Json.parse(Fixtures.bytes("openai/chat_request_tool_result.json"));
        JsonNode messages = request.get("messages");
        ArrayNode twoTools = ((ArrayNode) request.get("tools")).deepCopy();
        ObjectNode second = twoTools.get(0).deepCopy();
        ((ObjectNode) second.get("function")).put("name", "get_forecast");
        twoTools.add(second);

        long none = TokenCounter.countPrompt(messages, null, O200K);
        long one = TokenCounter.countPrompt(messages, request.get("tools"), O200K);
        long two = TokenCounter.countPrompt(messages, twoTools, O200K);

        assertThat(one).isGreaterThan(none);
        assertThat(two).isGreaterThan(one);
        assertThat(TokenCounter.countPrompt(messages, Json.parse("null"), O200K)).isEqualTo(none);
    }

    @Test
    void countsEveryMessageWithItsFraming() {
        JsonNode one = messages("[{\"role\":\"user\",\"content\":\"Hello world\"}]");
        JsonNode two = messages("[{\"role\":\"user\",\"content\":\"Hello world\"},{\"role\":\"user\",\"content\":\"Hello world\"}]");
        long perMessage = TokenCounter.countPrompt(two, null, O200K) - TokenCounter.countPrompt(one, null, O200K);

        assertThat(perMessage).isEqualTo(TokenCounter.TOKENS_PER_MESSAGE + TokenCounter.count("user", O200K)
                + TokenCounter.count("Hello world", O200K));
        assertThat(TokenCounter.countPrompt(null, null, O200K)).isEqualTo(TokenCounter.REPLY_PRIMING);
    }

    @Test
    void countsToolCallsAndToolResultsOfTheConversation() {
        JsonNode messages = Json.parse(Fixtures.bytes("openai/chat_request_tool_result.json")).get("messages");
        ArrayNode withoutCalls = messages.deepCopy();
        ((ObjectNode) withoutCalls.get(1)).remove("tool_calls");

        assertThat(TokenCounter.countPrompt(messages, null, O200K))
                .isGreaterThan(TokenCounter.countPrompt(withoutCalls, null, O200K));
    }
}
