package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.switchboard.protocol.openai.StrictJson.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link ChatOutput#rewrite}: Switchboard's identity on the upstream's output, nothing else changed. */
class ChatOutputRewriteTest {

    private static final String ID = "gen-1764353027-AbCdEf";
    private static final String MODEL = "openai/gpt-4o";
    private static final String PROVIDER = "OpenAI";
    private static final OutputIdentity IDENTITY = OutputIdentity.of(ID, MODEL, PROVIDER);
    private static final JsonNode USAGE = Json.parse(
            "{\"prompt_tokens\":82,\"completion_tokens\":17,\"total_tokens\":99,\"cost\":0.000341}");

    /** Every completion fixture and every chunk of every stream fixture. */
    static Stream<Arguments> outputs() {
        List<Arguments> all = new ArrayList<>();
        for (String fixture : OutputFixtures.COMPLETIONS) {
            all.add(Arguments.of(fixture, Fixtures.bytes(fixture), false));
        }
        for (String fixture : OutputFixtures.STREAMS) {
            List<byte[]> chunks = OutputFixtures.chunks(fixture);
            for (int i = 0; i < chunks.size(); i++) {
                all.add(Arguments.of(fixture + " #" + i, chunks.get(i), true));
            }
        }
        return all.stream();
    }

    private static ChatOutput scan(byte[] json, boolean chunk) {
        return chunk ? ChatOutput.chunk(json) : ChatOutput.completion(json);
    }

    private static ObjectNode withIdentity(byte[] original) {
        ObjectNode expected = (ObjectNode) Json.parse(original);
        expected.put("id", ID).put("model", MODEL).put("provider", PROVIDER);
        return expected;
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outputs")
    void replacesIdentityAndKeepsEveryOtherMember(String label, byte[] json, boolean chunk) {
        JsonNode rewritten = StrictJson.parse(scan(json, chunk).rewrite(IDENTITY, null));

        assertThat(rewritten).isEqualTo(withIdentity(json));
        List<String> names = names(rewritten);
        assertThat(names.indexOf("provider")).isEqualTo(names.indexOf("model") + 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outputs")
    void replacesOrAddsUsageWhenGiven(String label, byte[] json, boolean chunk) {
        JsonNode rewritten = StrictJson.parse(scan(json, chunk).rewrite(IDENTITY, USAGE));

        ObjectNode expected = withIdentity(json);
        expected.set("usage", USAGE);
        assertThat(rewritten).isEqualTo(expected);
    }

    @Test
    void keepsTheUpstreamsBytesOfOtherMembers() {
        String choices = "\"choices\": [ {\"index\":0, \"delta\": {\"content\": \"é😀\\u00e9 \\\"q\\\"\"} } ]";
        String extra = "\"x_upstream\":{\"score\":1.50, \"tags\":[]}";
        byte[] json = utf8("{\"id\":\"chatcmpl-1\", \"object\":\"chat.completion.chunk\",\n" + choices
                + ",\"model\":\"gpt-4o\", " + extra + ", \"usage\" : null}");

        String rewritten = new String(ChatOutput.chunk(json).rewrite(IDENTITY, null), StandardCharsets.UTF_8);

        assertThat(rewritten).contains(choices).contains(extra).contains("\"usage\" : null")
                .doesNotContain("chatcmpl-1").doesNotContain("\"gpt-4o\"");
        StrictJson.parse(utf8(rewritten));
    }

    @Test
    void replacesAnUpstreamProviderInsteadOfAddingASecond() {
        for (String json : List.of(
                "{\"id\":\"up\",\"provider\":\"Upstream Inc\",\"model\":\"m\",\"choices\":[]}",
                "{\"id\":\"up\",\"model\":\"m\",\"choices\":[],\"provider\":\"Upstream Inc\"}",
                "{\"provider\":{\"name\":\"x\"},\"choices\":[]}")) {
            JsonNode rewritten = StrictJson.parse(ChatOutput.chunk(utf8(json)).rewrite(IDENTITY, null));

            assertThat(rewritten.path("provider").asText()).as(json).isEqualTo(PROVIDER);
        }
    }

    @Test
    void addsIdentityToOutputThatHasNone() {
        JsonNode rewritten = StrictJson.parse(ChatOutput.chunk(utf8("{\"choices\":[]}")).rewrite(IDENTITY, USAGE));

        assertThat(rewritten).isEqualTo(Json.parse("{\"id\":\"" + ID + "\",\"model\":\"" + MODEL + "\",\"provider\":\""
                + PROVIDER + "\",\"choices\":[],\"usage\":" + USAGE + "}"));
        assertThat(StrictJson.parse(ChatOutput.chunk(utf8("{}")).rewrite(IDENTITY, null)))
                .isEqualTo(Json.parse("{\"id\":\"" + ID + "\",\"model\":\"" + MODEL + "\",\"provider\":\"" + PROVIDER + "\"}"));
    }

    @Test
    void replacesTheEmptyIdentityOfAzuresFilterChunk() {
        byte[] filterChunk = OutputFixtures.chunks("azure/chat_stream.sse").getFirst();
        assertThat(Json.parse(filterChunk).path("id").asText()).isEmpty();

        JsonNode rewritten = StrictJson.parse(ChatOutput.chunk(filterChunk).rewrite(IDENTITY, null));

        assertThat(rewritten.path("id").asText()).isEqualTo(ID);
        assertThat(rewritten.path("model").asText()).isEqualTo(MODEL);
        assertThat(rewritten.path("prompt_filter_results")).isEqualTo(Json.parse(filterChunk).path("prompt_filter_results"));
    }

    @Test
    void escapesIdentityStrings() {
        String model = "acme/\"quoted\" \\ model é";

        JsonNode rewritten = StrictJson.parse(ChatOutput.chunk(utf8("{\"model\":\"m\",\"choices\":[]}"))
                .rewrite(OutputIdentity.of("id\n1", model, "Prov \"X\""), null));

        assertThat(rewritten.path("id").asText()).isEqualTo("id\n1");
        assertThat(rewritten.path("model").asText()).isEqualTo(model);
        assertThat(rewritten.path("provider").asText()).isEqualTo("Prov \"X\"");
    }
}
