package dev.switchboard.protocol.responses;

import dev.switchboard.protocol.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InputStringDecoderTest {

    /** Every split of the arguments into two fragments decodes to the same input, never splitting a surrogate pair. */
    @Test
    void decodesTheInputStringAcrossEverySplit() {
        String input = "line \"one\"\n\ttab \\ slash / é 😀 end";
        String arguments = "{ \"input\" : " + Json.string(Json.MAPPER.getNodeFactory().textNode(input)).replace("😀", "\\ud83d\\ude00") + "}";
        for (int cut = 0; cut <= arguments.length(); cut++) {
            InputStringDecoder decoder = new InputStringDecoder();
            String first = decoder.feed(arguments.substring(0, cut));
            String second = decoder.feed(arguments.substring(cut));
            assertThat(first + second).as("cut at %d", cut).isEqualTo(input);
            assertThat(first.isEmpty() || !Character.isHighSurrogate(first.charAt(first.length() - 1))).isTrue();
        }
    }

    @Test
    void leavesArgumentsOfAnotherShapeToTheEnd() {
        InputStringDecoder decoder = new InputStringDecoder();
        assertThat(decoder.feed("{\"code\":\"x\",\"input\":\"y\"}")).isEmpty();
        assertThat(new InputStringDecoder().feed("plain text")).isEmpty();
        assertThat(OutputItems.customInput("plain text")).isEqualTo("plain text");
        assertThat(OutputItems.customInput("{\"input\":\"y\"}")).isEqualTo("y");
    }
}
