package dev.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class YamlDocumentTest {

    private static YamlDocument parse(String text, Map<String, String> env) {
        return YamlDocument.parse("test.yaml", text, env);
    }

    /** {@code "A=1;B="} → {A: "1", B: ""}; an empty spec is an empty environment. */
    private static Map<String, String> env(String spec) {
        Map<String, String> env = new HashMap<>();
        if (spec != null) {
            for (String pair : spec.split(";")) {
                int eq = pair.indexOf('=');
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return env;
    }

    @ParameterizedTest(name = "[{0}] with env [{1}] is [{2}]")
    @CsvSource(delimiter = '|', nullValues = "NONE", emptyValue = "", value = {
            "${A}                    | A=x      | x",
            "${A}                    | NONE     | ''",
            "${A}                    | A=       | ''",
            "${A:-fallback}          | NONE     | fallback",
            "${A:-fallback}          | A=       | fallback",
            "${A:-fallback}          | A=x      | x",
            "${A:-}                  | NONE     | ''",
            "${A:-https://h:8/v1}    | NONE     | https://h:8/v1",
            "${A}-${B:-b}/${C}       | A=1;C=3  | 1-b/3",
            "${A}${A}                | A=ab     | abab",
            "Bearer ${TOKEN}         | TOKEN=t  | Bearer t",
            "costs $5 and ${A}       | A=x      | costs $5 and x",
            "${A}                    | A=$1\\2  | $1\\2",
    })
    void substitutesVariablesInStringValues(String written, String envSpec, String expected) {
        YamlDocument doc = parse("value: \"" + written.replace("\\", "\\\\") + "\"\n", env(envSpec));

        assertThat(doc.root().get("value").asText()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"${A", "${1A}", "${A:-x", "x ${} y", "${A B}", "${A}-${"})
    void rejectsAMalformedVariableReferenceNamingFileLineAndField(String written) {
        String text = "server:\n  host: \"" + written + "\"\n";

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(text, Map.of("A", "a")));

        assertThat(e.file()).isEqualTo("test.yaml");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.field()).isEqualTo("server.host");
        assertThat(e.getMessage()).startsWith("test.yaml:2: server.host: malformed variable reference")
                .contains(written);
    }

    @Test
    void variableValuesThatLookLikeYamlStayOneString() {
        String sneaky = "x\nport: 1\n- [a, {b: c}]\n\"quoted\": # comment";
        YamlDocument doc = parse("""
                server:
                  host: ${HOST}
                  port: ${PORT:-8080}
                """, Map.of("HOST", sneaky));

        JsonNode server = doc.root().get("server");
        assertThat(server.fieldNames()).toIterable().containsExactly("host", "port");
        assertThat(server.get("host").asText()).isEqualTo(sneaky);
        assertThat(server.get("port").asText()).isEqualTo("8080");
    }

    @Test
    void remembersHowAValueWasWrittenBeforeSubstitution() {
        YamlDocument doc = parse("""
                providers:
                  - id: openai
                    api_key: ${OPENAI_API_KEY}
                    name: OpenAI
                """, Map.of());

        assertThat(doc.written("providers[0].api_key")).isEqualTo("${OPENAI_API_KEY}");
        assertThat(doc.written("providers[0].name")).isNull();
        assertThat(doc.root().at("/providers/0/api_key").asText()).isEmpty();
    }

    @Test
    void knowsTheLineOfEveryFieldAndFallsBackToTheNearestParent() {
        YamlDocument doc = parse("""
                server:
                  port: 8080
                providers:
                  - id: openai
                    timeouts:
                      connect_ms: 2000
                  - id: azure
                """, Map.of());

        assertThat(doc.lineOf("server")).isEqualTo(1);
        assertThat(doc.lineOf("server.port")).isEqualTo(2);
        assertThat(doc.lineOf("providers[0]")).isEqualTo(4);
        assertThat(doc.lineOf("providers[0].timeouts.connect_ms")).isEqualTo(6);
        assertThat(doc.lineOf("providers[1].id")).isEqualTo(7);
        assertThat(doc.lineOf("providers[1].base_url")).isEqualTo(7);
        assertThat(doc.lineOf("storage.database")).isEqualTo(1);
    }

    @Test
    void rejectsADuplicateKeyAtItsSecondOccurrence() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("""
                server:
                  host: a
                  port: 1
                  host: b
                """, Map.of()));

        assertThat(e.line()).isEqualTo(4);
        assertThat(e.field()).isEqualTo("server.host");
        assertThat(e.problem()).isEqualTo("duplicate key");
    }

    @Test
    void rejectsInvalidYamlWithTheLineOfTheProblem() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("""
                server:
                  host: a
                  port: [1, 2
                storage: {}
                """, Map.of()));

        assertThat(e.file()).isEqualTo("test.yaml");
        assertThat(e.line()).isGreaterThanOrEqualTo(3);
        assertThat(e.problem()).startsWith("not valid YAML");
    }

    @Test
    void keepsScalarTypesAndLeavesQuotedValuesAsText() {
        YamlDocument doc = parse("""
                int: 42
                float: 2.50
                bool: true
                nothing: null
                quoted: "42"
                date: 2025-04-14
                """, Map.of());

        JsonNode root = doc.root();
        assertThat(root.get("int").isIntegralNumber()).isTrue();
        assertThat(root.get("int").asLong()).isEqualTo(42);
        assertThat(root.get("float").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(root.get("bool").asBoolean()).isTrue();
        assertThat(root.get("nothing").isNull()).isTrue();
        assertThat(root.get("quoted").isTextual()).isTrue();
        assertThat(root.get("date").asText()).isEqualTo("2025-04-14");
    }

    @Test
    void anEmptyFileIsAnEmptyMapping() {
        assertThat(parse("", Map.of()).root().isEmpty()).isTrue();
        assertThat(parse("# only a comment\n", Map.of()).root().isObject()).isTrue();
    }
}
