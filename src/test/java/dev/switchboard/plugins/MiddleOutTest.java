package dev.switchboard.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.protocol.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

import static org.assertj.core.api.Assertions.assertThat;

class MiddleOutTest {
    /** One token per character of content: easy to reason about. */
    static final ToLongFunction<ArrayNode> CHARS = messages -> {
        long n = 0;
        for (JsonNode m : messages) {
            n += m.path("content").isTextual() ? m.get("content").asText().length() : m.path("content").toString().length();
        }
        return n;
    };

    private static ArrayNode conversation(String... roleAndText) {
        ArrayNode messages = Json.MAPPER.createArrayNode();
        for (int i = 0; i < roleAndText.length; i += 2) {
            messages.addObject().put("role", roleAndText[i]).put("content", roleAndText[i + 1]);
        }
        return messages;
    }

    private static List<String> contents(ArrayNode messages) {
        List<String> out = new ArrayList<>();
        messages.forEach(m -> out.add(m.path("content").asText()));
        return out;
    }

    @Test
    void aPromptThatFitsIsLeftAlone() {
        ArrayNode messages = conversation("user", "hello");
        MiddleOut.Result result = MiddleOut.fit(messages, 5, CHARS);
        assertThat(result.changed()).isFalse();
        assertThat(result.messages()).isSameAs(messages);
    }

    @Test
    void removesMessagesFromTheMiddleKeepingTheSystemPromptAndTheLastMessage() {
        ArrayNode messages = conversation("system", "S", "user", "u1-aaaa", "assistant", "a1-aaaa", "user", "u2-aaaa",
                "assistant", "a2-aaaa", "user", "u3-aaaa", "assistant", "a3-aaaa", "user", "LAST");
        MiddleOut.Result result = MiddleOut.fit(messages, 20, CHARS);
        assertThat(contents(result.messages())).containsExactly("S", "u1-aaaa", "a3-aaaa", "LAST");
        assertThat(result.removed()).isEqualTo(4);
        assertThat(CHARS.applyAsLong(result.messages())).isLessThanOrEqualTo(20);
        assertThat(contents(messages)).hasSize(8); // the input is not changed
    }

    @Test
    void toolCallsLeaveTogetherWithTheirResults() {
        ArrayNode messages = conversation("user", "q1-aaaaaaaa");
        messages.addObject().put("role", "assistant").putNull("content").putArray("tool_calls").addObject().put("id", "c1");
        messages.addObject().put("role", "tool").put("tool_call_id", "c1").put("content", "result-aaaaaaaaaaaaaaaa");
        messages.addObject().put("role", "user").put("content", "LAST");
        MiddleOut.Result result = MiddleOut.fit(messages, 20, CHARS);
        assertThat(result.messages()).noneMatch(m -> m.has("tool_calls") || m.path("role").asText().equals("tool"));
        assertThat(contents(result.messages())).containsExactly("q1-aaaaaaaa", "LAST");
    }

    @Test
    void cutsTheMiddleOfTheTextWhenOneMessageIsTooLong() {
        String text = "BEGIN " + "x".repeat(2_000) + " END";
        MiddleOut.Result result = MiddleOut.fit(conversation("user", text), 400, CHARS);
        String kept = result.messages().get(0).get("content").asText();
        assertThat(kept).startsWith("BEGIN ").endsWith(" END").contains(MiddleOut.ELISION);
        assertThat(kept.length()).isLessThanOrEqualTo(400);
        assertThat(result.truncated()).isPositive();
    }

    @Test
    void cutsTextPartsToo() {
        ArrayNode messages = Json.MAPPER.createArrayNode();
        messages.addObject().put("role", "user").putArray("content").addObject().put("type", "text")
                .put("text", "A".repeat(1_000) + "B".repeat(1_000));
        MiddleOut.Result result = MiddleOut.fit(messages, 600, CHARS);
        String kept = result.messages().get(0).get("content").get(0).get("text").asText();
        assertThat(kept).startsWith("AAA").endsWith("BBB");
        assertThat(CHARS.applyAsLong(result.messages())).isLessThanOrEqualTo(600);
    }
}
