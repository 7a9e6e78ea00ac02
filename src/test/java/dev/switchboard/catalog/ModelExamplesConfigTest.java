package dev.switchboard.catalog;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A model's {@code examples: [{prompt, output?}]}: read into the catalog, checked like every other field. */
class ModelExamplesConfigTest {

    private static Catalog build(String yaml) {
        return CatalogFactory.build(new ConfigLoader(Map.of()).load("switchboard.yaml", yaml), BuiltInCatalogTest.IMPLEMENTED);
    }

    @Test
    void examplesAreReadWithTheirOptionalOutputs() {
        Catalog catalog = build("""
                models:
                  - id: acme/widget
                    context_length: 100
                    examples:
                      - prompt: "  Name three primes.  "
                        output: "2, 3 and 5."
                      - { prompt: Write a limerick. }
                    endpoints: [ { provider: demo } ]
                """);

        assertThat(catalog.find("acme/widget").orElseThrow().examples()).containsExactly(
                new ModelExample("Name three primes.", "2, 3 and 5."), new ModelExample("Write a limerick.", null));
    }

    @Test
    void aModelWithoutExamplesHasNone() {
        assertThat(build("models: []").find("switchboard/echo").orElseThrow().examples()).isEmpty();
    }

    @Test
    void anExampleNeedsItsPrompt() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> build("""
                models:
                  - id: acme/widget
                    context_length: 100
                    examples:
                      - { output: "an answer to nothing" }
                    endpoints: [ { provider: demo } ]
                """));

        assertThat(e.field()).isEqualTo("models[0].examples[0].prompt");
        assertThat(e.problem()).startsWith("required");
    }

    @Test
    void anUnknownExampleFieldIsAnError() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> build("""
                models:
                  - id: acme/widget
                    context_length: 100
                    examples:
                      - { prompt: Hi, answer: Hello }
                    endpoints: [ { provider: demo } ]
                """));

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.field()).isEqualTo("models[0].examples[0].answer");
        assertThat(e.problem()).contains("expected one of: output, prompt");
    }
}
