package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.switchboard.protocol.openai.StrictJson.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link ChatRequest#toUpstream}: the client's bytes, with model, stream usage and routing extensions adjusted. */
class ChatRequestUpstreamTest {

    private static final String UPSTREAM_MODEL = "gpt-4.1";
    private static final List<String> EXTENSIONS = List.of("models", "provider", "usage", "transforms", "plugins", "route");

    /** Members a client may send that must reach the upstream exactly as written. */
    private static final List<String> KEPT = List.of(
            "\"messages\" : [ {\"role\": \"user\", \"content\": \"Grüße aus Köln 👋 \\u00e9\\n\\\"quoted\\\"\"} ]",
            "\"temperature\":0.70",
            "\"x_custom\": {\"deep\": [1, 2, {\"a\": \"b\"}]}",
            "\"seed\": 1E2",
            "\"stop\":[\"}\", \"\\n\\nUser:\"]",
            "\"logit_bias\": {\"50256\": -100}",
            "\"user\": null");

    private static String clientBody() {
        return "{\n  \"provider\": {\"order\": [\"OpenAI\"], \"sort\": \"price\"},\n  \"model\": \"openai/gpt-4.1\",\n  "
                + KEPT.get(0) + ",\n  \"models\": [\"anthropic/claude-sonnet-4.5\"],\n" + KEPT.get(1)
                + ", \"usage\": {\"include\": true}, \"transforms\": [\"middle-out\"],\t" + KEPT.get(2)
                + ",\r\n \"plugins\": [{\"id\": \"web\"}], " + KEPT.get(3) + "," + KEPT.get(4) + ", " + KEPT.get(5)
                + ",\n" + KEPT.get(6) + ",\n \"route\": \"fallback\"\n}";
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void replacesModelDropsExtensionsAndKeepsEveryOtherMemberByteForByte() {
        byte[] out = ChatRequest.decode(utf8(clientBody())).toUpstream(UPSTREAM_MODEL);
        String text = new String(out, StandardCharsets.UTF_8);

        JsonNode forwarded = StrictJson.parse(out);

        assertThat(forwarded.path("model").asText()).isEqualTo(UPSTREAM_MODEL);
        assertThat(names(forwarded)).doesNotContainAnyElementsOf(EXTENSIONS)
                .containsExactlyInAnyOrder("model", "messages", "temperature", "x_custom", "seed", "stop", "logit_bias",
                        "user");
        for (String member : KEPT) {
            assertThat(text).contains(member);
        }
        assertThat(text).doesNotContain("openai/gpt-4.1").doesNotContain("middle-out").doesNotContain("claude");
    }

    @Test
    void forwardsTheFixtureRequestWithOnlyModelAndStreamOptionsChanged() {
        byte[] body = Fixtures.bytes("openai/chat_request.json");
        JsonNode client = Json.parse(body);

        JsonNode forwarded = StrictJson.parse(ChatRequest.decode(body).toUpstream(UPSTREAM_MODEL));

        assertThat(names(forwarded)).containsExactlyInAnyOrderElementsOf(names(client));
        for (String name : names(client)) {
            if (!name.equals("model")) {
                assertThat(forwarded.get(name)).as(name).isEqualTo(client.get(name));
            }
        }
        assertThat(forwarded.path("model").asText()).isEqualTo(UPSTREAM_MODEL);
        assertThat(forwarded.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void forwardsANonStreamingRequestWithoutStreamOptions() {
        byte[] body = Fixtures.bytes("openai/chat_request_tool_result.json");
        JsonNode client = Json.parse(body);

        JsonNode forwarded = StrictJson.parse(ChatRequest.decode(body).toUpstream(UPSTREAM_MODEL));

        ((ObjectNode) client).put("model", UPSTREAM_MODEL);
        assertThat(forwarded).isEqualTo(client);
    }

    static Stream<Arguments> streamOptions() {
        return Stream.of(
                Arguments.of("\"stream\":true", "{\"include_usage\":true}"),
                Arguments.of("\"stream\":true,\"stream_options\":null", "{\"include_usage\":true}"),
                Arguments.of("\"stream\":true,\"stream_options\":{}", "{\"include_usage\":true}"),
                Arguments.of("\"stream\":true,\"stream_options\":{\"include_usage\":false,\"include_obfuscation\":false}",
                        "{\"include_usage\":true,\"include_obfuscation\":false}"),
                Arguments.of("\"stream_options\":{\"include_obfuscation\":true},\"stream\":true",
                        "{\"include_obfuscation\":true,\"include_usage\":true}"),
                Arguments.of("\"stream\":false", null),
                Arguments.of("\"temperature\":1", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamOptions")
    void asksForUsageWhenStreaming(String members, String expectedStreamOptions) {
        byte[] out = ChatRequest.decode(utf8("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]," + members + "}"))
                .toUpstream(UPSTREAM_MODEL);

        JsonNode forwarded = StrictJson.parse(out);

        assertThat(forwarded.get("stream_options"))
                .isEqualTo(expectedStreamOptions == null ? null : Json.parse(expectedStreamOptions));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"stream\": false, ", "\"stream\": null, ", ""})
    void leavesStreamOptionsAsSentWhenNotStreaming(String stream) {
        String options = "\"stream_options\" : {\"include_usage\": false}";

        byte[] out = ChatRequest.decode(utf8("{\"model\":\"m\", " + stream + options + ", \"messages\":[{\"role\":\"user\"}]}"))
                .toUpstream(UPSTREAM_MODEL);

        assertThat(new String(out, StandardCharsets.UTF_8)).contains(options);
        assertThat(StrictJson.parse(out).path("stream_options").path("include_usage").asBoolean()).isFalse();
    }

    @Test
    void addsModelWhenTheClientSentOnlyModels() {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";

        JsonNode forwarded = StrictJson.parse(ChatRequest.decode(utf8("{\"models\":[\"a\",\"b\"]," + messages + "}"))
                .toUpstream(UPSTREAM_MODEL));

        assertThat(names(forwarded)).containsExactlyInAnyOrder("messages", "model");
        assertThat(forwarded.path("model").asText()).isEqualTo(UPSTREAM_MODEL);
    }

    @Test
    void keepsTheBodyValidWhenExtensionsOpenAndCloseIt() {
        byte[] body = utf8("{\"route\":\"fallback\",\"models\":[\"a\"],\"messages\":[{\"role\":\"user\"}],"
                + "\"stream\":true,\"provider\":{\"sort\":\"price\"}}");

        JsonNode forwarded = StrictJson.parse(ChatRequest.decode(body).toUpstream(UPSTREAM_MODEL));

        assertThat(names(forwarded)).containsExactlyInAnyOrder("messages", "stream", "model", "stream_options");
    }

    @Test
    void writesAnUpstreamModelNameThatNeedsEscaping() {
        String odd = "deploy \"blue\"\\é";

        JsonNode forwarded = StrictJson.parse(ChatRequest.decode(utf8("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}"))
                .toUpstream(odd));

        assertThat(forwarded.path("model").asText()).isEqualTo(odd);
    }
}
