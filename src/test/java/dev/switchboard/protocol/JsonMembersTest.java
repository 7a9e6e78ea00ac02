package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.protocol.JsonMembers.Member;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonMembersTest {

    private static final JsonMembers.Inspector IGNORE = (name, parser) -> {
    };

    /** A member as written in the test body: its decoded name, the raw text of the member and of its value. */
    private record Raw(String name, String member, String value) {
    }

    private static final List<Raw> MEMBERS = List.of(
            new Raw("unicode", "\"unicode\": \"héllo 東京 😀\"", "\"héllo 東京 😀\""),
            new Raw("s", "\"s\":\"plain\"", "\"plain\""),
            new Raw("neg", "\"neg\" : -12.5e3", "-12.5e3"),
            new Raw("int", "\"int\":42", "42"),
            new Raw("big", "\"big\": 123456789012345678901234567890", "123456789012345678901234567890"),
            new Raw("obj", "\"obj\": {\"a\": {\"b\": [1, 2]}, \"c\": \"}\"}", "{\"a\": {\"b\": [1, 2]}, \"c\": \"}\"}"),
            new Raw("arr", "\"arr\": [1, \"two\", {\"three\": [3]}, []]", "[1, \"two\", {\"three\": [3]}, []]"),
            new Raw("braces", "\"braces\": \"not } a { brace ] [ , :\"", "\"not } a { brace ] [ , :\""),
            new Raw("esc\"aped \u00e9", "\"esc\\\"aped \\u00e9\": \"q \\\" b \\\\ \\u00e9 \\ud83d\\ude00 \\n\"",
                    "\"q \\\" b \\\\ \\u00e9 \\ud83d\\ude00 \\n\""),
            new Raw("t", "\"t\": true", "true"),
            new Raw("f", "\"f\":false", "false"),
            new Raw("n", "\"n\":   null", "null"),
            new Raw("empty", "\"empty\": {}", "{}"),
            new Raw("emptyArr", "\"emptyArr\": [ ]", "[ ]"),
            new Raw("ws", "\"ws\"  \n\t:\r\n  \"x\"", "\"x\""),
            new Raw("last", "\"last\": 0", "0"));

    private static final String[] SEPARATORS = {"", " ", "\n  ", "\t", "\r\n"};

    private record Body(byte[] bytes, List<Integer> starts) {
    }

    /** Builds {@code {...}} from {@link #MEMBERS} with varied whitespace, noting where each member starts (in bytes). */
    private static Body body() {
        StringBuilder json = new StringBuilder("{ ");
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < MEMBERS.size(); i++) {
            if (i > 0) {
                json.append(SEPARATORS[i % SEPARATORS.length]).append(',').append(SEPARATORS[(i + 2) % SEPARATORS.length]);
            }
            starts.add(json.toString().getBytes(StandardCharsets.UTF_8).length);
            json.append(MEMBERS.get(i).member());
        }
        json.append("\n}\n");
        return new Body(json.toString().getBytes(StandardCharsets.UTF_8), starts);
    }

    private static String slice(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    @Test
    void coversExactlyEachMembersNameAndValueBytes() {
        Body body = body();

        List<Member> members = JsonMembers.scan(body.bytes(), IGNORE);

        assertThat(members).extracting(Member::name).containsExactlyElementsOf(MEMBERS.stream().map(Raw::name).toList());
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            Raw expected = MEMBERS.get(i);
            assertThat(m.start()).as("start of %s", m.name()).isEqualTo(body.starts().get(i));
            assertThat(slice(body.bytes(), m.start(), m.end())).as("member %s", m.name()).isEqualTo(expected.member());
            assertThat(slice(body.bytes(), m.valueStart(), m.end())).as("value of %s", m.name()).isEqualTo(expected.value());
        }
    }

    @Test
    void coversMembersOfACompactObject() {
        byte[] json = "{\"a\":1,\"b\":-2.5,\"c\":true,\"d\":\"x\",\"e\":[],\"f\":{}}".getBytes(StandardCharsets.UTF_8);

        List<String> members = JsonMembers.scan(json, IGNORE).stream().map(m -> slice(json, m.start(), m.end())).toList();

        assertThat(members).containsExactly("\"a\":1", "\"b\":-2.5", "\"c\":true", "\"d\":\"x\"", "\"e\":[]", "\"f\":{}");
    }

    @Test
    void findsTheSameRangesWhenTheInspectorReadsValues() {
        byte[] bytes = body().bytes();
        List<String> seen = new ArrayList<>();
        JsonMembers.Inspector reader = (name, parser) -> {
            seen.add(name);
            JsonToken t = parser.currentToken();
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                Json.MAPPER.readTree(parser); // leaves the parser on the value's last token
            } else if (t == JsonToken.VALUE_STRING) {
                parser.getText();
            } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                parser.getDecimalValue();
            }
        };

        List<Member> read = JsonMembers.scan(bytes, reader);

        assertThat(read).isEqualTo(JsonMembers.scan(bytes, IGNORE));
        assertThat(seen).containsExactlyElementsOf(MEMBERS.stream().map(Raw::name).toList());
    }

    @Test
    void letsTheInspectorSeeEachValuesFirstToken() {
        List<JsonToken> tokens = new ArrayList<>();

        JsonMembers.scan("{\"a\": {\"x\": 1}, \"b\": [1], \"c\": \"s\", \"d\": 1.5, \"e\": null}"
                .getBytes(StandardCharsets.UTF_8), (name, parser) -> tokens.add(parser.currentToken()));

        assertThat(tokens).containsExactly(JsonToken.START_OBJECT, JsonToken.START_ARRAY, JsonToken.VALUE_STRING,
                JsonToken.VALUE_NUMBER_FLOAT, JsonToken.VALUE_NULL);
    }

    @Test
    void scansAnEmptyObject() {
        assertThat(JsonMembers.scan(" {\n} ".getBytes(StandardCharsets.UTF_8), IGNORE)).isEmpty();
    }

    @Test
    void reportsLineAndColumnOfMalformedJson() {
        byte[] json = "{\n  \"a\": 1,\n  \"b\": 2 \"c\": 3\n}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> JsonMembers.scan(json, IGNORE))
                .isInstanceOfSatisfying(MalformedJsonException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).as("column of the quote opening \"c\"").isEqualTo(10);
                    assertThat(e.getMessage()).contains("line 3").contains("column " + e.column())
                            .doesNotContain("Source:");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"a\": 1,}",
            "{\"a\": }",
            "{\"a\" 1}",
            "{\"a\": \"unterminated}",
            "{\"a\": [1, 2}",
            "{\"a\": tru}",
            "{\"a\": 1",
            "{a: 1}",
            "{\"a\": 01}",
            ""})
    void rejectsMalformedJson(String json) {
        assertThatThrownBy(() -> JsonMembers.scan(json.getBytes(StandardCharsets.UTF_8), IGNORE))
                .isInstanceOf(MalformedJsonException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\": 1} x", "{\"a\": 1}}", "{\"a\": 1}{}", "{\"a\": 1} 2", "{\"a\": 1}\n[]"})
    void rejectsContentAfterTheObject(String json) {
        assertThatThrownBy(() -> JsonMembers.scan(json.getBytes(StandardCharsets.UTF_8), IGNORE))
                .isInstanceOfSatisfying(MalformedJsonException.class, e -> assertThat(e.line()).isPositive());
    }

    @Test
    void acceptsWhitespaceAfterTheObject() {
        assertThat(JsonMembers.scan("{\"a\": 1} \r\n\t ".getBytes(StandardCharsets.UTF_8), IGNORE))
                .extracting(Member::name).containsExactly("a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[{\"a\": 1}]", "\"text\"", "42", "null", "true"})
    void rejectsARootThatIsNotAnObject(String json) {
        assertThatThrownBy(() -> JsonMembers.scan(json.getBytes(StandardCharsets.UTF_8), IGNORE))
                .isInstanceOfSatisfying(MalformedJsonException.class, e -> {
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.column()).isEqualTo(1);
                });
    }

    /**
     * Jackson reads UTF-16 and UTF-32 too, but then reports character offsets, not byte offsets, and
     * the members would be cut at the wrong places: any encoding but UTF-8 is malformed (RFC 8259 §8.1).
     */
    @ParameterizedTest
    @ValueSource(strings = {"UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE"})
    void refusesEveryEncodingButUtf8(String encoding) {
        byte[] body = "{\"model\":\"m\",\"messages\":[]}".getBytes(java.nio.charset.Charset.forName(encoding));
        assertThatThrownBy(() -> JsonMembers.scan(body, IGNORE)).isInstanceOf(MalformedJsonException.class)
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> JsonMembers.visit(body, IGNORE)).isInstanceOf(MalformedJsonException.class);
        assertThatThrownBy(() -> Json.parseRequest(body)).isInstanceOf(MalformedJsonException.class);
    }

    @Test
    void acceptsUtf8WithAByteOrderMarkAtItsByteOffsets() {
        byte[] json = "\uFEFF{\"a\":1,\"b\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        List<Member> members = JsonMembers.scan(json, IGNORE);
        assertThat(new String(json, members.get(1).start(), members.get(1).end() - members.get(1).start(),
                StandardCharsets.UTF_8)).isEqualTo("\"b\":\"x\"");
        assertThat(Json.parseRequest(json).path("b").asText()).isEqualTo("x");
    }
}
