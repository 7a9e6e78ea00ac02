package dev.switchboard.plugins;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The repairs features/plugins/response-healing.mdx lists, each with its input and output. */
class JsonRepairTest {

    @Test
    void validJsonIsLeftExactlyAsItIs() {
        assertThat(JsonRepair.heal("{ \"name\" : \"Alice\" }")).contains("{ \"name\" : \"Alice\" }");
    }

    @Test
    void addsAMissingClosingBracket() {
        assertThat(JsonRepair.heal("{\"name\": \"Alice\", \"age\": 30")).contains("{\"name\":\"Alice\",\"age\":30}");
    }

    @Test
    void extractsJsonFromAMarkdownCodeBlock() {
        assertThat(JsonRepair.heal("```json\n{\"name\": \"Bob\"}\n```")).contains("{\"name\":\"Bob\"}");
    }

    @Test
    void extractsJsonFromTextAroundIt() {
        assertThat(JsonRepair.heal("Here's the data you requested:\n{\"name\": \"Charlie\", \"age\": 25}\nEnjoy!"))
                .contains("{\"name\":\"Charlie\",\"age\":25}");
    }

    @Test
    void dropsTrailingCommas() {
        assertThat(JsonRepair.heal("{\"name\": \"David\", \"age\": 35,}")).contains("{\"name\":\"David\",\"age\":35}");
        assertThat(JsonRepair.heal("[1, 2, 3,]")).contains("[1,2,3]");
    }

    @Test
    void quotesUnquotedKeys() {
        assertThat(JsonRepair.heal("{name: \"Eve\", age: 40}")).contains("{\"name\":\"Eve\",\"age\":40}");
    }

    @Test
    void readsSingleQuotesAndClosesACutString() {
        assertThat(JsonRepair.heal("{'a': 'x', \"b\": [true, null, 1.5e3")).contains("{\"a\":\"x\",\"b\":[true,null,1500]}");
        assertThat(JsonRepair.heal("{\"items\": [{\"id\": 1}, {\"id\": 2, \"note\": \"unfinish"))
                .contains("{\"items\":[{\"id\":1},{\"id\":2,\"note\":\"unfinish\"}]}");
    }

    @Test
    void keepsEscapesAndNesting() {
        assertThat(JsonRepair.heal("{\"q\": \"say \\\"hi\\\"\\n\", \"n\": {\"deep\": [\"\\u00e9\"],},}"))
                .contains("{\"q\":\"say \\\"hi\\\"\\n\",\"n\":{\"deep\":[\"é\"]}}");
    }

    @Test
    void givesUpWhenThereIsNoJsonToFind() {
        assertThat(JsonRepair.heal("I cannot answer that.")).isEmpty();
        assertThat(JsonRepair.heal("{\"a\": undefined}")).isEmpty();
    }
}
