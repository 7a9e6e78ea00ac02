package dev.switchboard.protocol.openai;

import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.MalformedJsonException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.switchboard.protocol.openai.StrictJson.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A request that breaks the API contract names the offending field in {@code param}. */
class ChatRequestValidationTest {

    private static final String OK_MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    /** Each row: a request body ({@code MSG} stands for a valid messages member) and the param it is rejected for. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `{"model":"m"}`                                                         | messages
            `{"model":"m","messages":null}`                                         | messages
            `{"model":"m","messages":{"role":"user"}}`                              | messages
            `{"model":"m","messages":"hi"}`                                         | messages
            `{"model":"m","messages":[]}`                                           | messages
            `{"model":"m","messages":["hi"]}`                                       | messages[0]
            `{"model":"m","messages":[{"content":"hi"}]}`                           | messages[0].role
            `{"model":"m","messages":[{"role":"user"},{"content":"x"}]}`            | messages[1].role
            `{"model":"m","messages":[{"role":1,"content":"hi"}]}`                  | messages[0].role
            `{"model":"m","messages":[{"role":null,"content":"hi"}]}`               | messages[0].role
            `{"model":"m","messages":[{"role":["user"],"content":"hi"}]}`           | messages[0].role
            `{"model":"m","messages":[{"role":"user"},{"role":"user"},{"role":"bot"}]}` | messages[2].role
            `{"model":"m","messages":[{"role":"User","content":"hi"}]}`             | messages[0].role
            `{"model":"m","tools":{"type":"function"},MSG}`                         | tools
            `{"model":"m","tools":"f",MSG}`                                         | tools
            `{"model":"m","tools":["f"],MSG}`                                       | tools[0]
            `{"model":"m","tools":[{"type":"function"}],MSG}`                       | tools[0].function
            `{"model":"m","tools":[{"type":"function","function":{"name":"f"}},{"name":"g"}],MSG}` | tools[1].function
            `{"model":"m","tools":[{"type":"function","function":"f"}],MSG}`        | tools[0].function
            `{"model":"m","tools":[{"type":"function","function":{"parameters":{}}}],MSG}` | tools[0].function.name
            `{"model":"m","tools":[{"type":"function","function":{"name":""}}],MSG}` | tools[0].function.name
            `{"messages":[{"role":"user"}]}`                                        | model
            `{"model":null,"messages":[{"role":"user"}]}`                           | model
            `{"model":null,"models":null,"messages":[{"role":"user"}]}`             | model
            `{"models":[],"messages":[{"role":"user"}]}`                            | model
            `{"model":42,"messages":[{"role":"user"}]}`                             | model
            `{"model":"","messages":[{"role":"user"}]}`                             | model
            `{"model":{"id":"m"},"messages":[{"role":"user"}]}`                     | model
            `{"models":"a/b","messages":[{"role":"user"}]}`                         | models
            `{"models":["a/b",1],"messages":[{"role":"user"}]}`                     | models
            `{"models":["a/b",""],"messages":[{"role":"user"}]}`                    | models
            `{"model":"m","stream":"true",MSG}`                                     | stream
            `{"model":"m","stream":1,MSG}`                                          | stream
            `{"model":"m","stream_options":"usage",MSG}`                            | stream_options
            `{"model":"m","max_tokens":-1,MSG}`                                     | max_tokens
            `{"model":"m","max_tokens":1.5,MSG}`                                    | max_tokens
            `{"model":"m","max_tokens":"100",MSG}`                                  | max_tokens
            `{"model":"m","max_completion_tokens":-5,MSG}`                          | max_completion_tokens
            `{"model":"m","max_completion_tokens":true,MSG}`                        | max_completion_tokens
            `{"model":"m","provider":"openai",MSG}`                                 | provider
            `{"model":"m","provider":{"sort":"fastest"},MSG}`                       | provider.sort
            `{"model":"m","provider":{"sort":42},MSG}`                              | provider.sort
            `{"model":"m","provider":{"sort":{"by":"cost"}},MSG}`                   | provider.sort.by
            `{"model":"m","provider":{"sort":{"partition":"model"}},MSG}`           | provider.sort.by
            `{"model":"m","provider":{"order":"openai"},MSG}`                       | provider.order
            `{"model":"m","provider":{"order":["openai",7]},MSG}`                   | provider.order
            `{"model":"m","provider":{"only":[" "]},MSG}`                           | provider.only
            `{"model":"m","provider":{"ignore":{"a":1}},MSG}`                       | provider.ignore
            `{"model":"m","provider":{"allow_fallbacks":"no"},MSG}`                 | provider.allow_fallbacks
            `{"model":"m","provider":{"require_parameters":1},MSG}`                 | provider.require_parameters
            `{"model":"m","provider":{"zdr":"true"},MSG}`                           | provider.zdr
            `{"model":"m","provider":{"data_collection":"maybe"},MSG}`              | provider.data_collection
            `{"model":"m","provider":{"data_collection":true},MSG}`                 | provider.data_collection
            `{"model":"m","provider":{"max_price":5},MSG}`                          | provider.max_price
            `{"model":"m","provider":{"max_price":{"prompt":-1}},MSG}`              | provider.max_price.prompt
            `{"model":"m","provider":{"max_price":{"completion":"2"}},MSG}`         | provider.max_price.completion
            `{"model":"m","provider":{"preferred_max_latency":"fast"},MSG}`         | provider.preferred_max_latency
            `{"model":"m","provider":{"preferred_max_latency":{"p90":"1"}},MSG}`    | provider.preferred_max_latency.p90
            `{"model":"m","provider":{"preferred_min_throughput":[50]},MSG}`        | provider.preferred_min_throughput
            """)
    void namesTheOffendingField(String body, String param) {
        byte[] json = utf8(body.replace("MSG", OK_MESSAGES));

        assertThatThrownBy(() -> ChatRequest.decode(json))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo(param);
                    assertThat(e.getMessage()).startsWith(param + ":");
                });
    }

    @Test
    void namesTheSortPartitionWithItsFullPath() {
        byte[] json = utf8("{\"model\":\"m\"," + OK_MESSAGES + ",\"provider\":{\"sort\":{\"by\":\"price\",\"partition\":\"all\"}}}");

        assertThatThrownBy(() -> ChatRequest.decode(json))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.param()).isEqualTo("provider.sort.partition"));
    }

    @Test
    void reportsAnIntegerTooLargeForMaxTokensAsAnInvalidFieldNotAsMalformedJson() {
        byte[] json = utf8("{\"model\":\"m\"," + OK_MESSAGES + ",\"max_tokens\":99999999999999999999}");

        assertThatThrownBy(() -> ChatRequest.decode(json))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("max_tokens"));
    }

    @Test
    void reportsWhereTheJsonIsMalformed() {
        byte[] json = utf8("{\n  \"model\": \"m\",\n  \"messages\": [\n    {\"role\": \"user\" \"content\": \"hi\"}\n  ]\n}");

        assertThatThrownBy(() -> ChatRequest.decode(json))
                .isInstanceOfSatisfying(MalformedJsonException.class, e -> {
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.column()).as("column of the quote opening \"content\"").isEqualTo(21);
                    assertThat(e.getMessage()).contains("line 4");
                });
    }

    @Test
    void rejectsABodyThatIsNotAnObject() {
        assertThatThrownBy(() -> ChatRequest.decode(utf8("[{\"model\":\"m\"}]")))
                .isInstanceOf(MalformedJsonException.class);
        assertThatThrownBy(() -> ChatRequest.decode(new byte[0])).isInstanceOf(MalformedJsonException.class);
    }

    @Test
    void acceptsMissingModelWhenModelsIsGiven() {
        assertThat(ChatRequest.decode(utf8("{\"models\":[\"a/b\"]," + OK_MESSAGES + "}")).model()).isEqualTo("a/b");
    }
}
